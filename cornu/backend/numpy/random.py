"""NumPy random ops. ``seed`` is a uint32 array of shape (2,) drawn by a SeedGenerator."""

import numpy as np

from cornu.backend.numpy.core import convert_to_tensor, to_numpy_dtype

SEED_DTYPE = "uint32"


def _rng(seed):
    return np.random.default_rng([int(v) for v in np.asarray(seed).ravel()])


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return (_rng(seed).standard_normal(tuple(shape)) * stddev + mean).astype(to_numpy_dtype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return _rng(seed).uniform(minval, maxval, tuple(shape)).astype(to_numpy_dtype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    rng = _rng(seed)
    out = rng.standard_normal(tuple(shape))
    bad = np.abs(out) > 2.0
    while bad.any():
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2.0
    return (out * stddev + mean).astype(to_numpy_dtype(dtype))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return _rng(seed).integers(minval, maxval, tuple(shape)).astype(to_numpy_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = convert_to_tensor(inputs)
    keep = 1.0 - rate
    shape = inputs.shape if noise_shape is None else tuple(
        inputs.shape[i] if d is None else d for i, d in enumerate(noise_shape)
    )
    mask = _rng(seed).uniform(size=shape) < keep
    return np.where(mask, inputs / keep, 0).astype(inputs.dtype)


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    perm = _rng(seed).permutation(x.shape[axis])
    return np.take(x, perm, axis=axis)


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = np.asarray(convert_to_tensor(logits), dtype="float64")
    probs = np.exp(logits - logits.max(axis=-1, keepdims=True))
    cdf = np.cumsum(probs / probs.sum(axis=-1, keepdims=True), axis=-1)
    draws = _rng(seed).uniform(size=(logits.shape[0], num_samples))
    # Inverse CDF: the class is the number of cumulative probabilities below the draw.
    samples = (cdf[:, None, :] <= draws[..., None]).sum(axis=-1)
    return np.minimum(samples, logits.shape[-1] - 1).astype(to_numpy_dtype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    counts = np.broadcast_to(np.asarray(counts), tuple(shape))
    return _rng(seed).binomial(counts.astype("int64"), probabilities, size=tuple(shape)).astype(to_numpy_dtype(dtype))


def gamma(shape, alpha, dtype=None, seed=None):
    return _rng(seed).standard_gamma(alpha, size=tuple(shape)).astype(to_numpy_dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    return _rng(seed).beta(alpha, beta, size=tuple(shape)).astype(to_numpy_dtype(dtype))


def set_global_seed(seed):
    """Nothing to seed: every random op here is stateless given its seed."""
    return None
