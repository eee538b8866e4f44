"""``Normalization``: ``(x - mean) / sqrt(variance)`` per feature, with the statistics given or
learned from data by ``adapt``."""

import itertools
import math

import numpy as np

from cornu import backend
from cornu.layers.preprocessing.data_layer import DataLayer
from cornu.serialization.registry import keras_export


def _first_of(batch):
    """The inputs of a batch that may be ``(x, y)`` or ``(x, y, sample_weight)``."""
    return batch[0] if isinstance(batch, tuple) else batch


@keras_export("keras.layers.Normalization")
class Normalization(DataLayer):
    """Shifts and scales inputs to zero mean and unit variance along ``axis``.

    Args:
        axis: the axis or axes that keep their own statistics (default -1: one mean and
            variance per feature); None for one mean and variance over everything.
        mean, variance: the statistics, if known (else call ``adapt``).
        invert: undo the normalization instead (``mean + x * sqrt(variance)``).

    Example:
    >>> layer = cornu.layers.Normalization()
    >>> layer.adapt(np.array([[0.0, 7.0], [2.0, 9.0]]))
    >>> layer(np.array([[1.0, 8.0]]))  # [[0.0, 0.0]]
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        if (mean is None) != (variance is None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "When setting values directly, `mean` and `variance` must have the same shape. "
                    f"Received: mean shape {np.shape(mean)} and variance shape {np.shape(variance)}"
                )
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(
                    f"The rank of `mean` must be at most the number of axes ({len(self.axis)}). "
                    f"Received: mean shape {np.shape(mean)} for axis {self.axis}"
                )

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f"All `axis` values must be in [-ndim, ndim). Received inputs with ndim={ndim}, "
                             f"axis={self.axis}")
        keep = tuple(sorted(a % ndim for a in self.axis))
        for d in keep:
            if input_shape[d] is None:
                raise ValueError(
                    f"All `axis` values to be kept must have a known size. Received axis={self.axis}, "
                    f"inputs.shape={tuple(input_shape)}, with an unknown size at index {d}"
                )
        self._keep_axis = keep
        self._reduce_axis = tuple(d for d in range(ndim) if d not in keep)
        self._broadcast_shape = tuple(input_shape[d] if d in keep else 1 for d in range(ndim))
        self._statistics_shape = tuple(input_shape[d] for d in keep)
        self._build_input_shape = tuple(input_shape)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._statistics_shape, initializer="zeros",
                                              trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._statistics_shape, initializer="ones",
                                                  trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int", initializer="zeros", trainable=False)
        else:
            self._fixed_mean = self._broadcast(self.input_mean)
            self._fixed_variance = self._broadcast(self.input_variance)

    def _broadcast(self, value):
        """A given statistic laid out along the kept axes, broadcast to the input's rank."""
        value = np.asarray(value, dtype="float64")
        expanded = [1] * len(self._broadcast_shape)
        for i in range(1, value.ndim + 1):
            expanded[self._keep_axis[-i]] = value.shape[-i]
        return np.broadcast_to(value.reshape(expanded), self._broadcast_shape)

    def adapt(self, data):
        """Computes the mean and variance of ``data`` (an array, a tensor, a ``PyDataset`` or an
        iterable of batches) along the non-kept axes and stores them in the layer."""
        batches = self._batches(data)
        first = next(batches, None)
        if first is None:
            raise ValueError("adapt() received no data. Pass an array or a non-empty iterable of batches.")
        if not self.built:
            self.build(first.shape)
        total_mean = total_var = None
        total_count = 0
        for batch in itertools.chain([first], batches):
            for d in self._keep_axis:
                if batch.shape[d] != self._build_input_shape[d]:
                    raise ValueError(
                        f"The layer was built with input_shape={self._build_input_shape}, but adapt() received "
                        f"data with an incompatible shape, data.shape={batch.shape}"
                    )
            batch_mean = batch.mean(axis=self._reduce_axis)
            batch_var = batch.var(axis=self._reduce_axis)
            count = math.prod(batch.shape[d] for d in self._reduce_axis)
            if total_mean is None:
                total_mean, total_var, total_count = batch_mean, batch_var, count
                continue
            # Chan et al.'s merge of two (mean, variance, count) summaries.
            total_count += count
            weight = count / total_count
            new_mean = total_mean * (1 - weight) + batch_mean * weight
            total_var = ((total_var + (total_mean - new_mean) ** 2) * (1 - weight)
                         + (batch_var + (batch_mean - new_mean) ** 2) * weight)
            total_mean = new_mean
        self.adapt_mean.assign(np.asarray(total_mean, dtype=self.adapt_mean.dtype))
        self.adapt_variance.assign(np.asarray(total_var, dtype=self.adapt_variance.dtype))

    def _batches(self, data):
        from cornu.utils.py_dataset import PyDataset

        dtype = np.float64 if self.compute_dtype == "float64" else np.float32
        if isinstance(data, np.ndarray) or backend.is_tensor(data):
            return iter([np.asarray(backend.convert_to_numpy(data), dtype=dtype)])
        if isinstance(data, PyDataset):
            dataset = data
            data = (dataset[i] for i in range(len(dataset)))
        elif not hasattr(data, "__iter__") or isinstance(data, (str, bytes, dict)):
            raise TypeError(
                "adapt() takes a NumPy array, a tensor, a PyDataset or an iterable of batches. "
                f"Received: {type(data).__name__}"
            )
        return (np.asarray(backend.convert_to_numpy(_first_of(batch)), dtype=dtype) for batch in data)

    def _statistics(self):
        if self.input_mean is not None:
            return self._fixed_mean, self._fixed_variance
        ns = self.backend
        return (ns.numpy.reshape(ns.convert_to_tensor(self.adapt_mean.value), self._broadcast_shape),
                ns.numpy.reshape(ns.convert_to_tensor(self.adapt_variance.value), self._broadcast_shape))

    @property
    def mean(self):
        """The mean as ``call`` uses it (broadcast to the input's rank, in the compute dtype), as in
        Keras; None before the layer is built. After ``adapt`` it follows ``adapt_mean``."""
        return self._statistic(0)

    @property
    def variance(self):
        """The variance as ``call`` uses it (see ``mean``); None before the layer is built."""
        return self._statistic(1)

    def _statistic(self, index):
        if not self.built:
            return None
        return self.backend.cast(self._statistics()[index], self.compute_dtype)

    def call(self, inputs):
        ns, dtype = self.backend, self.compute_dtype
        inputs = ns.convert_to_tensor(inputs, dtype=dtype)
        mean, variance = (ns.cast(ns.convert_to_tensor(s), dtype) for s in self._statistics())
        scale = ns.numpy.maximum(ns.numpy.sqrt(variance), backend.epsilon())
        if self.invert:
            return ns.numpy.add(mean, ns.numpy.multiply(inputs, scale))
        return ns.numpy.divide(ns.numpy.subtract(inputs, mean), scale)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        })
        return config
