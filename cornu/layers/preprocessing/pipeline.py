"""``Pipeline``: a plain layer that applies a list of layers in order (an augmentation pipeline)."""

import optree

from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.Pipeline")
class Pipeline(Layer):
    """Calls ``layers`` one after the other, passing ``training`` and masks along.

    Unlike ``Sequential`` it is not a model, and it leaves its inputs as they are, so a
    pipeline of preprocessing layers keeps running on NumPy for host data (a data pipeline)
    and on the backend inside a model. Dicts of ``images``/``labels``/``bounding_boxes``/
    ``segmentation_masks`` flow through image layers unchanged in structure.

    Example:
    >>> augment = cornu.layers.Pipeline([cornu.layers.MixUp(seed=1), cornu.layers.CutMix(seed=2)])
    >>> out = augment({"images": np.zeros((2, 8, 8, 3)), "labels": np.eye(2)})
    >>> out["images"].shape
    (2, 8, 8, 3)
    """

    def __init__(self, layers, name=None):
        super().__init__(name=name)
        self._pipeline_layers = layers

    @property
    def layers(self):
        return self._pipeline_layers

    def _convert_inputs(self, args):
        # Each layer converts what it needs: host data must reach the data layers untouched.
        return args

    def call(self, inputs, training=True, mask=None):
        outputs = inputs
        for layer in self._pipeline_layers:
            kwargs = {}
            if layer._call_has_mask_arg:
                kwargs["mask"] = mask
            if layer._call_has_training_arg and training is not None:
                kwargs["training"] = training
            outputs = layer(inputs, **kwargs)
            inputs = outputs
            masks = optree.tree_map(lambda x: getattr(x, "_keras_mask", None), outputs, none_is_leaf=True)
            mask = masks if optree.tree_leaves(masks) else None
        return outputs

    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        return {"layers": serialize_keras_object(self._pipeline_layers), "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.serialization.keras_objects import deserialize_keras_object

        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(
                "`Pipeline` config must contain a `layers` key mapping to a list of serialized layers. "
                f"Received config with layers={layers}."
            )
        config = dict(config)
        config["layers"] = [deserialize_keras_object(layer, custom_objects=custom_objects) for layer in layers]
        return cls(**config)
