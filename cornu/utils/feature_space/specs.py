"""The pieces a ``FeatureSpace`` is made of: ``Feature`` (a dtype, a preprocessor and an output
mode), ``Cross`` (features crossed by hashing) and the two small layers Keras uses for the
identity and the concatenation, registered under Keras's internal paths so ``.keras`` files
move between Keras and cornu.

``Feature`` and ``Cross`` hold no state of their own: Keras's saving walk does not go below
them, and cornu's does not visit them at all, so a preprocessor's weights live under
``preprocessors/...`` in both.
"""

from cornu.layers.preprocessing.data_layer import DataLayer
from cornu.serialization.keras_objects import deserialize_keras_object, serialize_keras_object
from cornu.serialization.registry import keras_export

_MODULE = "keras.src.layers.preprocessing.feature_space"
FEATURE_OUTPUT_MODES = ("int", "one_hot", "float")
CROSS_OUTPUT_MODES = ("int", "one_hot")


@keras_export(f"{_MODULE}.Cross")
class Cross:
    """Features crossed into ``crossing_dim`` hash bins (see ``FeatureSpace.cross``).

    Example:
    >>> Cross(("color", "size"), crossing_dim=16).name
    'color_X_size'
    """

    def __init__(self, feature_names, crossing_dim, output_mode="one_hot"):
        if output_mode not in CROSS_OUTPUT_MODES:
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of {set(CROSS_OUTPUT_MODES)}. "
                             f"Received: output_mode={output_mode}")
        self.feature_names = tuple(feature_names)
        self.crossing_dim = crossing_dim
        self.output_mode = output_mode

    @property
    def name(self):
        return "_X_".join(self.feature_names)

    def get_config(self):
        return {"feature_names": self.feature_names, "crossing_dim": self.crossing_dim,
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


@keras_export(f"{_MODULE}.Feature")
class Feature:
    """One input of a ``FeatureSpace``: its dtype, the layer that preprocesses it, and how the
    result is encoded (``"int"``, ``"one_hot"`` or ``"float"``).

    Example:
    >>> Feature("float32", cornu.layers.Rescaling(0.5), "float").output_mode
    'float'
    """

    def __init__(self, dtype, preprocessor, output_mode):
        if output_mode not in FEATURE_OUTPUT_MODES:
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of "
                             f"{set(FEATURE_OUTPUT_MODES)}. Received: output_mode={output_mode}")
        self.dtype = dtype
        if isinstance(preprocessor, dict):
            preprocessor = deserialize_keras_object(preprocessor)
        self.preprocessor = preprocessor
        self.output_mode = output_mode

    def get_config(self):
        return {"dtype": self.dtype, "preprocessor": serialize_keras_object(self.preprocessor),
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


@keras_export(f"{_MODULE}.TFDIdentity")
class TFDIdentity(DataLayer):
    """Passes a feature through unchanged (the preprocessor of ``FeatureSpace.float``)."""

    def call(self, x):
        return x

    def compute_output_shape(self, input_shape):
        return input_shape


@keras_export(f"{_MODULE}.TFDConcat")
class TFDConcat(DataLayer):
    """Concatenates the encoded features along ``axis`` (``FeatureSpace(output_mode="concat")``)."""

    def __init__(self, axis, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, xs):
        return self.backend.numpy.concatenate(xs, axis=self.axis)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
