"""Eager random draws of any shape from two compiled programs per distribution.

``jax.random.normal(key, shape)`` compiles one XLA program per distinct shape,
and the threefry hash makes every compile slow (around a second for a 4-D
convolution kernel on CPU). Building a model draws one weight per layer,
nearly each of a new shape, so these compiles used to dominate model building.

With partitionable threefry (``jax_threefry_partitionable``, JAX's default),
element ``i`` of a draw depends only on the key and its flat index ``i``, and
all that follows the hash (bits to floats, ``erf_inv``, clipping, scaling) is
elementwise. So a draw of ``shape`` equals, bit for bit, the flat indices
``0 .. prod(shape) - 1`` of any draw with the same key. This module draws
those indices in chunks of two fixed lengths, each chunk hashing the counters
``offset .. offset + length - 1`` through a key that carries its offset
(a PRNG implementation registered with ``jax.extend.random``, so JAX's own
post-processing runs unchanged), then assembles the values on the host.

Example:
>>> key = jnp.asarray([42, 0], dtype="uint32")
>>> draw = lambda k, s: jax.random.uniform(k, s)
>>> values = draw_in_chunks(draw, key, (3, 3, 8, 16))  # == draw(key, (3, 3, 8, 16))
"""

import math

import jax
import numpy as np
from jax import lax

# Draws up to this many values use one short chunk; longer ones, long chunks.
_SHORT_CHUNK = 1 << 10
# Long enough to amortize dispatch, short enough to stay in cache.
_LONG_CHUNK = 1 << 16

_offset_threefry = None


def _offset_threefry_bits(key_data, bit_width, shape):
    """Partitionable threefry bits for flat indices ``offset + i``.

    ``key_data`` is ``[k1, k2, offset_high, offset_low]`` (uint32); with a
    zero offset this is JAX's ``_threefry_random_bits_partitionable``.
    """
    from jax.extend.random import threefry2x32_p

    k1, k2, offset_high, offset_low = key_data[0], key_data[1], key_data[2], key_data[3]
    low = lax.iota(np.uint32, math.prod(shape)) + offset_low
    high = offset_high + lax.convert_element_type(low < offset_low, np.uint32)  # carry
    bits1, bits2 = threefry2x32_p.bind(k1, k2, high, low)
    if bit_width == 64:
        high_bits = lax.convert_element_type(bits1, np.uint64)
        bits = lax.shift_left(high_bits, np.uint64(32)) | lax.convert_element_type(bits2, np.uint64)
    elif bit_width == 32:
        bits = bits1 ^ bits2
    else:
        bits = lax.convert_element_type(bits1 ^ bits2, np.dtype(f"uint{bit_width}"))
    return lax.reshape(bits, tuple(shape))


def _only_for_drawing(*args):
    raise NotImplementedError("cornu's offset threefry keys only draw random bits.")


def _offset_threefry_impl():
    global _offset_threefry
    if _offset_threefry is None:
        from jax.extend.random import define_prng_impl

        _offset_threefry = define_prng_impl(
            key_shape=(4,),
            seed=_only_for_drawing,
            split=_only_for_drawing,
            random_bits=_offset_threefry_bits,
            fold_in=_only_for_drawing,
            name="cornu_offset_threefry",
        )
    return _offset_threefry


def _outside_traced_code():
    try:
        from jax._src import core as jax_core

        return bool(jax_core.trace_state_clean())
    except (ImportError, AttributeError):  # a JAX without this helper: draw directly
        return False


def flat_draw_applies(key, *params):
    """Whether ``draw_in_chunks`` gives the direct draw's values here.

    It needs partitionable threefry as the raw-key PRNG, a concrete key,
    scalar parameters (so every element is post-processed alike) and eager
    execution: in traced code the draw is part of a larger program anyway.
    """
    config = jax.config
    if not getattr(config, "jax_threefry_partitionable", False):
        return False
    if getattr(config, "jax_default_prng_impl", None) != "threefry2x32":
        return False
    if isinstance(key, jax.core.Tracer) or any(isinstance(p, jax.core.Tracer) for p in params):
        return False
    if np.shape(key) != (2,) or any(np.ndim(p) != 0 for p in params):
        return False
    return _outside_traced_code()


def draw_in_chunks(draw, key, shape):
    """``draw(key, shape)``, computed as flat chunks of two fixed lengths.

    ``draw(typed_key, (length,))`` must draw with ``jax.random`` from the
    typed key it is given and be elementwise after that (see the module
    docstring); ``key`` is a raw uint32 ``[k1, k2]`` threefry key.
    """
    shape = tuple(int(d) for d in shape)
    size = math.prod(shape)
    if size == 0:
        return draw(key, shape)
    chunk = _SHORT_CHUNK if size <= _SHORT_CHUNK else _LONG_CHUNK
    k1, k2 = (int(k) for k in np.asarray(jax.device_get(key), dtype=np.uint32))
    impl = _offset_threefry_impl()
    values = None
    for offset in range(0, size, chunk):
        key_data = np.array([k1, k2, offset >> 32, offset & 0xFFFFFFFF], dtype=np.uint32)
        part = np.asarray(jax.device_get(draw(jax.random.wrap_key_data(key_data, impl=impl), (chunk,))))
        if values is None:
            values = np.empty(size, dtype=part.dtype)
        stop = min(offset + chunk, size)
        values[offset:stop] = part[: stop - offset]
    return jax.device_put(values.reshape(shape))
