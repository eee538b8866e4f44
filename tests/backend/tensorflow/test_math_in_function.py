"""The TensorFlow math ops (cornu/backend/tensorflow/math*.py) give their eager values inside a
``tf.function`` whose inputs have unknown dims, and their gradients under ``tf.GradientTape``
(eagerly and traced) match hand-worked values or finite differences."""

import numpy as np
import pytest

from cornu import backend

if backend.backend() != "tensorflow":
    pytest.skip("these check the tensorflow backend (CORNU_BACKEND=tensorflow)", allow_module_level=True)

import tensorflow as tf  # noqa: E402

from cornu import ops  # noqa: E402
from tests.ops.test_control_flow import CASES as CONTROL_FLOW_CASES  # noqa: E402

RNG = np.random.default_rng(0)
SIGNAL = RNG.uniform(-1, 1, (2, 30)).astype("float32")
MATRIX = RNG.uniform(-1, 1, (3, 4)).astype("float32")


def _unknown_dims(value):
    return tf.TensorSpec([None] * np.ndim(value), tf.as_dtype(np.asarray(value).dtype))


def traced(fn, *values):
    """``fn(*values)`` inside a ``tf.function`` traced with every dim unknown."""
    graph_fn = tf.function(fn, input_signature=[_unknown_dims(v) for v in values], autograph=False)
    return graph_fn(*[tf.constant(v) for v in values])


def assert_same(actual, expected, tol=1e-5):
    actual, expected = tf.nest.flatten(actual), tf.nest.flatten(expected)
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert a.dtype == e.dtype, (a.dtype, e.dtype)
        np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(e, np.float64), rtol=tol, atol=tol)


# name -> (fn, inputs): each is run eagerly and traced with unknown dims.
IN_FUNCTION = {
    "scan": (lambda x: ops.scan(lambda c, v: (c + v, c * v), ops.zeros_like(x[0]), x), (MATRIX,)),
    "scan-reverse-structures": (
        lambda x: ops.scan(lambda c, v: ((c[0] + v["a"], c[1] * 2.0), {"y": v["a"] - c[0]}),
                           (ops.zeros_like(x[0]), 1.0), {"a": x}, reverse=True),
        (MATRIX,),
    ),
    "scan-length": (lambda x: ops.scan(lambda c, _: (c * 2.0, c), ops.sum(x), length=4), (MATRIX,)),
    "scan-no-ys": (lambda x: ops.scan(lambda c, v: (c + ops.sum(v), None), 0.0, x)[0], (MATRIX,)),
    "map": (lambda x: ops.map(lambda row: (ops.sum(row), row * 2.0), x), (MATRIX,)),
    "associative_scan": (lambda x: ops.associative_scan(ops.multiply, x, axis=1), (MATRIX,)),
    "associative_scan-reverse": (lambda x: ops.associative_scan(lambda a, b: a - b + a * b, x, reverse=True), (MATRIX,)),
    "switch": (lambda x, i: ops.switch(i, [lambda v: v + 1.0, lambda v: v * 2.0, lambda v: -v], x), (MATRIX, np.int32(7))),
    "vectorized_map": (lambda x: ops.vectorized_map(lambda row: ops.sum(row * row), x), (MATRIX,)),
    "segment_sum": (lambda x, ids: ops.segment_sum(x, ids), (MATRIX, np.array([2, 0, 2], "int32"))),
    "segment_max": (lambda x, ids: ops.segment_max(x, ids, num_segments=4), (MATRIX, np.array([2, 0, 2], "int32"))),
    "segment_min": (lambda x, ids: ops.segment_min(x, ids, num_segments=4), (MATRIX, np.array([3, 0, 9], "int32"))),
    "segment_prod": (lambda x, ids: ops.segment_prod(x, ids), (MATRIX, np.array([1, 1, 0], "int32"))),
    "stft": (lambda x: ops.stft(x, 8, 3, 10), (SIGNAL,)),
    "stft[uncentred,hamming]": (lambda x: ops.stft(x, 6, 4, 8, window="hamming", center=False), (SIGNAL,)),
    "istft": (lambda x: ops.istft(ops.stft(x, 8, 2, 8), 8, 2, 8, length=30), (SIGNAL,)),
    "istft[no window]": (
        lambda x: ops.istft(ops.stft(x, 8, 4, 8, window=None, center=False), 8, 4, 8, window=None, center=False),
        (SIGNAL,),
    ),
    "extract_sequences": (lambda x: ops.extract_sequences(x, 5, 3), (SIGNAL,)),
    "rfft-irfft": (lambda x: ops.irfft(ops.rfft(x, fft_length=32), fft_length=32), (SIGNAL,)),
    "fft2": (lambda x: ops.fft2((x, x * 0.5)), (MATRIX,)),
    "slice": (lambda x, s: ops.slice(x, s, (2, 3)), (MATRIX, np.array([2, 5], "int32"))),
    "slice-mixed-starts": (lambda x, s: ops.slice(x, [s[0], 1], (2, 2)), (MATRIX, np.array([5], "int32"))),
    "slice_update": (lambda x, s: ops.slice_update(x, s, ops.ones((2, 2))), (MATRIX, np.array([1, 9], "int32"))),
    "scatter_update-mul": (lambda x, i: ops.scatter_update(x, i, ops.full((3, 4), 2.0), reduction="mul"),
                           (MATRIX, np.array([[0], [2], [0]], "int32"))),
    "top_k": (lambda x: ops.top_k(x, 2), (MATRIX,)),
    "in_top_k": (lambda t, x: ops.in_top_k(t, x, 2), (np.array([0, 3, 1], "int32"), MATRIX)),
    "logsumexp": (lambda x: ops.logsumexp(x, axis=(0, 1), keepdims=True), (MATRIX,)),
}


@pytest.mark.parametrize("name", sorted(IN_FUNCTION))
def test_values_inside_tf_function_with_unknown_dims_equal_eager(name):
    fn, values = IN_FUNCTION[name]
    eager = fn(*[tf.constant(v) for v in values])
    assert_same(traced(fn, *values), eager)


def test_scan_matches_a_python_loop():
    carry, ys = ops.scan(lambda c, v: (c * v, c), 1.0, tf.constant([1.0, 2.0, 3.0]), reverse=True)
    assert float(carry) == 6.0
    np.testing.assert_allclose(ys, [6.0, 3.0, 1.0])
    carry, ys = traced(lambda x: ops.scan(lambda c, v: (c + v, c), ops.zeros((2,)), x), np.zeros((0, 2), "float32"))
    assert tuple(ys.shape) == (0, 2) and np.all(np.asarray(carry) == 0)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("length", [1, 5, 8])
def test_associative_scan_keeps_the_order_of_a_non_commutative_function(reverse, length):
    mats = RNG.uniform(-1, 1, (length, 2, 2)).astype("float32")
    # jax.lax.associative_scan: [a, f(a, b), ...]; reversed: [..., f(f(z, y), x), f(z, y), z].
    expected, order = np.zeros_like(mats), range(length - 1, -1, -1) if reverse else range(length)
    acc = None
    for i in order:
        acc = mats[i] if acc is None else acc @ mats[i]
        expected[i] = acc
    fn = lambda m: ops.associative_scan(ops.matmul, m, reverse=reverse)  # noqa: E731
    np.testing.assert_allclose(fn(tf.constant(mats)), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(traced(fn, mats), expected, rtol=1e-5, atol=1e-5)


def _grad_in_function(fn, x):
    def value_and_grad(v):
        with tf.GradientTape() as tape:
            tape.watch(v)
            out = fn(v)
        return out, tf.convert_to_tensor(tape.gradient(out, v))  # gathers give IndexedSlices

    return traced(value_and_grad, x)


MY_CONTROL_FLOW_CASES = [
    "associative_scan", "associative_scan-reverse", "custom_gradient", "map", "scan", "scan-ys",
    "scatter", "scatter_update", "slice_update", "switch", "switch-clamped", "vectorized_map",
]


@pytest.mark.parametrize("name", MY_CONTROL_FLOW_CASES)
def test_gradients_under_gradient_tape_inside_tf_function(name):
    fn, x, value, gradient = CONTROL_FLOW_CASES[name]
    out, grad = _grad_in_function(fn, x)
    np.testing.assert_allclose(float(out), value, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(grad), gradient, rtol=1e-6)


GRADIENT_CASES = {
    "erf": lambda x: ops.sum(ops.erf(x)),
    "logsumexp": lambda x: ops.sum(ops.logsumexp(x, axis=-1)),
    "stft": lambda x: ops.sum(ops.stft(x, 6, 3, 8)[0] ** 2 + ops.stft(x, 6, 3, 8)[1]),
    "istft": lambda x: ops.sum(ops.istft(ops.stft(x, 6, 2, 8), 6, 2, 8) ** 2),
    "segment_max": lambda x: ops.sum(ops.segment_max(x, np.array([1, 0, 5]), num_segments=2) ** 2),
    "segment_prod": lambda x: ops.sum(ops.segment_prod(x, np.array([1, 1, 0])) * 3.0),
    "scan-loop": lambda x: ops.sum(ops.scan(lambda c, v: (ops.sin(c) * v, c * v), ops.ones_like(x[0]), x)[1]),
    "cdist": lambda x: ops.sum(ops.cdist(x, x[:2] * 2.0)),
}


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_tape_gradients_match_finite_differences(name):
    fn = GRADIENT_CASES[name]
    x = SIGNAL[:, :12] if name in ("stft", "istft") else MATRIX
    _, grad = _grad_in_function(fn, x)
    eager = _grad_eager(fn, x)
    np.testing.assert_allclose(np.asarray(grad), eager, rtol=1e-5, atol=1e-5)
    v = RNG.normal(size=x.shape)
    v /= np.linalg.norm(v)
    eps = 1e-2
    plus = float(fn(tf.constant((x + eps * v).astype("float32"))))
    minus = float(fn(tf.constant((x - eps * v).astype("float32"))))
    numeric = (plus - minus) / (2 * eps)
    assert abs(numeric - float(np.sum(np.asarray(grad) * v))) <= 3e-2 * (1.0 + np.linalg.norm(grad))


def _grad_eager(fn, x):
    v = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(v)
        out = fn(v)
    return np.asarray(tf.convert_to_tensor(tape.gradient(out, v)))


def test_custom_gradient_eagerly_traced_and_with_a_variable_inside():
    weight = backend.Variable(np.float32(2.0))

    @ops.custom_gradient
    def clipped_square(x):
        def grad(upstream):
            return ops.clip(upstream * 2.0 * x, -1.0, 1.0)

        return x * x * weight, grad

    x = np.array([0.1, 0.3, 2.0], "float32")
    np.testing.assert_allclose(_grad_eager(lambda v: ops.sum(clipped_square(v)), x), [0.2, 0.6, 1.0], rtol=1e-6)
    out, grad = _grad_in_function(lambda v: ops.sum(clipped_square(v)), x)
    np.testing.assert_allclose(float(out), np.sum(x * x * 2.0), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(grad), [0.2, 0.6, 1.0], rtol=1e-6)


def test_custom_gradient_with_a_keyword_argument_inside_tf_function():
    @ops.custom_gradient
    def scaled(x, scale=1.0):
        return x * scale, lambda upstream: upstream * 7.0

    out, grad = _grad_in_function(lambda v: ops.sum(scaled(v, scale=3.0)), MATRIX)
    np.testing.assert_allclose(float(out), 3.0 * MATRIX.sum(), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(grad), np.full(MATRIX.shape, 7.0))


def test_custom_gradient_of_two_arguments_and_two_outputs():
    @ops.custom_gradient
    def pair(a, b):
        def grad(upstream):
            up_sum, up_diff = upstream
            return up_sum * 10.0 + up_diff, up_sum - up_diff * 10.0

        return (a + b, a - b), grad

    a, b = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        s, d = pair(a, b)
        out = ops.sum(s) + 2.0 * ops.sum(d)
    grad_a, grad_b = tape.gradient(out, [a, b])
    np.testing.assert_allclose(grad_a, [12.0, 12.0])
    np.testing.assert_allclose(grad_b, [-19.0, -19.0])


def test_scan_and_segment_ops_under_xla():
    def fn(x, ids):
        carry, ys = ops.scan(lambda c, v: (c + v, c * v), ops.zeros_like(x[0]), x)
        updated = ops.slice_update(x, ops.cast(ids[:2], "int32"), ops.ones((1, 2)))
        return carry, ys, ops.segment_max(x, ids, num_segments=3), updated

    x, ids = MATRIX, np.array([2, 0, 2], "int32")
    xla = tf.function(fn, jit_compile=True)(tf.constant(x), tf.constant(ids))
    assert_same(xla, fn(tf.constant(x), tf.constant(ids)))
