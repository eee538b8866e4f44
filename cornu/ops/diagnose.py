"""Explains a failed op call: what is wrong, how to fix it, then what the op received.

Runs only after a backend call has already failed (see ``decorator.py``), so the
checks here may take their time. Each check looks at the arguments the op was
given and returns ``(exception class, message)`` when it recognizes the problem;
when none does, the backend's own first line is kept.
"""

import inspect
import math

import numpy as np

from cornu import backend

_INTEGER_ONLY = {
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_invert", "left_shift", "right_shift",
    "bitwise_left_shift", "bitwise_right_shift", "gcd", "lcm",
}
_NOT_BROADCASTING = {
    "matmul", "dot", "inner", "outer", "vdot", "tensordot", "einsum", "kron", "cross", "correlate", "concatenate",
    "stack", "hstack", "vstack", "dstack", "append", "take", "take_along_axis", "searchsorted", "digitize", "isin",
    "reshape", "broadcast_to", "conv", "conv_transpose", "depthwise_conv", "separable_conv", "solve", "lstsq",
    "solve_triangular", "ctc_loss", "ctc_decode", "scatter", "scatter_update", "slice_update", "segment_sum",
    "segment_max", "segment_min", "segment_prod", "dot_product_attention", "pad", "tile", "repeat", "bincount",
    "histogram", "unravel_index", "in_top_k", "cdist", "trapezoid", "select", "average", "quantile", "percentile",
    "nanquantile", "nanpercentile", "map_coordinates", "affine_transform", "perspective_transform",
}
_JOINING = {"concatenate", "stack", "hstack", "vstack", "dstack"}
_AXIS_PARAMETERS = ("axis", "axis1", "axis2", "source", "destination")
# Ops whose `axis` indexes their output (one rank higher), not their first input.
_OUTPUT_AXIS = {"one_hot", "multi_hot", "linspace", "logspace", "geomspace"}


def is_clear(error):
    """Whether ``error`` already reads as a cornu/Keras error (it lists what was received)."""
    return isinstance(error, (ValueError, TypeError)) and "Received" in str(error)


def explain(fn, args, kwargs, error):
    """The exception to raise instead of ``error`` for the failed call ``fn(*args, **kwargs)``."""
    name = fn.__name__
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs).arguments
    except TypeError:
        bound = {f"arg{i}": a for i, a in enumerate(args)} | dict(kwargs)
    found = None
    for check in (_integer_only, _bad_axis, _reshape_size, _joining, _inner_dimensions, _broadcasting, _unsupported_dtype):
        try:
            found = check(name, bound, error)
        except Exception:  # a diagnosis must never hide the real error
            found = None
        if found:
            break
    if found is None:
        cls = TypeError if isinstance(error, TypeError) else ValueError
        found = cls, f"the {backend.backend()} backend could not compute it: {_first_line(error)}"
    cls, message = found
    return cls(f"{name}: {message} Received: {_describe(bound)}")


# ---------------------------------------------------------------- checks


def _integer_only(name, bound, error):
    if name not in _INTEGER_ONLY:
        return None
    floats = [p for p, v in bound.items() if _is_tensor(v) and _dtype(v).startswith(("float", "bfloat", "complex"))]
    if floats:
        return TypeError, (
            f"`{name}` works on integer and boolean tensors only, but {_join(floats)} "
            f"{'is' if len(floats) == 1 else 'are'} floating point. Cast with `ops.cast(x, 'int32')` first."
        )
    return None


def _bad_axis(name, bound, error):
    tensor = _first_tensor(bound)
    if tensor is None or name in _OUTPUT_AXIS:
        return None
    rank = len(_shape(tensor))
    for param in _AXIS_PARAMETERS:
        axes = bound.get(param)
        if axes is None:
            continue
        axes = list(axes) if isinstance(axes, (tuple, list)) else [axes]
        if not all(isinstance(a, (int, np.integer)) for a in axes):
            continue
        limit = rank + len(axes) if name == "expand_dims" else rank
        if name == "stack":
            limit = rank + 1
        bad = [int(a) for a in axes if not -limit <= a < max(limit, 1)]
        if bad:
            return ValueError, (
                f"`{param}={bound[param]}` is out of range for an input of rank {rank}. "
                f"Use values in [{-limit}, {max(limit, 1) - 1}]."
            )
        if len(set(a % max(limit, 1) for a in axes)) != len(axes):
            return ValueError, f"`{param}={bound[param]}` repeats an axis. Give each axis once."
    return None


def _reshape_size(name, bound, error):
    if name != "reshape":
        return None
    x, shape = bound.get("x"), bound.get("newshape")
    if not _is_tensor(x) or shape is None:
        return None
    shape = (shape,) if isinstance(shape, int) else tuple(int(d) for d in shape)
    size = math.prod(_shape(x))
    known = math.prod(d for d in shape if d != -1)
    if list(shape).count(-1) > 1:
        return ValueError, f"`newshape` {shape} has more than one -1. Only one dimension can be inferred."
    if (-1 in shape and (known == 0 or size % known)) or (-1 not in shape and known != size):
        return ValueError, (
            f"cannot reshape a tensor of {size} elements (shape {_shape(x)}) into shape {shape}. "
            "The new shape must hold the same number of elements."
        )
    return None


def _joining(name, bound, error):
    if name not in _JOINING:
        return None
    xs = bound.get("xs", bound.get("x"))
    if not isinstance(xs, (list, tuple)) or not xs:
        return None
    shapes = [_shape(v) for v in xs]
    if name == "stack":
        if len(set(shapes)) > 1:
            return ValueError, f"all tensors to stack must have the same shape, got shapes {_shapes(shapes)}."
        return None
    if name == "concatenate":
        ranks = {len(s) for s in shapes}
        if len(ranks) > 1:
            return ValueError, f"all tensors to concatenate must have the same rank, got shapes {_shapes(shapes)}."
        axis = bound.get("axis", 0)
        if axis is None:
            return None
        rank = ranks.pop()
        axis = axis % max(rank, 1)
        others = {tuple(d for i, d in enumerate(s) if i != axis) for s in shapes}
        if len(others) > 1:
            return ValueError, (
                f"all dimensions except axis {axis} must match, got shapes {_shapes(shapes)}. "
                "Only the concatenation axis may differ in size."
            )
    return None


def _inner_dimensions(name, bound, error):
    if name not in ("matmul", "dot", "inner", "tensordot", "vdot"):
        return None
    a, b = bound.get("x1"), bound.get("x2")
    if not (_is_tensor(a) and _is_tensor(b)):
        return None
    sa, sb = _shape(a), _shape(b)
    if name == "vdot":
        if math.prod(sa) != math.prod(sb):
            return ValueError, f"`vdot` needs inputs with the same number of elements, got shapes {sa} and {sb}."
        return None
    if name == "tensordot":
        axes = bound.get("axes", 2)
        if isinstance(axes, int):
            left, right = sa[len(sa) - axes :], sb[:axes]
        else:
            ax_a, ax_b = ([v] if isinstance(v, int) else list(v) for v in axes)
            left, right = tuple(sa[i] for i in ax_a), tuple(sb[i] for i in ax_b)
        if left != right:
            return ValueError, f"the contracted dimensions do not match: {left} in x1.shape={sa} vs {right} in x2.shape={sb}."
        return None
    if not sa or not sb:
        return None
    left = sa[-1]
    right_axis = -1 if name == "inner" or len(sb) == 1 else -2
    right = sb[right_axis]
    if left is not None and right is not None and left != right:
        return ValueError, (
            f"the inner dimensions do not match: x1.shape[-1]={left} but x2.shape[{right_axis}]={right}. "
            f"For `{name}`, the last axis of `x1` must have the size of axis {right_axis} of `x2`."
        )
    return None


def _broadcasting(name, bound, error):
    if name in _NOT_BROADCASTING:
        return None
    shapes = [_shape(v) for v in bound.values() if _is_tensor(v)]
    if len(shapes) < 2:
        return None
    try:
        np.broadcast_shapes(*[tuple(1 if d is None else d for d in s) for s in shapes])
    except ValueError:
        return ValueError, (
            f"inputs of shapes {_shapes(shapes)} cannot be broadcast together. Trailing dimensions must be "
            "equal, or one of them must be 1."
        )
    return None


def _unsupported_dtype(name, bound, error):
    text = str(error)
    markers = ("not implemented for", "not supported for the input types", "does not accept dtype", "dtype", "Dtype")
    if isinstance(error, (TypeError, RuntimeError)) and any(m in text for m in markers):
        dtypes = sorted({_dtype(v) for v in bound.values() if _is_tensor(v)})
        return TypeError, (
            f"the {backend.backend()} backend does not support inputs of dtype {', '.join(dtypes)} here "
            f"({_first_line(error)}). Cast the inputs to a supported dtype first."
        )
    return None


# ------------------------------------------------------------ describing


def _is_tensor(value):
    return hasattr(value, "shape") and hasattr(value, "dtype")


def _shape(value):
    if _is_tensor(value):
        return tuple(None if d is None else int(d) for d in value.shape)
    return tuple(np.shape(value))


def _dtype(value):
    try:
        return backend.standardize_dtype(value.dtype)
    except Exception:
        return str(value.dtype)


def _first_tensor(bound):
    for value in bound.values():
        if _is_tensor(value):
            return value
        if isinstance(value, (list, tuple)) and value and _is_tensor(value[0]):
            return value[0]
    return None


def _shapes(shapes):
    return ", ".join(str(s) for s in shapes)


def _join(names):
    names = [f"`{n}`" for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _first_line(error):
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    text = lines[0] if lines else type(error).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _describe(bound):
    parts = []
    for param, value in bound.items():
        if _is_tensor(value):
            parts.append(f"{param}.shape={_shape(value)}, {param}.dtype={_dtype(value)}")
        elif isinstance(value, (list, tuple)) and value and all(_is_tensor(v) for v in value):
            parts.append(f"{param}=[{', '.join(f'tensor(shape={_shape(v)}, dtype={_dtype(v)})' for v in value)}]")
        elif callable(value):
            parts.append(f"{param}={getattr(value, '__name__', type(value).__name__)}")
        else:
            text = repr(value)
            parts.append(f"{param}={text if len(text) <= 80 else text[:77] + '...'}")
    return ", ".join(parts) if parts else "no arguments"
