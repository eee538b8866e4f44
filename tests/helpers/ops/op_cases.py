"""Test cases for ``cornu.ops.numpy``: inputs, a NumPy reference, and how to compare.

Each case builds its inputs from a seeded generator and a dtype name, so the
same inputs feed cornu (on any backend), the NumPy reference, and
``make_keras_dtypes.py`` (the real Keras on JAX), which records the result
dtype Keras gives in ``tests/fixtures/ops/keras_dtypes.json``.
"""

import zlib

import ml_dtypes
import numpy as np

FLOATS = ["float16", "bfloat16", "float32"]
INTS = ["int8", "uint8", "int16", "int32"]
ALL = ["bool"] + INTS + FLOATS
NUMERIC = INTS + FLOATS
SIGNED = ["int8", "int16", "int32"] + FLOATS


def np_dtype(name):
    return ml_dtypes.bfloat16 if name == "bfloat16" else np.dtype(name)


def rand(rng, shape, dtype, low=-3.0, high=3.0):
    """Random values in ``[low, high)`` cast to ``dtype`` (small integers for int dtypes)."""
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if dtype.startswith("uint"):
        low = max(low, 0.0)
        high = max(high, low + 2)
    values = rng.uniform(low, high, size=shape)
    if dtype.startswith(("int", "uint")):
        values = np.floor(values)
    return np.asarray(values).astype(np_dtype(dtype))


class Case:
    """One op call: ``build(rng, dtype) -> (args, kwargs)`` and a NumPy ``ref``."""

    def __init__(self, op, build, ref, dtypes=ALL, tag="", tol=None, exact_dtype=True, compare="values"):
        self.op = op
        self.build = build
        self.ref = ref
        self.dtypes = dtypes
        self.tag = tag
        self.tol = tol
        self.exact_dtype = exact_dtype
        self.compare = compare

    @property
    def id(self):
        return f"{self.op}[{self.tag}]" if self.tag else self.op

    def inputs(self, dtype, seed=0):
        return self.build(np.random.default_rng(seed), dtype)


def _upcast(a):
    a = np.asarray(a)
    if a.dtype == ml_dtypes.bfloat16 or a.dtype == np.float16:
        return a.astype(np.float32)
    return a


def unary(op, ref=None, low=-3.0, high=3.0, dtypes=ALL, shape=(2, 3), **kw):
    ref = ref or getattr(np, op)
    return Case(op, lambda rng, dt: ((rand(rng, shape, dt, low, high),), {}), lambda x: ref(_upcast(x)), dtypes, **kw)


def binary(op, ref=None, low=-3.0, high=3.0, low2=None, high2=None, dtypes=ALL, shapes=((2, 3), (3,)), tag="", **kw):
    ref = ref or getattr(np, op)
    low2 = low if low2 is None else low2
    high2 = high if high2 is None else high2

    def build(rng, dt):
        return (rand(rng, shapes[0], dt, low, high), rand(rng, shapes[1], dt, low2, high2)), {}

    return Case(op, build, lambda a, b: ref(_upcast(a), _upcast(b)), dtypes, tag=tag, **kw)


def mixed(op, pair, ref=None, low=0.5, high=3.0):
    """A binary op on two dtypes (or a tensor and a Python scalar), to check promotion."""
    ref = ref or getattr(np, op)
    d1, d2 = pair

    def build(rng, dt):
        a = rand(rng, (2, 3), d1, low, high)
        b = d2 if isinstance(d2, (int, float)) else rand(rng, (3,), d2, low, high)
        return (a, b), {}

    return Case(op, build, lambda a, b: ref(_upcast(a), _upcast(b)), ["float32"], tag=f"{d1}-{d2}")


def reduce_(op, ref=None, axes=(None, 0, -1, (0, 2)), keepdims=(False, True), dtypes=ALL, low=-3.0, high=3.0, extra=None, **kw):
    ref = ref or getattr(np, op)
    cases = []
    extra = extra or {}
    for axis in axes:
        for kd in keepdims:
            def build(rng, dt, axis=axis, kd=kd):
                kwargs = dict(extra)
                kwargs["axis"] = axis
                if kd is not None:
                    kwargs["keepdims"] = kd
                return (rand(rng, (2, 3, 4), dt, low, high),), kwargs

            cases.append(Case(op, build, lambda x, **k: ref(_upcast(x), **k), dtypes, tag=f"axis={axis},keepdims={kd}", **kw))
    return cases


def call(op, args, kwargs=None, ref=None, dtypes=("float32",), tag="", **kw):
    """A case with fixed inputs; ``args`` may hold callables of ``(rng, dtype)``."""
    ref = ref or getattr(np, op)

    def build(rng, dt):
        a = tuple(v(rng, dt) if callable(v) else v for v in args)
        return a, dict(kwargs or {})

    def reference(*a, **k):
        return ref(*[_upcast(v) if isinstance(v, np.ndarray) else v for v in a], **k)

    return Case(op, build, reference, list(dtypes), tag=tag, **kw)


def arr(shape, low=-3.0, high=3.0, dtype=None):
    return lambda rng, dt: rand(rng, shape, dtype or dt, low, high)


def _in_float64(fn):
    """NumPy computes small integer inputs of float functions in float16; Keras uses floatx."""
    return lambda *a: fn(*[np.asarray(v, np.float64) for v in a])


CASES = []
add = CASES.append
extend = CASES.extend

# element-wise float functions: integers give floatx
for name, lo, hi in [
    ("sin", -3, 3), ("cos", -3, 3), ("tan", -1, 1), ("arcsin", -0.9, 0.9), ("arccos", -0.9, 0.9),
    ("arctan", -3, 3), ("sinh", -2, 2), ("cosh", -2, 2), ("tanh", -3, 3), ("arcsinh", -3, 3),
    ("arccosh", 1.1, 4), ("arctanh", -0.9, 0.9), ("exp", -3, 3), ("exp2", -3, 3), ("expm1", -2, 2),
    ("log", 0.5, 5), ("log2", 0.5, 5), ("log10", 0.5, 5), ("log1p", 0.0, 4), ("sqrt", 0.0, 5),
    ("cbrt", -8, 8), ("sinc", -2, 2), ("deg2rad", -180, 180), ("rad2deg", -3, 3), ("floor", -3, 3),
    ("ceil", -3, 3), ("reciprocal", 1, 4), ("fabs", -3, 3), ("i0", -2, 2), ("angle", -3, 3),
]:
    add(unary(name, ref=_in_float64(getattr(np, name)), low=lo, high=hi))

# element-wise functions that keep the dtype
for name, dtypes in [
    ("abs", ALL), ("absolute", ALL), ("negative", SIGNED), ("sign", SIGNED), ("square", ALL),
    ("trunc", ALL), ("round", NUMERIC), ("copy", ALL), ("conj", NUMERIC), ("conjugate", NUMERIC),
    ("real", NUMERIC), ("imag", NUMERIC), ("ravel", ALL), ("logical_not", ALL), ("isnan", ALL),
    ("isinf", ALL), ("isfinite", ALL), ("isneginf", NUMERIC), ("isposinf", NUMERIC), ("isreal", NUMERIC),
    ("signbit", SIGNED), ("bitwise_invert", ["bool"] + INTS), ("bitwise_not", ["bool"] + INTS),
    ("nan_to_num", ALL),
]:
    ref = {"bitwise_not": np.invert, "bitwise_invert": np.invert}.get(name)
    add(unary(name, ref=ref, dtypes=dtypes))
add(call("round", [arr((5,), -30, 30)], {"decimals": -1}, dtypes=["int32", "float32"], tag="decimals=-1"))
add(call("round", [arr((5,))], {"decimals": 2}, dtypes=["float32"], tag="decimals=2"))
add(call("nan_to_num", [np.array([np.nan, np.inf, -np.inf, 1.0], "float32")], {"nan": 1.0, "posinf": 9.0, "neginf": -9.0}, tag="special"))
add(call("isnan", [np.array([np.nan, np.inf, 1.0], "float32")], tag="special"))
add(call("isinf", [np.array([np.nan, -np.inf, 1.0], "float32")], tag="special"))
add(call("isneginf", [np.array([np.nan, -np.inf, np.inf], "float32")], tag="special"))

# binary element-wise, with broadcasting
for name, dtypes, lo, hi, lo2, hi2 in [
    ("add", NUMERIC, -3, 3, None, None), ("subtract", NUMERIC, -3, 3, None, None), ("multiply", ALL, -3, 3, None, None),
    ("divide", NUMERIC, -3, 3, 1, 3), ("true_divide", NUMERIC, -3, 3, 1, 3), ("floor_divide", NUMERIC, -5, 5, 1, 3),
    ("mod", NUMERIC, -5, 5, 1, 3), ("fmod", NUMERIC, -5, 5, 1, 3), ("power", NUMERIC, 0, 3, 0, 3),
    ("maximum", ALL, -3, 3, None, None), ("minimum", ALL, -3, 3, None, None), ("fmax", NUMERIC, -3, 3, None, None),
    ("fmin", NUMERIC, -3, 3, None, None), ("arctan2", NUMERIC, -3, 3, None, None), ("hypot", NUMERIC, -3, 3, None, None),
    ("logaddexp", NUMERIC, -3, 3, None, None), ("logaddexp2", NUMERIC, -3, 3, None, None),
    ("heaviside", SIGNED, -2, 2, None, None), ("equal", ALL, -2, 2, None, None), ("not_equal", ALL, -2, 2, None, None),
    ("less", ALL, -2, 2, None, None), ("less_equal", ALL, -2, 2, None, None), ("greater", ALL, -2, 2, None, None),
    ("greater_equal", ALL, -2, 2, None, None), ("logical_and", ALL, -1, 2, None, None), ("logical_or", ALL, -1, 2, None, None),
    ("logical_xor", ALL, -1, 2, None, None), ("bitwise_and", ["bool"] + INTS, 0, 50, None, None),
    ("bitwise_or", ["bool"] + INTS, 0, 50, None, None), ("bitwise_xor", ["bool"] + INTS, 0, 50, None, None),
    ("left_shift", INTS, 0, 8, 0, 3), ("right_shift", INTS, 0, 50, 0, 3), ("bitwise_left_shift", INTS, 0, 8, 0, 3),
    ("bitwise_right_shift", INTS, 0, 50, 0, 3), ("gcd", INTS, 1, 30, 1, 30), ("lcm", INTS, 1, 9, 1, 9),
    ("isclose", NUMERIC, -1, 1, None, None),
]:
    ref = {"left_shift": np.left_shift, "bitwise_left_shift": np.left_shift, "bitwise_right_shift": np.right_shift}.get(name)
    if name in ("divide", "true_divide", "arctan2", "hypot", "logaddexp", "logaddexp2", "heaviside"):
        ref = _in_float64(getattr(np, name))
    add(binary(name, ref=ref, dtypes=dtypes, low=lo, high=hi, low2=lo2, high2=hi2))
add(binary("divide_no_nan", ref=lambda a, b: np.where(b == 0, 0, a / np.where(b == 0, 1, b)), dtypes=NUMERIC, low2=-1, high2=2))
add(binary("nextafter", dtypes=["float32"]))
add(binary("allclose", dtypes=["float32"]))
add(call("ldexp", [arr((2, 3)), arr((3,), 0, 4, "int32")], ref=np.ldexp, dtypes=["float16", "float32"]))

# promotion between dtypes and with weak Python scalars
for op in ("add", "multiply", "subtract", "maximum", "divide", "power", "equal"):
    for pair in [("int8", "uint8"), ("int32", "float16"), ("bfloat16", "float16"), ("uint8", "int16"),
                 ("int16", "float32"), ("bool", "int8"), ("int8", 2), ("float16", 2.0), ("int32", 2.5), ("bool", 2)]:
        if op == "subtract" and "bool" in pair:
            continue
        add(mixed(op, pair))

# reductions
extend(reduce_("sum"))
extend(reduce_("prod", low=-2, high=2))
extend(reduce_("mean"))
extend(reduce_("var"))
extend(reduce_("std"))
extend(reduce_("max"))
extend(reduce_("min"))
extend(reduce_("amax", axes=(None, 1)))
extend(reduce_("amin", axes=(None, 1)))
extend(reduce_("ptp", axes=(None, 1), dtypes=NUMERIC))
extend(reduce_("any"))
extend(reduce_("all"))
extend(reduce_("argmax", axes=(None, 0, -1), dtypes=NUMERIC))
extend(reduce_("argmin", axes=(None, 0, -1), dtypes=NUMERIC))
extend(reduce_("median", axes=(None, 1, (0, 2)), dtypes=["int32"] + FLOATS))
extend(reduce_("nansum", axes=(None, 1)))
extend(reduce_("nanprod", axes=(None, 1), low=-2, high=2))
extend(reduce_("nanmean", axes=(None, 1), dtypes=["int32", "float32"]))
extend(reduce_("nanvar", axes=(None, 1), dtypes=["int32", "float32"]))
extend(reduce_("nanstd", axes=(None, 1), dtypes=["int32", "float32"]))
extend(reduce_("nanmax", axes=(None, 1), dtypes=NUMERIC))
extend(reduce_("nanmin", axes=(None, 1), dtypes=NUMERIC))
extend(reduce_("nanmedian", axes=(None, 1), dtypes=["float32"]))
extend(reduce_("nanargmax", axes=(None, 1), dtypes=["int32", "float32"]))
extend(reduce_("nanargmin", axes=(None, 1), dtypes=["int32", "float32"]))
extend(reduce_("count_nonzero", axes=(None, 1, (0, 2)), keepdims=(None,), low=-1, high=2))
extend(reduce_("quantile", axes=(None, 1, (0, 2)), dtypes=["int32", "float32"], extra={"q": 0.3}))
extend(reduce_("quantile", axes=(None, 1), dtypes=["float32"], extra={"q": np.array([0.2, 0.7], "float32")}))
extend(reduce_("percentile", axes=(None, 1), dtypes=["float32"], extra={"q": 40.0}))
extend(reduce_("nanquantile", axes=(None, 1), dtypes=["float32"], extra={"q": 0.3}))
extend(reduce_("nanpercentile", axes=(None, 1), dtypes=["float32"], extra={"q": 40.0}))
for method in ("lower", "higher", "nearest", "midpoint"):
    add(call("quantile", [arr((7,))], {"q": 0.4, "method": method}, tag=method))
_nan_input = np.array([[1.0, np.nan, 3.0, 0.5], [np.nan, 2.0, -1.0, 4.0]], "float32")
for name in ("nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin", "nanmedian", "nanargmax", "nanargmin"):
    add(call(name, [_nan_input], {"axis": 1}, tag="with-nan"))
add(call("nanquantile", [_nan_input, 0.3], {"axis": 1}, tag="with-nan"))
add(call("nancumsum", [_nan_input], {"axis": 1}, tag="with-nan"))
add(call("nancumprod", [_nan_input], {"axis": 1}, tag="with-nan"))
add(call("average", [arr((2, 3))], {"axis": 1}, dtypes=["int32", "float32"]))
add(call("average", [arr((2, 3)), 1, np.array([1.0, 2.0, 3.0], "float32")], {}, tag="weights",
         ref=lambda x, axis, w: np.average(x, axis=axis, weights=w)))
add(call("average", [arr((2, 3)), None, np.ones((2, 3), "float32") * 2], {}, tag="weights-full",
         ref=lambda x, axis, w: np.average(x, axis=axis, weights=w)))

for name in ("cumsum", "cumprod"):
    for axis in (None, 0, -1):
        add(call(name, [arr((2, 3), -2, 3)], {"axis": axis}, dtypes=ALL, tag=f"axis={axis}"))
    add(call(name, [arr((2, 3), -2, 3)], {"axis": 1, "dtype": "float32"}, dtypes=["int32"], tag="dtype"))
for name in ("nancumsum", "nancumprod"):
    add(call(name, [arr((2, 3), -2, 3)], {"axis": 1}, dtypes=NUMERIC))

# shapes, layout, indexing
add(call("reshape", [arr((2, 3))], {"newshape": (3, -1)}, dtypes=ALL, ref=lambda x, newshape: np.reshape(x, newshape)))
add(call("transpose", [arr((2, 3, 4))], {"axes": (1, 2, 0)}, dtypes=ALL, ref=lambda x, axes: np.transpose(x, axes)))
add(call("transpose", [arr((2, 3))], ref=np.transpose, tag="default"))
add(call("swapaxes", [arr((2, 3, 4)), 0, -1], dtypes=ALL))
add(call("moveaxis", [arr((2, 3, 4)), 0, -1], dtypes=ALL))
add(call("moveaxis", [arr((2, 3, 4)), [0, 1], [2, 0]], tag="multi"))
add(call("expand_dims", [arr((2, 3)), -1], dtypes=ALL))
add(call("expand_dims", [arr((2, 3)), (0, 3)], tag="tuple"))
add(call("squeeze", [arr((1, 3, 1))], dtypes=ALL))
add(call("squeeze", [arr((1, 3, 1))], {"axis": -1}, tag="axis"))
add(call("flip", [arr((2, 3))], {"axis": 1}, dtypes=ALL))
add(call("flip", [arr((2, 3))], tag="all"))
add(call("fliplr", [arr((2, 3))]))
add(call("flipud", [arr((2, 3))]))
add(call("roll", [arr((2, 3)), 2], {"axis": 1}, dtypes=ALL))
add(call("roll", [arr((2, 3)), -1], tag="flat"))
add(call("rot90", [arr((2, 3))], {"k": 1}, ref=lambda a, k: np.rot90(a, k)))
add(call("rot90", [arr((2, 3, 4))], {"k": 3, "axes": (1, 2)}, ref=lambda a, k, axes: np.rot90(a, k, axes), tag="axes"))
add(call("tile", [arr((2, 3)), (2, 1)], dtypes=ALL))
add(call("repeat", [arr((2, 3)), 2], {"axis": 1}, dtypes=ALL))
add(call("repeat", [arr((2, 3)), 2], tag="flat"))
add(call("broadcast_to", [arr((3,)), (2, 3)], dtypes=ALL))
for mode in ("constant", "edge", "reflect", "symmetric", "wrap"):
    add(call("pad", [arr((3, 4))], {"pad_width": [(1, 2), (2, 1)], "mode": mode}, dtypes=["int32", "float32"], tag=mode))
add(call("pad", [arr((3, 4))], {"pad_width": [(1, 1), (0, 2)], "constant_values": 7}, tag="value"))
add(call("diag", [arr((3,))], {"k": 1}, dtypes=ALL))
add(call("diag", [arr((3, 4))], {"k": -1}, tag="2d"))
add(call("diagflat", [arr((2, 2))], {"k": 0}))
add(call("diagonal", [arr((2, 3, 4))], {"offset": 1, "axis1": 1, "axis2": 2}, dtypes=ALL))
add(call("diff", [arr((2, 5))], {"n": 2, "axis": -1}, dtypes=NUMERIC))
add(call("tril", [arr((3, 4))], {"k": -1}, dtypes=ALL))
add(call("triu", [arr((2, 3, 4))], {"k": 1}, dtypes=ALL))
add(call("trace", [arr((3, 4))], {"offset": 1}, dtypes=ALL))
add(call("trace", [arr((2, 3, 4))], {"axis1": 1, "axis2": 2}, tag="axes"))
add(call("concatenate", [[np.ones((2, 3), "float32"), np.zeros((1, 3), "float32")]], {"axis": 0}))
add(call("concatenate", [lambda rng, dt: [rand(rng, (2, 1), dt), rand(rng, (2, 2), "int8")]], {"axis": -1}, dtypes=NUMERIC, tag="mixed"))
add(call("stack", [lambda rng, dt: [rand(rng, (2, 3), dt), rand(rng, (2, 3), dt)]], {"axis": 1}, dtypes=ALL))
for name in ("hstack", "vstack", "dstack"):
    add(call(name, [lambda rng, dt: [rand(rng, (2, 3), dt), rand(rng, (2, 3), dt)]], dtypes=ALL))
add(call("append", [arr((2, 3)), arr((1, 3))], {"axis": 0}, dtypes=ALL))
add(call("append", [arr((2, 3)), arr((2,))], tag="flat"))
add(call("split", [arr((6, 2)), 3], dtypes=ALL))
add(call("split", [arr((2, 6)), [1, 4]], {"axis": 1}, tag="indices"))
add(call("array_split", [arr((7,)), 3]))
add(call("hsplit", [arr((2, 4)), 2]))
add(call("vsplit", [arr((4, 2)), 2]))
add(call("dsplit", [arr((1, 2, 4)), [1]]))
add(call("take", [arr((3, 4)), np.array([[0, 2], [-1, 1]], "int32")], {"axis": 1}, dtypes=ALL))
add(call("take", [arr((3, 4)), np.array([5, 0], "int32")], tag="flat"))
add(call("take_along_axis", [arr((3, 4)), np.array([[0], [3], [1]], "int32")], {"axis": 1}, dtypes=ALL))
add(call("take_along_axis", [arr((3, 4)), np.array([[0, 2, 1, 1]], "int32")], {"axis": 0}, tag="bcast"))
add(call("sort", [arr((3, 4))], {"axis": 0}, dtypes=NUMERIC))
add(call("sort", [arr((3, 4))], tag="last"))
add(call("argsort", [np.array([[3, 1, 2, 1], [0, 0, 5, -1]], "float32")], {"axis": -1}))
add(call("argsort", [np.array([[3, 1], [0, 2]], "int32")], {"axis": 0}, tag="axis0", dtypes=["int32"]))
add(call("searchsorted", [np.array([1.0, 2.0, 4.0, 8.0], "float32"), arr((2, 3), 0, 9)], {"side": "right"}))
add(call("searchsorted", [np.array([1.0, 2.0, 4.0, 8.0], "float32"), np.array([2.0, 5.0], "float32")], tag="left"))
add(call("digitize", [arr((2, 3), 0, 9), np.array([1.0, 2.0, 4.0, 8.0], "float32")]))
add(call("where", [lambda rng, dt: rng.random((2, 3)) > 0.5, arr((2, 3)), arr((3,))], dtypes=ALL))
add(call("clip", [arr((2, 3)), -1, 2], dtypes=NUMERIC))
add(call("clip", [arr((2, 3)), -0.5, 1.5], dtypes=["bool", "int8", "float16", "float32"], tag="float bounds"))
add(call("clip", [arr((2, 3)), arr((3,), -3, -1), arr((2, 1), 1, 3)], tag="tensor bounds"))
add(call("where", [lambda rng, dt: rng.random((2, 3)) > 0.5, 1, 0.5], dtypes=["float32"], tag="scalars"))
add(call("where", [np.array([0, 1, 2, 0], "int32")], ref=lambda x: np.nonzero(x), tag="nonzero", dtypes=["int32"]))
add(call("select", [[np.array([True, False, False]), np.array([False, True, False])],
                    lambda rng, dt: [rand(rng, (3,), dt), rand(rng, (3,), dt)]],
         {"default": 0}, dtypes=NUMERIC, ref=lambda c, v, default: np.select(c, [np.asarray(x) for x in v], default)))
add(call("nonzero", [np.array([[0, 1], [2, 0]], "int32")], dtypes=["int32"]))
add(call("isin", [arr((2, 3), -3, 3), np.array([0, 1, 2], "int32")], dtypes=["int32"]))
add(call("kron", [arr((2, 2)), arr((2, 3))], dtypes=NUMERIC))
add(call("outer", [arr((3,)), arr((2,))], dtypes=NUMERIC))
add(call("inner", [arr((2, 3)), arr((4, 3))], dtypes=NUMERIC))
add(call("dot", [arr((2, 3)), arr((3, 4))], dtypes=NUMERIC))
add(call("dot", [arr((2, 3)), arr((4, 3, 2))], tag="nd"))
add(call("dot", [arr((3,)), arr((3,))], tag="1d"))
add(call("vdot", [arr((2, 3)), arr((3, 2))], dtypes=NUMERIC))
add(call("matmul", [arr((2, 3)), arr((3, 4))], dtypes=NUMERIC))
add(call("matmul", [arr((5, 2, 3)), arr((3, 4))], tag="batched"))
add(call("matmul", [arr((3,)), arr((2, 3, 4))], tag="vector"))
add(call("tensordot", [arr((2, 3, 4)), arr((3, 4, 5))], {"axes": 2}, dtypes=NUMERIC))
add(call("tensordot", [arr((2, 3, 4)), arr((4, 2))], {"axes": ([0, 2], [1, 0])}, tag="pairs"))
add(call("einsum", ["ij,jk->ik", arr((2, 3)), arr((3, 4))], dtypes=NUMERIC))
add(call("einsum", ["bij,bkj->bik", arr((2, 2, 3)), arr((2, 4, 3))], tag="batched"))
add(call("cross", [arr((4, 3)), arr((4, 3))], dtypes=["int32", "float32"]))
add(call("cross", [arr((3, 4)), arr((3, 4))], {"axis": 0}, tag="axis"))
for mode in ("valid", "same", "full"):
    add(call("correlate", [arr((5,)), arr((3,))], {"mode": mode}, tag=mode, dtypes=["int32", "float32"]))
add(call("correlate", [arr((3,)), arr((5,))], {"mode": "valid"}, tag="short"))
add(call("corrcoef", [arr((3, 5))], dtypes=["int32", "float32"]))
add(call("trapezoid", [arr((2, 5))], {"dx": 0.5}, dtypes=["int32", "float32"]))
add(call("trapezoid", [arr((5,)), np.array([0.0, 1.0, 3.0, 3.5, 6.0], "float32")], {}, tag="x"))
add(call("vander", [arr((3,))], {"N": 4}, dtypes=["int32", "float32"]))
add(call("vander", [arr((3,))], {"increasing": True}, tag="increasing"))
add(call("unique", [np.array([3, 1, 3, 2, 1], "int32")], dtypes=["int32"]))
add(call("unique", [np.array([3, 1, 3, 2, 1], "float32")], {"return_index": True, "return_inverse": True, "return_counts": True},
         tag="all-outputs"))
add(call("bincount", [np.array([0, 1, 1, 4], "int32")], {"minlength": 6}, dtypes=["int32"]))
add(call("bincount", [np.array([0, 1, 1, 4], "int32"), np.array([0.5, 1.0, 2.0, 3.0], "float32")], tag="weights"))
add(call("histogram", [arr((10,))], {"bins": 4}))
add(call("histogram", [arr((10,))], {"bins": 3, "range": (-1.0, 1.0)}, tag="range"))
add(call("unravel_index", [np.array([1, 5, 7], "int32"), (2, 4)], dtypes=["int32"]))
add(call("meshgrid", [arr((3,)), arr((2,))], {"indexing": "ij"}))
add(call("meshgrid", [arr((3,)), arr((2,))], tag="xy"))
add(call("get_item", [arr((3, 4)), (slice(None), 1)], ref=lambda x, k: x[k], dtypes=ALL))
add(call("view", [np.array([1.0, -2.0], "float32"), "int32"], ref=lambda x, d: x.view(d)))
add(call("slogdet", [lambda rng, dt: rand(rng, (3, 3), dt) + 4 * np.eye(3, dtype=np.float32)], ref=lambda x: np.linalg.slogdet(x)))
add(call("ndim", [arr((2, 3))], dtypes=ALL))
add(call("size", [arr((2, 3))], dtypes=ALL))

# creation
add(call("arange", [5], ref=lambda n: np.arange(n, dtype="int32"), dtypes=["int32"]))
add(call("arange", [1.0, 3.0, 0.5], ref=lambda *a: np.arange(*a, dtype="float32"), tag="floats"))
add(call("arange", [1, 7, 2], {"dtype": "float16"}, ref=lambda *a, dtype: np.arange(*a, dtype=dtype), tag="dtype"))
add(call("linspace", [0.0, 1.0], {"num": 5}))
add(call("linspace", [np.array([0.0, 1.0], "float32"), 3.0], {"num": 4, "endpoint": False, "axis": 1}, tag="arrays"))
add(call("linspace", [0, 10], {"num": 4, "retstep": True}, ref=lambda a, b, **k: np.linspace(a, b, **k), tag="retstep"))
add(call("logspace", [0.0, 2.0], {"num": 3}))
add(call("logspace", [0.0, 3.0], {"num": 4, "base": 2, "endpoint": False}, tag="base"))
add(call("geomspace", [1.0, 1000.0], {"num": 4}))
add(call("geomspace", [-1.0, -16.0], {"num": 5}, tag="negative"))
for name in ("zeros", "ones", "empty"):
    add(call(name, [(2, 3)], ref=lambda s, name=name: getattr(np, "zeros" if name == "empty" else name)(s, "float32")))
    add(call(name, [(2,)], {"dtype": "int8"}, ref=lambda s, dtype, name=name: getattr(np, "zeros" if name == "empty" else name)(s, dtype), tag="dtype"))
add(call("full", [(2, 3), 7], ref=lambda s, v: np.full(s, v, "float32")))
add(call("full", [(2,), 1.5], {"dtype": "float16"}, tag="dtype"))
for name in ("zeros_like", "ones_like", "empty_like"):
    ref = {"empty_like": np.zeros_like}.get(name, getattr(np, name))
    add(call(name, [arr((2, 3))], dtypes=ALL, ref=ref))
    add(call(name, [arr((2, 3))], {"dtype": "int8"}, ref=ref, tag="dtype"))
add(call("full_like", [arr((2, 3)), 3], dtypes=ALL))
add(call("eye", [3], {"M": 4, "k": 1}, ref=lambda n, M, k: np.eye(n, M, k, "float32")))
add(call("eye", [3], {"k": -1, "dtype": "int32"}, ref=lambda n, k, dtype: np.eye(n, k=k, dtype=dtype), tag="dtype"))
add(call("identity", [3], ref=lambda n: np.identity(n, "float32")))
add(call("tri", [3], {"M": 4, "k": 1}, ref=lambda n, M, k: np.tri(n, M, k, "float32")))
add(call("array", [[1, 2, 3]], ref=lambda x: np.array(x, "int32")))
add(call("array", [[1.0, 2.0]], {"dtype": "float16"}, ref=lambda x, dtype: np.array(x, dtype), tag="dtype"))
for name in ("bartlett", "blackman", "hamming", "hanning"):
    add(call(name, [6], ref=lambda n, name=name: getattr(np, name)(n).astype("float32")))
add(call("kaiser", [6, 2.0], ref=lambda n, b: np.kaiser(n, b).astype("float32")))

# 0-d and empty inputs
for name in ("sin", "abs", "square", "exp"):
    add(call(name, [np.array(0.5, "float32")], tag="0d"))
    add(call(name, [np.zeros((0, 3), "float32")], tag="empty"))
for name in ("sum", "mean", "max", "prod", "argmax"):
    add(call(name, [np.array(2.0, "float32")], tag="0d"))
for name, kwargs in [("sum", {"axis": 0}), ("mean", {"axis": 1}), ("prod", {"axis": 0}), ("any", {}), ("all", {})]:
    add(call(name, [np.zeros((0, 3), "float32")], kwargs, tag="empty"))
add(call("add", [np.array(1.0, "float32"), np.zeros((0, 3), "float32")], tag="empty"))
add(call("matmul", [np.zeros((2, 0), "float32"), np.zeros((0, 3), "float32")], tag="empty"))
add(call("concatenate", [[np.zeros((0, 2), "float32"), np.ones((1, 2), "float32")]], tag="empty"))


# ------------------------------------------------------ the subset run on JAX

# The first case of each op carries its dtype table on JAX (see ``dtypes_to_run``).
PRIMARY = {}
for _case in CASES:
    PRIMARY.setdefault(_case.op, _case.id)


def runs_on(case, backend_name):
    """JAX compiles each new (op, dtype, shape) once (tens of milliseconds), and its axis and
    promotion handling is ``jax.numpy``'s own. So on JAX, of the axis/keepdims variants of a
    reduction (``keepdims=True`` only with a tuple of axes) and of the dtype pairs of a
    promotion case, a stable half (by hash) runs; torch and numpy run them all."""
    if backend_name != "jax" or PRIMARY[case.op] == case.id:
        return True
    if "keepdims=True" in case.tag and "(0, 2)" not in case.tag:  # keepdims is checked on (0, 2) axes
        return False
    variant = case.tag.startswith("axis=") or case.tag.count("-") == 1 and case.dtypes == ["float32"]
    return not variant or zlib.crc32(case.id.encode()) % 2 == 0
