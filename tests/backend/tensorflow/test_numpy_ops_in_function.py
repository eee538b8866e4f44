"""The TensorFlow NumPy-like ops of arithmetic, creation, logic and math_functions
(cornu/backend/tensorflow/numpy/) give their eager values and dtypes inside a ``tf.function``
whose inputs have unknown dims, match NumPy where TensorFlow kernels differ (integer division by
zero, negative integer powers, unsigned and bool inputs, half-float ``nextafter``), and have the
right gradients under ``tf.GradientTape``."""

import ml_dtypes
import numpy as np
import pytest

from cornu import backend

if backend.backend() != "tensorflow":
    pytest.skip("these check the tensorflow backend (CORNU_BACKEND=tensorflow)", allow_module_level=True)

import tensorflow as tf  # noqa: E402

from cornu import ops  # noqa: E402

RNG = np.random.default_rng(0)
F32 = RNG.uniform(-3, 3, (2, 3)).astype("float32")
F32_ROW = RNG.uniform(1, 3, (3,)).astype("float32")
I32 = np.array([[-7, 4, 0], [9, -2, 5]], "int32")
I32_ROW = np.array([3, -2, 0], "int32")
I8 = np.array([[-7, 4, 0], [9, -2, 5]], "int8")
U8 = np.array([[0, 4, 200], [9, 2, 5]], "uint8")
BOOLS = np.array([[True, False, True], [False, False, True]])
SPECIAL = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1.5], "float32")


def traced(fn, *values):
    """``fn(*values)`` inside a ``tf.function`` traced with every dim of every input unknown."""
    specs = [tf.TensorSpec([None] * np.ndim(v), tf.as_dtype(np.asarray(v).dtype)) for v in values]
    graph_fn = tf.function(fn, input_signature=specs, autograph=False)
    return graph_fn(*[tf.constant(v) for v in values])


def assert_same(actual, expected, tol=1e-6):
    actual, expected = tf.nest.flatten(actual), tf.nest.flatten(expected)
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert a.dtype == e.dtype, (a.dtype, e.dtype)
        np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(e, np.float64), rtol=tol, atol=tol)


# (id, function of tensors, inputs): every case runs eagerly and traced with unknown dims.
CASES = [
    ("add-weak-int", lambda x: ops.add(x, 3), [I8]),
    ("add-bool", ops.add, [BOOLS, BOOLS[::-1]]),
    ("add-promote", ops.add, [I8, U8]),
    ("subtract", ops.subtract, [F32, F32_ROW]),
    ("multiply-bool", ops.multiply, [BOOLS, BOOLS[::-1]]),
    ("divide-ints", ops.divide, [I32, I32_ROW]),
    ("divide_no_nan", ops.divide_no_nan, [F32, np.array([0.0, 2.0, 0.0], "float32")]),
    ("floor_divide-by-zero", ops.floor_divide, [I32, I32_ROW]),
    ("mod-by-zero", ops.mod, [I32, I32_ROW]),
    ("fmod-int8", ops.fmod, [I8, np.array([3, -2, 4], "int8")]),
    ("fmod-float", ops.fmod, [F32, F32_ROW]),
    ("power-negative-int", ops.power, [np.array([2, -1, 1, 0, 3], "int32"), np.array([-1, -3, -2, 2, 2], "int32")]),
    ("power-uint8", ops.power, [U8 % 4, np.array([0, 2, 3], "uint8")]),
    ("maximum-bool", ops.maximum, [BOOLS, BOOLS[::-1]]),
    ("fmax-nan", ops.fmax, [SPECIAL, SPECIAL[::-1]]),
    ("fmin-nan", ops.fmin, [SPECIAL, SPECIAL[::-1]]),
    ("negative-uint8", ops.negative, [U8]),
    ("abs", ops.abs, [I8]),
    ("sign-uint8", ops.sign, [U8]),
    ("signbit", ops.signbit, [SPECIAL]),
    ("square-bool", ops.square, [BOOLS]),
    ("heaviside", ops.heaviside, [np.array([-1.0, 0.0, 2.0], "float32"), np.array([0.5], "float32")]),
    ("hypot", ops.hypot, [F32, F32_ROW]),
    ("gcd", ops.gcd, [I32, I32_ROW]),
    ("lcm", ops.lcm, [I32, I32_ROW]),
    ("ldexp", ops.ldexp, [F32, np.array([1, -2, 3], "int32")]),
    ("nextafter-float16", ops.nextafter, [np.array([1.0, 0.0, -1.0, 2.0], "float16"), np.array([2.0, -1.0, -2.0, 2.0], "float16")]),
    ("sqrt-int", ops.sqrt, [np.abs(I32)]),
    ("cbrt", ops.cbrt, [F32]),
    ("trunc", ops.trunc, [F32]),
    ("round-decimals", lambda x: ops.round(x, 1), [F32]),
    ("round-int", lambda x: ops.round(x, -1), [I32 * 7]),
    ("clip-uint8", lambda x: ops.clip(x, -1, 100), [U8]),
    ("clip-tensors", ops.clip, [F32, -F32_ROW, F32_ROW]),
    ("nan_to_num", ops.nan_to_num, [SPECIAL]),
    ("imag", ops.imag, [F32]),
    ("zeros-dynamic", lambda x: ops.zeros((tf.shape(x)[0], 2), "int8"), [F32]),
    ("full_like", lambda x: ops.full_like(x, 2.5), [F32]),
    ("ones_like", lambda x: ops.ones_like(x, "int8"), [F32]),
    ("eye", lambda x: x[:1, :1] * ops.eye(3, 4, k=1), [F32]),
    ("tri", lambda x: x[:1, :1] * ops.tri(3, 4, k=-1), [F32]),
    ("tril", lambda x: ops.tril(x, -1), [F32]),
    ("triu", lambda x: ops.triu(x, 1), [F32]),
    ("diag", lambda x: ops.diag(x, 1), [F32_ROW]),
    ("diag-2d", lambda x: ops.diag(x, 1), [F32]),
    ("vander", ops.vander, [np.array([1, 2, 3], "uint8")]),
    ("arange-dynamic", lambda x: ops.arange(tf.shape(x)[0]), [F32_ROW]),
    ("linspace", lambda x: ops.linspace(x, 3.0, num=4, axis=1), [F32_ROW]),
    ("geomspace", lambda x: ops.geomspace(x, 100.0, num=3), [F32_ROW]),
    ("meshgrid", ops.meshgrid, [F32_ROW, F32_ROW[:2]]),
    ("less-bool", ops.less, [BOOLS, BOOLS[::-1]]),
    ("greater_equal-weak", lambda x: ops.greater_equal(x, 0.5), [F32]),
    ("isclose", ops.isclose, [SPECIAL, SPECIAL + 1e-7]),
    ("isin", ops.isin, [I32, I32_ROW]),
    ("bitwise_and", ops.bitwise_and, [U8, np.array([1, 255, 6], "uint8")]),
    ("bitwise_xor-bool", ops.bitwise_xor, [BOOLS, BOOLS[::-1]]),
    ("bitwise_invert", ops.bitwise_invert, [I8]),
    ("left_shift", ops.left_shift, [I32, np.array([1, 2, 0], "int32")]),
    ("isnan-int", ops.isnan, [I32]),
    ("isposinf", ops.isposinf, [SPECIAL]),
    ("logical_xor", ops.logical_xor, [I32, BOOLS]),
    ("exp-int", ops.exp, [I8]),
    ("log2", ops.log2, [np.abs(F32) + 0.5]),
    ("sinc", ops.sinc, [np.array([0.0, 0.5, -1.5], "float32")]),
    ("logaddexp-inf", ops.logaddexp, [SPECIAL, SPECIAL]),
    ("logaddexp2", ops.logaddexp2, [F32, F32_ROW]),
    ("arctan2", ops.arctan2, [F32, F32_ROW]),
    ("i0-bfloat16", ops.i0, [F32.astype(ml_dtypes.bfloat16)]),
    ("vectorize", ops.vectorize(lambda row: ops.sum(row * row), signature="(n)->()"), [F32]),
]


@pytest.mark.parametrize("fn, inputs", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_traced_with_unknown_dims_equals_eager(fn, inputs):
    eager = fn(*[tf.constant(v) for v in inputs])
    assert_same(traced(fn, *inputs), eager)


@np.errstate(all="ignore")  # NumPy warns on integer division by zero
def test_results_match_numpy_where_tensorflow_kernels_differ():
    def value(x):
        return np.asarray(ops.convert_to_numpy(x))

    np.testing.assert_array_equal(value(ops.floor_divide(I32, I32_ROW)), np.floor_divide(I32, I32_ROW))
    np.testing.assert_array_equal(value(ops.mod(I32, I32_ROW)), np.mod(I32, I32_ROW))
    np.testing.assert_array_equal(value(ops.power(np.array([2, -1, 1, -1], "int32"), np.array([-1, -3, -2, -2], "int32"))), [0, -1, 1, 1])
    np.testing.assert_array_equal(value(ops.negative(U8)), np.negative(U8))
    np.testing.assert_array_equal(value(ops.clip(U8, -1, 100)), np.clip(U8.astype("int64"), -1, 100).astype("uint8"))
    np.testing.assert_array_equal(value(ops.signbit(SPECIAL)), np.signbit(SPECIAL))
    a, b = np.array([1.0, 0.0, -1.0, 2.0], "float16"), np.array([2.0, -1.0, -2.0, 2.0], "float16")
    np.testing.assert_array_equal(value(ops.nextafter(a, b)), np.nextafter(a, b))
    np.testing.assert_array_equal(value(ops.gcd(I32, I32_ROW)), np.gcd(I32, I32_ROW))
    np.testing.assert_array_equal(value(ops.lcm(I32, I32_ROW)), np.lcm(I32, I32_ROW))
    np.testing.assert_array_equal(value(ops.fmod(I8, np.array([3, -2, 4], "int8"))), np.fmod(I8, np.array([3, -2, 4], "int8")))
    np.testing.assert_array_equal(value(ops.isclose(SPECIAL, SPECIAL, equal_nan=True)), np.isclose(SPECIAL, SPECIAL, equal_nan=True))
    np.testing.assert_allclose(value(ops.linspace(0.0, 1.0, 5, endpoint=False)), np.linspace(0.0, 1.0, 5, endpoint=False))


def _tape_gradient(fn, x):
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x)


GRADIENT_CASES = [
    ("sin", lambda x: ops.sum(ops.sin(x)), lambda x: np.cos(x)),
    ("divide", lambda x: ops.sum(ops.divide(1.0, x)), lambda x: -1.0 / x**2),
    ("power", lambda x: ops.sum(ops.power(x, 3)), lambda x: 3 * x**2),
    ("sqrt", lambda x: ops.sum(ops.sqrt(ops.abs(x))), lambda x: np.sign(x) * 0.5 / np.sqrt(np.abs(x))),
    ("clip", lambda x: ops.sum(ops.clip(x, -1.0, 1.0) * 2.0), lambda x: 2.0 * (np.abs(x) < 1)),
    ("sinc", lambda x: ops.sum(ops.sinc(x)), lambda x: (np.cos(np.pi * x) * np.pi * x - np.sin(np.pi * x)) / (np.pi * x**2)),
    ("logaddexp", lambda x: ops.sum(ops.logaddexp(x, 0.0)), lambda x: 1 / (1 + np.exp(-x))),
    ("hypot", lambda x: ops.sum(ops.hypot(x, 1.0)), lambda x: x / np.sqrt(x**2 + 1)),
    ("maximum", lambda x: ops.sum(ops.maximum(x, 0.0)), lambda x: (x > 0).astype("float32")),
]


@pytest.mark.parametrize("fn, derivative", [c[1:] for c in GRADIENT_CASES], ids=[c[0] for c in GRADIENT_CASES])
def test_gradients_through_gradient_tape(fn, derivative):
    x = np.array([-2.5, -0.7, 0.3, 1.9], "float32")
    expected = derivative(x.astype(np.float64))
    np.testing.assert_allclose(np.asarray(_tape_gradient(fn, x)), expected, rtol=1e-4, atol=1e-5)
    traced_gradient = tf.function(lambda v: _tape_gradient(fn, v), autograph=False)
    np.testing.assert_allclose(np.asarray(traced_gradient(x)), expected, rtol=1e-4, atol=1e-5)
