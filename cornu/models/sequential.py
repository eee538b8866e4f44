"""``Sequential``: a plain stack of layers, one input and one output."""

from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.core.input_layer import InputLayer
from cornu.layers.layer import Layer
from cornu.models.model import Model
from cornu.serialization.registry import keras_export


@keras_export("keras.Sequential", "keras.models.Sequential")
class Sequential(Model):
    """A linear stack of layers.

    When the input shape is known (an ``Input``/``InputLayer`` first, or an
    ``input_shape`` argument on the first layer) the model is built at once;
    otherwise it builds on its first call or in ``fit``.

    Example:
    >>> model = cornu.Sequential([
    ...     cornu.Input(shape=(8,)),
    ...     cornu.layers.Dense(16, activation="relu"),
    ...     cornu.layers.Dense(1),
    ... ])
    """

    _untracked_attrs = ("_functional", "_input_layer")

    def __new__(cls, *args, **kwargs):
        return Layer.__new__(cls)

    def __init__(self, layers=None, trainable=True, name=None):
        Model.__init__(self, trainable=trainable, name=name)
        self._layer_list = []
        self._functional = None
        self._input_layer = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer, rebuild=True):
        """Appends a layer (or an ``Input`` tensor) to the stack."""
        if isinstance(layer, KerasTensor) and isinstance(getattr(layer._keras_history, "operation", None), InputLayer):
            layer = layer._keras_history.operation
        if not isinstance(layer, Layer):
            raise ValueError(
                "Only instances of `cornu.layers.Layer` can be added to a Sequential model. "
                f"Received: {layer!r} (of type {type(layer).__name__})"
            )
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self._layer_list:
                raise ValueError(
                    "Sequential model '{}' already has layers or an input; an InputLayer can only come first. "
                    f"Received: {layer!r}".format(self.name)
                )
            self._input_layer = layer
        else:
            names = {existing.name for existing in self._layer_list}
            if layer.name in names:
                raise ValueError(
                    f"All layers added to a Sequential model should have unique names. Name '{layer.name}' is "
                    "already the name of a layer in this model. Update the `name` argument to pass a unique name."
                )
            self._layer_list.append(layer)
        self.built = False
        self._functional = None
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild=True):
        """Removes and returns the last layer."""
        if not self._layer_list:
            raise TypeError("There are no layers in the model.")
        layer = self._layer_list.pop()
        self.built = False
        self._functional = None
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self):
        if self._input_layer is not None:
            self.build(self._input_layer.batch_shape)
        elif self._layer_list and self._layer_list[0]._input_shape_arg is not None:
            self.build(self._layer_list[0]._input_shape_arg)

    def build(self, input_shape=None):
        if input_shape is None:
            raise ValueError(f"Sequential model '{self.name}' cannot be built without an input shape.")
        if isinstance(input_shape, dict) or (isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (list, tuple))):
            raise ValueError(
                f"Sequential model '{self.name}' has a single input; it cannot be built with several input "
                f"shapes. Received: input_shape={input_shape}"
            )
        input_shape = (None,) + tuple(input_shape)[1:]
        if self._input_layer is None:
            dtype = None
            self._input_layer = InputLayer(batch_shape=input_shape, dtype=dtype)
        elif tuple(self._input_layer.batch_shape)[1:] != input_shape[1:]:
            self._input_layer = InputLayer(batch_shape=input_shape, dtype=self._input_layer.dtype)
        x = self._input_layer.output
        for layer in self._layer_list:
            try:
                x = layer(x)
            except NotImplementedError:
                # A layer that cannot run symbolically: stay in deferred mode.
                self._functional = None
                self.built = True
                return
        from cornu.models.functional import Functional

        self._functional = Functional(self._input_layer.output, x, name=f"{self.name}_functional")
        self._functional._owner_name = self.name
        self._build_shapes = {"input_shape": input_shape}
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if self._functional is not None:
            return self._functional.call(inputs, training=training, mask=mask)
        x = inputs
        for layer in self._layer_list:
            kwargs = {"training": training} if layer._call_has_training_arg else {}
            x = layer(x, **kwargs)
        return x

    _compilable_call = call

    def _graph_output_spec(self, inputs):
        return self._functional._graph_output_spec(inputs) if self._functional is not None else None

    def compute_output_spec(self, inputs, training=None, mask=None):
        if self._functional is not None:
            return self._functional.compute_output_spec(inputs, training=training)
        return super().compute_output_spec(inputs, training=training)

    @property
    def layers(self):
        """The stacked layers (the InputLayer is not included, as in Keras)."""
        return list(self._layer_list)

    @property
    def _layers(self):
        return list(self._layer_list)

    @property
    def inputs(self):
        return [self._functional._inputs[0]] if self._functional is not None else None

    @property
    def outputs(self):
        return self._functional._outputs if self._functional is not None else None

    @property
    def input(self):
        if self._functional is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined input yet: build it first.")
        return self._functional.input

    @property
    def output(self):
        if self._functional is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined output yet: build it first.")
        return self._functional.output

    @property
    def input_shape(self):
        if self._functional is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined input shape yet.")
        return self._functional.input_shape

    @property
    def output_shape(self):
        if self._functional is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined output shape yet.")
        return self._functional.output_shape

    def _lock_state(self):
        pass  # a model built from a graph stays open after build, as in Keras

    def _obj_type(self):
        return "Sequential"

    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        layers = []
        if self._input_layer is not None and self._functional is not None:
            layers.append(serialize_keras_object(self._input_layer))
        layers.extend(serialize_keras_object(layer) for layer in self._layer_list)
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": serialize_keras_object(self.dtype_policy),
            "layers": layers,
        }
        if self._build_shapes is not None:
            config["build_input_shape"] = list(self._build_shapes["input_shape"])
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.serialization.keras_objects import deserialize_keras_object

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config.get("layers", []):
            layer = deserialize_keras_object(layer_config, custom_objects=custom_objects)
            model.add(layer, rebuild=False)
        model._maybe_rebuild()
        if not model.built and config.get("build_input_shape"):
            model.build(tuple(config["build_input_shape"]))
        return model

