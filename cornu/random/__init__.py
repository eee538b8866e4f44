"""``cornu.random``: stateless random ops seeded by ints or SeedGenerators."""

from cornu import backend
from cornu.random.seed_generator import SeedGenerator, draw_seed
from cornu.saving.registry import keras_export


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
