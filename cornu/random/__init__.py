"""``cornu.random``: stateless random ops seeded by ints or SeedGenerators."""

import numpy as np

from cornu import backend
from cornu.random.seed_generator import SeedGenerator, draw_seed
from cornu.serialization.registry import keras_export


@keras_export("keras.random.normal")
def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution.

    Example:
    >>> cornu.random.normal((2, 2), seed=1)
    """
    return backend.random.normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=draw_seed(seed))


@keras_export("keras.random.uniform")
def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples uniformly from ``[minval, maxval)``."""
    dtype = dtype or backend.floatx()
    if not backend.is_float_dtype(dtype):
        raise ValueError(f"`random.uniform` needs a float dtype; use `random.randint` for integers. Received: dtype={dtype}")
    return backend.random.uniform(shape, minval=minval, maxval=maxval, dtype=dtype, seed=draw_seed(seed))


@keras_export("keras.random.truncated_normal")
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution truncated at two standard deviations."""
    return backend.random.truncated_normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=draw_seed(seed))


@keras_export("keras.random.randint")
def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Samples integers uniformly from ``[minval, maxval)``."""
    return backend.random.randint(shape, minval, maxval, dtype=dtype, seed=draw_seed(seed))


@keras_export("keras.random.dropout")
def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zeroes elements with probability ``rate`` and scales the rest by ``1 / (1 - rate)``."""
    if not 0 <= rate < 1:
        raise ValueError(f"`rate` must be in [0, 1). Received: rate={rate}")
    return backend.random.dropout(inputs, rate, noise_shape=noise_shape, seed=draw_seed(seed))


@keras_export("keras.random.shuffle")
def shuffle(x, axis=0, seed=None):
    """Shuffles ``x`` along ``axis``."""
    return backend.random.shuffle(x, axis=axis, seed=draw_seed(seed))


@keras_export("keras.random.categorical")
def categorical(logits, num_samples, dtype="int32", seed=None):
    """Draws ``num_samples`` class indices per row of ``logits`` (unnormalized log-probabilities,
    shape ``(batch_size, num_classes)``); returns shape ``(batch_size, num_samples)``.

    Example:
    >>> cornu.random.categorical([[0.0, 10.0]], 3, seed=1)  # class 1 almost surely
    """
    logits = backend.convert_to_tensor(logits)
    if len(logits.shape) != 2:
        raise ValueError(
            "`logits` must be a 2-D tensor of shape (batch_size, num_classes). "
            f"Received: logits.shape={tuple(logits.shape)}"
        )
    if not isinstance(num_samples, (int, np.integer)) or isinstance(num_samples, bool) or num_samples < 0:
        raise ValueError(f"`num_samples` must be a non-negative integer. Received: num_samples={num_samples!r}")
    return backend.random.categorical(logits, int(num_samples), dtype=dtype, seed=draw_seed(seed))


def _float_dtype(dtype, op):
    dtype = backend.standardize_dtype(dtype or backend.floatx())
    if not backend.is_float_dtype(dtype):
        raise ValueError(f"`random.{op}` returns floats: `dtype` must be a float dtype. Received: dtype={dtype}")
    return dtype


@keras_export("keras.random.binomial")
def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Samples the number of successes in ``counts`` trials of success probability
    ``probabilities`` (both broadcast to ``shape``), as floats.

    Example:
    >>> cornu.random.binomial((2, 3), counts=10, probabilities=0.5, seed=1)
    """
    dtype = _float_dtype(dtype, "binomial")
    return backend.random.binomial(shape, counts, probabilities, dtype=dtype, seed=draw_seed(seed))


@keras_export("keras.random.gamma")
def gamma(shape, alpha, dtype=None, seed=None):
    """Samples from the gamma distribution of shape ``alpha`` and scale 1.

    Example:
    >>> cornu.random.gamma((4,), alpha=2.0, seed=1)
    """
    dtype = _float_dtype(dtype, "gamma")
    return backend.random.gamma(shape, alpha, dtype=dtype, seed=draw_seed(seed))


@keras_export("keras.random.beta")
def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples from the beta distribution with parameters ``alpha`` and ``beta``.

    Example:
    >>> cornu.random.beta((4,), alpha=2.0, beta=5.0, seed=1)
    """
    dtype = _float_dtype(dtype, "beta")
    return backend.random.beta(shape, alpha, beta, dtype=dtype, seed=draw_seed(seed))
