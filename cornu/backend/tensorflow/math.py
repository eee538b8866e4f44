"""TensorFlow math ops (top-k, segment reductions, special functions, distances, saturating
casts), plus re-exports of the signal ops (``math_signal``), the structured update ops
(``math_updates``) and the control-flow ops (``math_control_flow``), so that the backend
package exposes the same ``math`` module as the jax and torch backends.

Every function works eagerly and inside ``tf.function`` with unknown dims: sizes that may be
unknown are read with ``tf.shape`` and no Python ``if`` looks at a tensor's value.

Example:
>>> values, indices = top_k(tf.constant([1.0, 5.0, 3.0]), 2)
>>> values.numpy(), indices.numpy()
(array([5., 3.], dtype=float32), array([1, 2], dtype=int32))
"""

import numpy as np
import tensorflow as tf

from cornu.backend.common.dtypes import standardize_dtype
from cornu.backend.tensorflow.core import to_tf_dtype
from cornu.backend.tensorflow.math_control_flow import (  # noqa: F401
    associative_scan,
    compiled,
    custom_gradient,
    map,
    scan,
    switch,
    vectorized_map,
)
from cornu.backend.tensorflow.math_signal import (  # noqa: F401
    extract_sequences,
    fft,
    fft2,
    ifft2,
    irfft,
    istft,
    rfft,
    stft,
)
from cornu.backend.tensorflow.math_updates import scatter, scatter_update, slice, slice_update, unstack  # noqa: F401
from cornu.backend.tensorflow.numpy import _float_input, _t

_HALF = (tf.float16, tf.bfloat16)


# ------------------------------------------------------------- top-k


def top_k(x, k, sorted=True):
    """The ``k`` largest entries along the last axis and their int32 indices, largest first
    (always sorted, as on JAX: ``sorted=False`` leaves the order unspecified)."""
    values, indices = tf.math.top_k(_t(x), k, sorted=True)
    return values, tf.cast(indices, tf.int32)


def in_top_k(targets, predictions, k):
    """Whether ``predictions[i, targets[i]]`` is beaten by fewer than ``k`` entries of row ``i``
    (ties count for the target; a non-finite target score is never in the top k)."""
    predictions = _t(predictions)
    targets = tf.cast(_t(targets), tf.int32)
    target_values = tf.gather(predictions, targets[:, None], batch_dims=1)
    better = tf.reduce_sum(tf.cast(predictions > target_values, tf.int32), axis=-1)
    in_top = better < k
    if predictions.dtype.is_floating:
        in_top = tf.logical_and(in_top, tf.math.is_finite(target_values[:, 0]))
    return in_top


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x), axis))``, computed stably; integer inputs become floatx."""
    x = _float_input(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    return tf.reduce_logsumexp(x, axis=axis, keepdims=keepdims)


# ------------------------------------------------------------- segment reductions


def _segment(reduce, data, segment_ids, num_segments):
    """``reduce`` (a ``tf.math.unsorted_segment_*`` function) over ``num_segments`` segments;
    ids outside ``[0, num_segments)`` are dropped, as on JAX. Also returns the number of rows
    in each segment, for the empty-segment fills."""
    data = _t(data)
    segment_ids = _t(segment_ids)
    if segment_ids.dtype not in (tf.int32, tf.int64):
        segment_ids = tf.cast(segment_ids, tf.int32)
    if num_segments is None:
        num_segments = tf.maximum(tf.reduce_max(segment_ids) + 1, 0)
    num_segments = tf.cast(num_segments, segment_ids.dtype)
    valid = tf.logical_and(segment_ids >= 0, segment_ids < num_segments)
    # TensorFlow drops negative ids but fails on ids past the end: send those to -1 too.
    segment_ids = tf.where(valid, segment_ids, tf.constant(-1, segment_ids.dtype))
    return reduce(data, segment_ids, num_segments), segment_ids, num_segments


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sum of the rows of ``data`` per segment id (``sorted`` is only a hint); empty segments
    hold 0."""
    return _segment(tf.math.unsorted_segment_sum, data, segment_ids, num_segments)[0]


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """Product of the rows of ``data`` per segment id; empty segments hold 1."""
    return _segment(tf.math.unsorted_segment_prod, data, segment_ids, num_segments)[0]


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """Maximum of the rows of ``data`` per segment id; empty segments hold ``-inf`` for floats
    (the dtype's minimum for integers), as on JAX."""
    out, ids, count = _segment(tf.math.unsorted_segment_max, data, segment_ids, num_segments)
    return _fill_empty(out, ids, count, -np.inf)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """Minimum of the rows of ``data`` per segment id; empty segments hold ``+inf`` for floats
    (the dtype's maximum for integers), as on JAX."""
    out, ids, count = _segment(tf.math.unsorted_segment_min, data, segment_ids, num_segments)
    return _fill_empty(out, ids, count, np.inf)


def _fill_empty(out, segment_ids, num_segments, fill):
    # TensorFlow already fills integer segments with the dtype's limits; floats get the finite
    # lowest/highest value instead of JAX's infinities.
    if not out.dtype.is_floating:
        return out
    rows = tf.math.unsorted_segment_sum(tf.ones_like(segment_ids), segment_ids, num_segments)
    empty = tf.reshape(rows == 0, [-1] + [1] * (out.shape.rank - 1))
    return tf.where(empty, tf.constant(fill, out.dtype), out)


# ------------------------------------------------------------- special functions


def rsqrt(x):
    """``1 / sqrt(x)``; integer inputs become floatx."""
    return tf.math.rsqrt(_float_input(x))


def erf(x):
    """The error function; integer inputs become floatx."""
    return tf.math.erf(_float_input(x))


def erfc(x):
    """``1 - erf(x)``, accurate for large ``x``; integer inputs become floatx."""
    return tf.math.erfc(_float_input(x))


def erfinv(x):
    """The inverse error function (half floats computed in float32)."""
    x = _float_input(x)
    if x.dtype in _HALF:
        return tf.cast(tf.math.erfinv(tf.cast(x, tf.float32)), x.dtype)
    return tf.math.erfinv(x)


def logdet(x):
    """``log |det(x)|`` of a (batch of) square matrices (half floats computed in float32)."""
    x = _float_input(x)
    if x.dtype in _HALF:
        return tf.cast(tf.linalg.slogdet(tf.cast(x, tf.float32))[1], x.dtype)
    return tf.linalg.slogdet(x)[1]


def cdist(x, y):
    """Euclidean distances between the rows of ``x`` (..., m, d) and ``y`` (..., n, d)."""
    x, y = _float_input(x), _float_input(y)
    diff = x[..., :, None, :] - y[..., None, :, :]
    return tf.sqrt(tf.reduce_sum(diff * diff, axis=-1))


# ------------------------------------------------------------- saturating cast


def saturate_cast(x, dtype):
    """``x`` cast to ``dtype`` after clamping it to the range both dtypes can represent (a
    limit that rounds outside the target range in ``x``'s dtype is nudged inwards, so the cast
    never overflows)."""
    x = _t(x)
    target = to_tf_dtype(standardize_dtype(dtype))
    if target != tf.bool and x.dtype != tf.bool:
        low, high = _clamp_limits(x.dtype, target)
        x = tf.minimum(tf.maximum(x, tf.constant(low, x.dtype)), tf.constant(high, x.dtype))
    return tf.cast(x, target)


def _clamp_limits(source, target):
    """The lowest and highest values of ``source`` dtype that fit in ``target``, as NumPy
    scalars of ``source``'s NumPy dtype."""
    np_source = source.as_numpy_dtype
    low = np.asarray(max(_as_python(source.min), _as_python(target.min))).astype(np_source)
    high = np.asarray(min(_as_python(source.max), _as_python(target.max))).astype(np_source)
    if source.is_floating:
        if _as_python(low) < _as_python(target.min):
            low = np.nextafter(low, np.asarray(0, np_source))
        if _as_python(high) > _as_python(target.max):
            high = np.nextafter(high, np.asarray(0, np_source))
    return low, high


def _as_python(value):
    """A dtype limit as a Python int or float (exact for 64-bit integers)."""
    value = np.asarray(value)
    return int(value) if value.dtype.kind in "iu" else float(value)
