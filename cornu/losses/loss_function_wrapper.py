"""``LossFunctionWrapper``: a ``Loss`` made from a plain ``fn(y_true, y_pred, **kwargs)``."""

from cornu.losses.loss import Loss, squeeze_or_expand_to_same_rank
from cornu.serialization.registry import keras_export


@keras_export("keras.src.losses.losses.LossFunctionWrapper", "keras.losses.LossFunctionWrapper")
class LossFunctionWrapper(Loss):
    """Wraps a per-sample loss function into a ``Loss`` with reduction and weights.

    ``y_true`` and ``y_pred`` are brought to the same rank (a trailing axis of
    size 1 is squeezed or added) before ``fn`` sees them.

    Args:
        fn: ``fn(y_true, y_pred, **kwargs)`` returning per-sample losses.
        reduction, name, dtype: as for ``Loss``.
        **kwargs: extra keyword arguments passed to ``fn``.

    Example:
    >>> loss = LossFunctionWrapper(cornu.losses.mean_absolute_error, name="mae")
    >>> float(loss([[1.0], [2.0]], [[2.0], [2.0]]))
    0.5
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if isinstance(y_true, dict) and isinstance(y_pred, dict):
            pairs = {k: squeeze_or_expand_to_same_rank(y_true[k], y_pred[k]) for k in y_true}
            y_true = {k: p[0] for k, p in pairs.items()}
            y_pred = {k: p[1] for k, p in pairs.items()}
        elif isinstance(y_true, (list, tuple)) and isinstance(y_pred, (list, tuple)):
            pairs = [squeeze_or_expand_to_same_rank(t, p) for t, p in zip(y_true, y_pred)]
            y_true = type(y_true)(p[0] for p in pairs)
            y_pred = type(y_pred)(p[1] for p in pairs)
        elif hasattr(y_true, "shape") and hasattr(y_pred, "shape"):
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        config = super().get_config()
        config["fn"] = serialize_keras_object(self.fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**deserialize_function_config(config))

    def __repr__(self):
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


def deserialize_function_config(config):
    """Rebuilds the serialized ``fn`` (and any serialized kwarg) of a wrapper's config."""
    if "fn" not in config:
        return config
    from cornu.serialization.keras_objects import deserialize_keras_object

    config = dict(config)
    for key, value in config.items():
        if key == "fn" or (isinstance(value, dict) and "class_name" in value):
            config[key] = deserialize_keras_object(value)
    return config


class PlainConfigWrapper(LossFunctionWrapper):
    """A wrapped loss whose config is just ``name`` and ``reduction``."""

    def get_config(self):
        return Loss.get_config(self)
