"""Metrics that reduce values: ``Sum``, ``Mean`` and ``MeanMetricWrapper`` (the mean of ``fn(y_true, y_pred)``)."""

from cornu import backend
from cornu import ops
from cornu.losses.loss import apply_mask, squeeze_or_expand_to_same_rank
from cornu.metrics.metric import Metric
from cornu.serialization.registry import keras_export


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    """Weights ``values`` and reduces them to one value per sample.

    Values with more axes than the weights are first reduced over the extra
    axes with ``reduce_fn``; the weights are broadcast to the values and, if
    they have more than one axis, reduced to one weight per sample too.
    Returns ``(per_sample_values, per_sample_weights_or_None)``.
    """
    dtype = dtype or backend.floatx()
    mask = backend.get_keras_mask(values)
    values = ops.cast(values, dtype)
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=dtype)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, dtype=dtype, reduction="sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim = len(sample_weight.shape)
        values_ndim = len(values.shape)
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values_ndim)))
        try:
            sample_weight = ops.broadcast_to(sample_weight, ops.shape(values))
        except Exception as e:  # backends raise different types; give one clear error
            raise ValueError(
                "`sample_weight` cannot be broadcast to the shape of the values it weights. "
                "Pass one weight per sample (or per value). "
                f"Received: sample_weight.shape={tuple(sample_weight.shape)}, values.shape={tuple(values.shape)}"
            ) from e
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    values_ndim = len(values.shape)
    if values_ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values_ndim)))
    return values, sample_weight


def _is_plain_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_unmasked_scalar(values):
    return backend.is_tensor(values) and len(values.shape) == 0 and backend.get_keras_mask(values) is None


@keras_export("keras.metrics.Sum")
class Sum(Metric):
    """The (weighted) sum of all values seen.

    Example:
    >>> m = Sum(); m.update_state([1.0, 3.0, 5.0]); float(m.result())
    9.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, reduce_fn=ops.sum, dtype=self.dtype)
        self.total.assign_add(ops.sum(values))

    def reset_state(self):
        self.total.assign(0)

    def result(self):
        return ops.cast(self.total.value, self.dtype)


@keras_export("keras.metrics.Mean")
class Mean(Metric):
    """The (weighted) mean of all values seen: ``total / count``.

    Example:
    >>> m = Mean(); m.update_state([1.0, 3.0], sample_weight=[1.0, 3.0]); float(m.result())
    2.5
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None):
        if _is_plain_number(sample_weight) and _is_unmasked_scalar(values):
            # A scalar with a Python weight (the loss trackers, every step): the general path's
            # broadcasting and reductions all reduce to these two updates.
            self.total.assign_add(ops.cast(values, self.dtype) * sample_weight)
            self.count.assign_add(float(sample_weight))
            return
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, reduce_fn=ops.mean, dtype=self.dtype)
        self.total.assign_add(ops.sum(values))
        if sample_weight is not None:
            num_samples = ops.sum(sample_weight)
        elif len(values.shape) >= 1:
            num_samples = ops.shape(values)[0]
        else:
            num_samples = 1
        self.count.assign_add(ops.cast(num_samples, dtype=self.dtype))

    def reset_state(self):
        self.total.assign(0)
        self.count.assign(0)

    def result(self):
        return ops.divide_no_nan(self.total.value, ops.cast(self.count.value, dtype=self.dtype))


@keras_export("keras.metrics.MeanMetricWrapper")
class MeanMetricWrapper(Mean):
    """The running mean of ``fn(y_true, y_pred, **kwargs)``.

    Args:
        fn: ``fn(y_true, y_pred, **kwargs)`` giving per-sample values.
        name, dtype: as for ``Metric``.
        **kwargs: passed to ``fn``.

    Example:
    >>> m = MeanMetricWrapper(cornu.metrics.binary_accuracy, name="acc", threshold=0.7)
    >>> float(m([[1.0], [0.0]], [[0.6], [0.2]]))
    0.5
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        from cornu import losses

        # A metric wrapping a loss is one to minimize (callbacks read this to pick a mode).
        try:
            wraps_loss = fn in losses.ALL_OBJECTS or type(fn) in losses.ALL_OBJECTS
        except TypeError:  # an unhashable callable
            wraps_loss = False
        if wraps_loss:
            self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = backend.get_keras_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        sample_weight = apply_mask(sample_weight, mask, dtype=self.dtype, reduction="sum")
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        config = {"fn": serialize_keras_object(self._fn)}
        config.update(serialize_keras_object(self._fn_kwargs))
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config):
        from cornu.losses.loss_function_wrapper import deserialize_function_config

        return cls(**deserialize_function_config(config))
