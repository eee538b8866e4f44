"""TensorFlow linear algebra.

Integer inputs are computed in floatx; float16/bfloat16 inputs in float32 (TensorFlow has no
half-precision decompositions) and cast back. Results follow ``jax.numpy.linalg`` (LAPACK-style
0-based pivots from ``lu_factor``, NumPy's ``norm`` rules, ``rcond`` of ``pinv``/``lstsq``
relative to the largest singular value), eagerly and inside ``tf.function``.

Example:
>>> solve(tf.constant([[2.0, 0.0], [0.0, 4.0]]), tf.constant([2.0, 4.0]))  # [1., 1.]
"""

import numpy as np
import tensorflow as tf

from cornu.backend.tensorflow.numpy._common import _float_input, _float_pair, _t

_HALF = (tf.float16, tf.bfloat16)


def _compute(x):
    return tf.cast(x, tf.float32) if x.dtype in _HALF else x


def _back(out, like):
    return tf.cast(out, like.dtype) if like.dtype in _HALF and out.dtype != like.dtype else out


def _eye_like(x):
    """The identity broadcast to the (possibly unknown) shape of the square matrices ``x``."""
    shape = tf.shape(x)
    return tf.eye(shape[-1], batch_shape=shape[:-2], dtype=x.dtype)


def _static_dim(x, axis):
    dim = x.shape[axis]
    return int(dim) if dim is not None else tf.shape(x)[axis]


def cholesky(x, upper=False):
    x = _float_input(x)
    out = tf.linalg.cholesky(_compute(x))
    return _back(tf.linalg.adjoint(out) if upper else out, x)


def cholesky_inverse(x, upper=False):
    x = _float_input(x)
    factor = _compute(x)
    lower = tf.linalg.adjoint(factor) if upper else factor
    inverse_lower = tf.linalg.triangular_solve(lower, _eye_like(lower), lower=True)
    return _back(tf.matmul(inverse_lower, inverse_lower, adjoint_a=True), x)


def det(x):
    x = _float_input(x)
    return _back(tf.linalg.det(_compute(x)), x)


def eig(x):
    return tf.linalg.eig(_compute(_float_input(x)))


def eigh(x):
    x = _float_input(x)
    w, v = tf.linalg.eigh(_compute(x))
    return _back(w, x), _back(v, x)


def inv(x):
    x = _float_input(x)
    return _back(tf.linalg.inv(_compute(x)), x)


def jvp(fun, primals, tangents, has_aux=False):
    primals = tf.nest.map_structure(_t, tuple(primals))
    tangents = tuple(tangents)
    flat_primals = tf.nest.flatten(primals)
    flat_tangents = [tf.cast(_t(t), p.dtype) for t, p in zip(tf.nest.flatten(tangents), flat_primals)]
    with tf.autodiff.ForwardAccumulator(flat_primals, flat_tangents) as accumulator:
        result = fun(*primals)
        outputs, aux = result if has_aux else (result, None)
        flat_outputs = tf.nest.flatten(outputs)
        flat_tangents_out = [accumulator.jvp(o, unconnected_gradients=tf.UnconnectedGradients.ZERO)
                             for o in flat_outputs]
    tangents_out = tf.nest.pack_sequence_as(outputs, flat_tangents_out)
    return (outputs, tangents_out, aux) if has_aux else (outputs, tangents_out)


def lstsq(a, b, rcond=None):
    a, b = _float_pair(a, b)
    if len(a.shape) != 2:
        raise TypeError(f"{len(a.shape)}-dimensional array given. Array must be two-dimensional")
    if len(b.shape) not in (1, 2):
        raise TypeError(f"{len(b.shape)}-dimensional array given. Array must be one or two-dimensional")
    vector = len(b.shape) == 1
    a32, b32 = _compute(a), _compute(b[:, None] if vector else b)
    m, n = _static_dim(a32, 0), _static_dim(a32, 1)
    eps = float(np.finfo(a32.dtype.as_numpy_dtype).eps)
    if rcond is None:
        rcond = eps * tf.cast(tf.maximum(m, n), a32.dtype.real_dtype)
    else:
        rcond = tf.cast(rcond, a32.dtype.real_dtype)
        rcond = tf.where(rcond < 0, tf.constant(eps, a32.dtype.real_dtype), rcond)
    s, u, v = tf.linalg.svd(a32, full_matrices=False)
    keep = s >= rcond * s[..., :1]
    s_inverse = tf.where(keep, 1.0 / tf.where(keep, s, tf.ones_like(s)), tf.zeros_like(s))
    projected = tf.matmul(u, b32, adjoint_a=True) * tf.cast(s_inverse, a32.dtype)[:, None]
    solution = tf.matmul(v, projected)
    return _back(solution[:, 0] if vector else solution, a)


def _pivots_from_permutation(permutation, count):
    """LAPACK ``ipiv`` (row ``k`` swapped with row ``ipiv[k]``, in order) for the row
    ``permutation`` that ``tf.linalg.lu`` returns (``lu = a[permutation]``)."""
    rows = tf.shape(permutation)[-1]
    positions = tf.range(rows, dtype=permutation.dtype)
    current = tf.broadcast_to(positions, tf.shape(permutation))  # row now at each position
    where_is = current  # position of each original row
    pivots = []
    for k in range(count):
        wanted = permutation[..., k:k + 1]
        source = tf.gather(where_is, wanted, batch_dims=len(permutation.shape) - 1)
        displaced = current[..., k:k + 1]
        pivots.append(source)
        current = tf.where(positions == k, wanted, tf.where(positions == source, displaced, current))
        where_is = tf.where(positions == wanted, tf.cast(k, permutation.dtype),
                            tf.where(positions == displaced, source, where_is))
    return tf.concat(pivots, axis=-1)


def lu_factor(x):
    x = _float_input(x)
    if x.shape[-1] is None or x.shape[-2] is None:
        raise ValueError(f"`lu_factor` needs matrices of known size. Received: x.shape={x.shape}")
    lu, permutation = tf.linalg.lu(_compute(x), output_idx_type=tf.int32)
    pivots = _pivots_from_permutation(permutation, min(int(x.shape[-1]), int(x.shape[-2])))
    return _back(lu, x), tf.cast(pivots, tf.int32)


def matrix_rank(x, tol=None):
    x = _compute(_float_input(x))
    s = tf.linalg.svd(x, compute_uv=False)
    if tol is None:
        eps = float(np.finfo(x.dtype.real_dtype.as_numpy_dtype).eps)
        size = tf.cast(tf.maximum(tf.shape(x)[-1], tf.shape(x)[-2]), s.dtype)
        tol = tf.reduce_max(s, axis=-1, keepdims=True) * size * eps
    else:
        tol = tf.cast(tol, s.dtype)
    return tf.reduce_sum(tf.cast(s > tol, tf.int32), axis=-1)


def _vector_norm(x, ord, axis):
    magnitude = tf.abs(x)
    if ord is None or ord == 2:
        return tf.sqrt(tf.reduce_sum(tf.square(magnitude), axis=axis, keepdims=True))
    if isinstance(ord, str):
        raise ValueError(f"Invalid `ord` argument for vector norm. Received: ord={ord}")
    if ord == float("inf"):
        return tf.reduce_max(magnitude, axis=axis, keepdims=True)
    if ord == float("-inf"):
        return tf.reduce_min(magnitude, axis=axis, keepdims=True)
    if ord == 0:
        return tf.reduce_sum(tf.cast(tf.not_equal(magnitude, 0), magnitude.dtype), axis=axis, keepdims=True)
    if ord == 1:
        return tf.reduce_sum(magnitude, axis=axis, keepdims=True)
    power = tf.constant(float(ord), magnitude.dtype)
    return tf.pow(tf.reduce_sum(tf.pow(magnitude, power), axis=axis, keepdims=True), 1.0 / power)


def _matrix_norm(x, ord, rows, cols):
    if ord is None or ord == "fro":
        return tf.sqrt(tf.reduce_sum(tf.square(tf.abs(x)), axis=(rows, cols), keepdims=True))
    if ord in (1, -1, float("inf"), float("-inf")):
        summed, picked = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = tf.reduce_sum(tf.abs(x), axis=summed, keepdims=True)
        pick = tf.reduce_max if ord in (1, float("inf")) else tf.reduce_min
        return pick(sums, axis=picked, keepdims=True)
    if ord in ("nuc", 2, -2):
        rank = len(x.shape)
        rest = [a for a in range(rank) if a not in (rows, cols)]
        s = tf.linalg.svd(tf.transpose(x, rest + [rows, cols]), compute_uv=False)
        pick = {"nuc": tf.reduce_sum, 2: tf.reduce_max, -2: tf.reduce_min}[ord]
        out = pick(s, axis=-1)
        for axis in sorted((rows, cols)):
            out = tf.expand_dims(out, axis)
        return out
    raise ValueError(f"Invalid `ord` argument for matrix norm. Received: ord={ord}")


def norm(x, ord=None, axis=None, keepdims=False):
    like = _float_input(x)
    rank = len(like.shape)
    x = _compute(like)
    if axis is None:
        if ord is None:
            axes = tuple(range(rank))
            out = tf.sqrt(tf.reduce_sum(tf.square(tf.abs(x)), axis=axes, keepdims=True))
            return _back(out if keepdims else tf.reshape(out, ()), like)
        if rank not in (1, 2):
            raise ValueError(f"Improper number of dimensions to norm: a norm `ord` over all axes needs 1 or 2 axes. "
                             f"Received: x.shape={tuple(x.shape)}, ord={ord}")
        axis = tuple(range(rank))
    axes = (int(axis),) if np.ndim(axis) == 0 else tuple(int(a) for a in axis)
    if any(not -rank <= a < rank for a in axes):
        raise ValueError(f"All `axis` values must be in the range [-ndim, ndim). Received inputs with ndim={rank}, "
                         f"while axis={axis}")
    axes = tuple(a % rank for a in axes)
    if len(axes) == 1:
        out = _vector_norm(x, ord, axes[0])
    elif len(axes) == 2:
        out = _matrix_norm(x, ord, axes[0], axes[1])
    else:
        raise ValueError(f"Improper number of dimensions to norm: `axis` must name 1 or 2 axes. Received: axis={axis}")
    return _back(out if keepdims else tf.squeeze(out, axes), like)


def pinv(x, rcond=None):
    x = _float_input(x)
    a = _compute(x)
    if rcond is None:
        eps = float(np.finfo(a.dtype.real_dtype.as_numpy_dtype).eps)
        rcond = eps * tf.cast(tf.maximum(tf.shape(a)[-1], tf.shape(a)[-2]), a.dtype.real_dtype)
    else:
        rcond = tf.cast(rcond, a.dtype.real_dtype)
    s, u, v = tf.linalg.svd(a, full_matrices=False)
    cutoff = rcond * tf.reduce_max(s, axis=-1, keepdims=True)
    s_inverse = tf.where(s > cutoff, 1.0 / tf.where(s > cutoff, s, tf.ones_like(s)), tf.zeros_like(s))
    out = tf.matmul(v * tf.cast(s_inverse, a.dtype)[..., None, :], u, adjoint_b=True)
    return _back(out, x)


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"`mode` must be 'reduced' or 'complete'. Received: mode={mode!r}")
    x = _float_input(x)
    q, r = tf.linalg.qr(_compute(x), full_matrices=mode == "complete")
    return _back(q, x), _back(r, x)


def _broadcast_batches(a, b):
    """``a`` and ``b`` with their batch dimensions (all but the last two) broadcast together."""
    if a.shape[:-2] == b.shape[:-2] and a.shape[:-2].is_fully_defined():
        return a, b
    batch = tf.broadcast_dynamic_shape(tf.shape(a)[:-2], tf.shape(b)[:-2])
    a = tf.broadcast_to(a, tf.concat([batch, tf.shape(a)[-2:]], 0))
    b = tf.broadcast_to(b, tf.concat([batch, tf.shape(b)[-2:]], 0))
    return a, b


def solve(a, b):
    a, b = _float_pair(a, b)
    vector = len(b.shape) == len(a.shape) - 1
    a32, b32 = _compute(a), _compute(b[..., None] if vector else b)
    out = tf.linalg.solve(*_broadcast_batches(a32, b32))
    return _back(out[..., 0] if vector else out, a)


def solve_triangular(a, b, lower=False):
    a, b = _float_pair(a, b)
    vector = len(b.shape) == len(a.shape) - 1
    a32, b32 = _compute(a), _compute(b[..., None] if vector else b)
    out = tf.linalg.triangular_solve(*_broadcast_batches(a32, b32), lower=lower)
    return _back(out[..., 0] if vector else out, a)


def svd(x, full_matrices=True, compute_uv=True):
    x = _float_input(x)
    if not compute_uv:
        return _back(tf.linalg.svd(_compute(x), compute_uv=False), x)
    s, u, v = tf.linalg.svd(_compute(x), full_matrices=full_matrices)
    return _back(u, x), _back(s, x), _back(tf.linalg.adjoint(v), x)
