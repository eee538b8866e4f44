"""JAX random ops. ``seed`` is a uint32 key of shape (2,) drawn by a SeedGenerator."""

import jax
import jax.numpy as jnp

from cornu.backend.common.dtypes import standardize_dtype
from cornu.backend.jax.chunked_random import draw_in_chunks, flat_draw_applies
from cornu.backend.jax.core import convert_to_tensor

SEED_DTYPE = "uint32"


def _key(seed):
    return jnp.asarray(seed, dtype="uint32")


# Eager draws go through `draw_in_chunks`: the same values from two compiled programs per
# distribution and dtype, instead of one program per shape.


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype, key = standardize_dtype(dtype), _key(seed)

    def draw(draw_key, draw_shape):
        return jax.random.normal(draw_key, shape=draw_shape, dtype=dtype) * stddev + mean

    if flat_draw_applies(key, mean, stddev):
        return draw_in_chunks(draw, key, shape)
    return draw(key, tuple(shape))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype, key = standardize_dtype(dtype), _key(seed)

    def draw(draw_key, draw_shape):
        return jax.random.uniform(draw_key, shape=draw_shape, dtype=dtype, minval=minval, maxval=maxval)

    if flat_draw_applies(key, minval, maxval):
        return draw_in_chunks(draw, key, shape)
    return draw(key, tuple(shape))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype, key = standardize_dtype(dtype), _key(seed)

    def draw(draw_key, draw_shape):
        return jax.random.truncated_normal(draw_key, -2.0, 2.0, shape=draw_shape, dtype=dtype) * stddev + mean

    if flat_draw_applies(key, mean, stddev):
        return draw_in_chunks(draw, key, shape)
    return draw(key, tuple(shape))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return jax.random.randint(_key(seed), shape=tuple(shape), minval=minval, maxval=maxval, dtype=standardize_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = convert_to_tensor(inputs)
    keep = 1.0 - rate
    shape = inputs.shape if noise_shape is None else tuple(
        inputs.shape[i] if d is None else d for i, d in enumerate(noise_shape)
    )
    mask = jax.random.bernoulli(_key(seed), keep, shape=shape)
    return jnp.where(mask, inputs / keep, jnp.zeros_like(inputs))


def shuffle(x, axis=0, seed=None):
    return jax.random.permutation(_key(seed), convert_to_tensor(x), axis=axis, independent=False)


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = convert_to_tensor(logits)
    # One draw of shape (num_samples, batch) over the class axis, then batch first.
    samples = jax.random.categorical(_key(seed), logits, axis=-1, shape=(num_samples, logits.shape[0]))
    return samples.T.astype(standardize_dtype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = standardize_dtype(dtype)
    counts, probabilities = jnp.asarray(counts, dtype), jnp.asarray(probabilities, dtype)
    return jax.random.binomial(_key(seed), counts, probabilities, shape=tuple(shape), dtype=dtype)


def gamma(shape, alpha, dtype=None, seed=None):
    dtype = standardize_dtype(dtype)
    return jax.random.gamma(_key(seed), jnp.asarray(alpha, dtype), shape=tuple(shape), dtype=dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    dtype = standardize_dtype(dtype)
    a, b = jnp.asarray(alpha, dtype), jnp.asarray(beta, dtype)
    return jax.random.beta(_key(seed), a, b, shape=tuple(shape), dtype=dtype)


def set_global_seed(seed):
    """Nothing to seed: every random op here is stateless given its seed."""
    return None
