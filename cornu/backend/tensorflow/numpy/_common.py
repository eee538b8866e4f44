"""Private helpers shared by the TensorFlow implementations of the NumPy-like ops: input
conversion, dtype promotion, op factories, and the errors ops let through unchanged.

TensorFlow never promotes: both operands of a binary kernel must already have one dtype, and a
Python number is converted to the other operand's dtype (or fails). So every binary op first
brings its inputs to Keras's ``result_type`` (weak Python scalars), with fast paths for the
common same-dtype and tensor-with-Python-number cases.

Other backend modules import ``_t``/``_float_input``/... through ``cornu.backend.tensorflow.numpy``.

Example:
>>> x1, x2 = _promote(tf.ones((2,), "int8"), 3)
>>> x1.dtype.name, x2.dtype.name
('int8', 'int8')
"""

import tensorflow as tf

from cornu.backend import config
from cornu.backend.common.array_namespace_ops.conversion import axis_argument as _axis  # noqa: F401
from cornu.backend.common.dtypes import result_type, standardize_dtype
from cornu.backend.common.op_wrappers import op_wrappers
from cornu.backend.tensorflow.core import convert_to_tensor

_SCALARS = (int, float, bool, complex)

# Raised while tracing or running, and explaining themselves already: a symbolic tensor used as a
# Python bool inside ``tf.function``, out of (device) memory. Ops let these through unchanged.
UNTRANSLATED_ERRORS = (tf.errors.OperatorNotAllowedInGraphError, tf.errors.ResourceExhaustedError)

# What TensorFlow raises for bad arguments (shapes that do not broadcast, axes out of range, a
# dtype without a kernel) at run time: errors that do not subclass ValueError/TypeError, but that
# ops explain like them.
ARGUMENT_ERRORS = (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError, tf.errors.NotFoundError)


def _t(x):
    """Converts ``x`` to a ``tf.Tensor`` (no-op for tensors, eager or symbolic)."""
    return x if isinstance(x, tf.Tensor) else convert_to_tensor(x)


def _ts(x):
    """Like :func:`_t` but keeps Python scalars as they are (weak, for ``result_type``)."""
    return x if isinstance(x, (tf.Tensor,) + _SCALARS) else convert_to_tensor(x)


def _to(x, dtype):
    """``x`` as a tensor of ``dtype`` (a standardized name or ``tf.DType``): cast if needed."""
    if isinstance(x, tf.Tensor):
        return x if x.dtype == dtype else tf.cast(x, dtype)
    return convert_to_tensor(x, standardize_dtype(dtype))


def _dtype_of(x):
    """``x``'s dtype, or the Python type of a scalar (weak in ``result_type``)."""
    if isinstance(x, _SCALARS):
        return type(x)
    if hasattr(x, "dtype"):
        return x.dtype
    return convert_to_tensor(x).dtype


def _is_float(dtype):
    return dtype.is_floating or dtype.is_complex


def _promote(x1, x2):
    """Both inputs as tensors of their Keras ``result_type``."""
    x1, x2 = _ts(x1), _ts(x2)
    if isinstance(x1, tf.Tensor):
        if isinstance(x2, tf.Tensor):
            if x1.dtype == x2.dtype:
                return x1, x2
        elif isinstance(x2, (int, float)) and not isinstance(x2, bool) and x1.dtype.is_floating:
            return x1, tf.constant(x2, x1.dtype)
    elif isinstance(x2, tf.Tensor) and isinstance(x1, (int, float)) and not isinstance(x1, bool) and x2.dtype.is_floating:
        return tf.constant(x1, x2.dtype), x2
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    return _to(x1, dtype), _to(x2, dtype)


def _float_pair(x1, x2):
    """Both inputs as tensors of their ``result_type``, at least a float (floatx for ints)."""
    dtype = result_type(_dtype_of(x1), _dtype_of(x2), float)
    return _to(x1, dtype), _to(x2, dtype)


def _same_dtype(xs):
    """A list of the inputs converted to their common ``result_type``."""
    xs = [_ts(x) for x in xs]
    if xs and all(isinstance(x, tf.Tensor) and x.dtype == xs[0].dtype for x in xs):
        return xs
    dtype = result_type(*[_dtype_of(x) for x in xs])
    return [_to(x, dtype) for x in xs]


def _float_input(x):
    """``x`` as a tensor; integer and bool inputs become floatx."""
    x = _t(x)
    if not _is_float(x.dtype):
        x = tf.cast(x, config.floatx())
    return x


_binary, _binary_float, _unary_float = op_wrappers(_promote, _float_pair, _float_input)


def _in_float32_if_half(fn):
    """``fn`` for kernels TensorFlow lacks in float16/bfloat16 (on CPU): computed in float32,
    cast back."""

    def apply(x, *args, **kwargs):
        if x.dtype in (tf.float16, tf.bfloat16):
            return tf.cast(fn(tf.cast(x, tf.float32), *args, **kwargs), x.dtype)
        return fn(x, *args, **kwargs)

    apply.__name__ = getattr(fn, "__name__", "unary")
    return apply


def _static_or_dynamic_shape(x):
    """``x``'s shape as a list: ints where known, scalar tensors (from ``tf.shape``) where not."""
    static = x.shape.as_list()
    if None not in static:
        return static
    dynamic = tf.shape(x)
    return [dynamic[i] if d is None else d for i, d in enumerate(static)]
