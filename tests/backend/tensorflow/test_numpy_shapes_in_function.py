"""The TensorFlow indexing, product, reduction and shape ops (cornu/backend/tensorflow/numpy/
{indexing,products,reductions,shape}.py) inside ``tf.function`` with unknown dims: the traced
values equal the eager ones, the static output shapes are those Keras's TensorFlow backend gives
for the same input signature (recorded from Keras 3.15.1; where Keras cannot trace the call, the
exact shape), a subset compiles with XLA, value-dependent shapes (``nonzero``, ``unique``) run in
``tf.function`` without XLA, and gradients through ``tf.GradientTape`` match finite differences."""

import numpy as np
import pytest

from cornu import backend

if backend.backend() != "tensorflow":
    pytest.skip("these check the tensorflow backend (CORNU_BACKEND=tensorflow)", allow_module_level=True)

import tensorflow as tf  # noqa: E402

from cornu import ops  # noqa: E402

RNG = np.random.default_rng(0)


def _f(*shape):
    return RNG.uniform(-3, 3, shape).astype("float32")


def _i(*shape, low=0, high=4):
    return RNG.integers(low, high, shape).astype("int32")


X = _f(3, 4)
X3 = _f(2, 3, 4)
V = _f(5)
B = (None, 4)  # unknown batch, known features

# (id, call on ops, inputs, input signature shapes, static output shape(s) inside tf.function).
# Shapes marked "beyond Keras" are calls Keras's TensorFlow backend cannot trace.
CASES = [
    ("sum", lambda o, x: o.sum(x, axis=0), [X], [B], [4]),
    ("sum-keepdims", lambda o, x: o.sum(x, axis=(0, 2), keepdims=True), [X3], [(None, None, None)], [1, None, 1]),
    ("prod", lambda o, x: o.prod(x, axis=1), [X], [B], [None]),
    ("mean", lambda o, x: o.mean(x, axis=-1, keepdims=True), [X], [B], [None, 1]),
    ("var", lambda o, x: o.var(x, axis=0), [X], [(None, None)], [None]),
    ("std", lambda o, x: o.std(x), [X], [(None, None)], []),
    ("max", lambda o, x: o.max(x, axis=1), [X], [B], [None]),
    ("min-initial", lambda o, x: o.min(x, axis=0, initial=-1.0), [X], [B], [4]),
    ("ptp", lambda o, x: o.ptp(x, axis=1), [X], [B], [None]),
    ("argmax", lambda o, x: o.argmax(x, axis=-1), [X], [B], [None]),
    ("argmin-keepdims", lambda o, x: o.argmin(x, keepdims=True), [X], [(None, None)], [1, 1]),
    ("any", lambda o, x: o.any(x > 0, axis=1), [X], [B], [None]),
    ("all", lambda o, x: o.all(x > -5, axis=0), [X], [B], [4]),
    ("count_nonzero", lambda o, x: o.count_nonzero(x > 0, axis=1), [X], [B], [None]),
    ("cumsum", lambda o, x: o.cumsum(x, axis=1), [X], [B], [None, 4]),
    ("cumprod-flat", lambda o, x: o.cumprod(x), [X], [B], [None]),
    ("average", lambda o, x, w: o.average(x, axis=1, weights=w), [X, _f(4)], [B, (4,)], [None]),
    ("median", lambda o, x: o.median(x, axis=1), [X], [B], [None]),
    ("quantile", lambda o, x: o.quantile(x, 0.3, axis=0), [X], [B], [4]),
    ("quantile-q-keepdims", lambda o, x: o.quantile(x, np.array([0.2, 0.7], "float32"), axis=1, keepdims=True),
     [X], [B], [2, None, 1]),
    ("percentile", lambda o, x: o.percentile(x, 40.0), [X], [(None, None)], []),
    ("nanmean", lambda o, x: o.nanmean(x, axis=1), [X], [B], [None]),
    ("nanvar", lambda o, x: o.nanvar(x, axis=1), [X], [B], [None]),
    ("nanmax", lambda o, x: o.nanmax(x, axis=0), [X], [B], [4]),
    ("nanargmin", lambda o, x: o.nanargmin(x, axis=1), [X], [B], [None]),
    ("nanquantile", lambda o, x: o.nanquantile(x, 0.5, axis=1), [X], [B], [None]),  # beyond Keras
    ("nansum", lambda o, x: o.nansum(x, axis=1), [X], [B], [None]),
    ("trace", lambda o, x: o.trace(x, offset=1), [X], [B], []),
    ("diff", lambda o, x: o.diff(x, n=2, axis=1), [X], [B], [None, 2]),
    ("trapezoid", lambda o, x: o.trapezoid(x, dx=0.5), [X], [B], [None]),
    ("histogram", lambda o, x: o.histogram(x, bins=4), [V], [(None,)], ([4], [5])),
    ("bincount", lambda o, x: o.bincount(x, minlength=6), [_i(7)], [(None,)], [None]),
    ("take", lambda o, x, j: o.take(x, j, axis=1), [X, _i(2, low=-2)], [B, (None,)], [None, None]),
    ("take_along_axis", lambda o, x, j: o.take_along_axis(x, j, axis=1), [X, _i(3, 1)], [B, (None, 1)], [None, 1]),
    ("diagonal", lambda o, x: o.diagonal(x, offset=1), [X], [(None, None)], [None]),
    ("diagonal-static", lambda o, x: o.diagonal(x, offset=-1, axis1=1, axis2=2), [X3], [(None, 3, 4)], [None, 2]),
    ("where", lambda o, x: o.where(x > 0, x, 0.0), [X], [B], [None, 4]),
    ("sort", lambda o, x: o.sort(x, axis=0), [X], [B], [None, 4]),
    ("argsort", lambda o, x: o.argsort(x, axis=-1), [X], [B], [None, 4]),
    ("searchsorted", lambda o, s, v: o.searchsorted(s, v, side="right"), [np.array([1.0, 2.0, 4.0], "float32"), X],
     [(None,), B], [None, 4]),
    ("digitize", lambda o, x: o.digitize(x, np.array([-1.0, 0.0, 1.0], "float32")), [X], [B], [None, 4]),
    ("select", lambda o, x: o.select([x > 1, x < -1], [x, -x], default=0.0), [X], [B], [None, 4]),
    ("unravel_index", lambda o, j: o.unravel_index(j, (3, 4)), [_i(5, high=12)], [(None,)], ([None], [None])),
    ("get_item", lambda o, x: o.get_item(x, (slice(None), 1)), [X], [B], [None]),
    ("matmul", lambda o, a, b: o.matmul(a, b), [X, _f(4, 2)], [B, (4, None)], [None, None]),
    ("matmul-batched", lambda o, a, b: o.matmul(a, b), [X3, _f(4, 5)], [(None, 3, 4), (4, 5)], [None, 3, 5]),
    ("dot", lambda o, a, b: o.dot(a, b), [X, _f(4)], [B, (4,)], [None]),
    ("tensordot", lambda o, a, b: o.tensordot(a, b, axes=1), [X, _f(4, 2)], [B, (4, 2)], [None, 2]),
    ("einsum", lambda o, a, b: o.einsum("ij,jk->ik", a, b), [X, _f(4, 2)], [B, (4, 2)], [None, 2]),
    ("outer", lambda o, a, b: o.outer(a, b), [V, _f(3)], [(None,), (3,)], [None, 3]),
    ("inner", lambda o, a, b: o.inner(a, b), [X, _f(2, 4)], [B, B], [None, None]),
    ("kron", lambda o, a, b: o.kron(a, b), [_f(2, 2), _f(2, 3)], [(None, 2), (2, None)], [None, None]),  # beyond Keras
    ("cross", lambda o, a, b: o.cross(a, b), [_f(4, 3), _f(4, 3)], [(None, 3), (None, 3)], [None, 3]),
    ("correlate", lambda o, a, b: o.correlate(a, b, mode="same"), [V, _f(3)], [(None,), (None,)], [None]),
    ("vdot", lambda o, a, b: o.vdot(a, b), [X, X], [B, B], []),
    ("reshape", lambda o, x: o.reshape(x, (-1, 2)), [X], [B], [None, 2]),
    ("transpose", lambda o, x: o.transpose(x, (1, 2, 0)), [X3], [(None, 3, None)], [3, None, None]),
    ("swapaxes", lambda o, x: o.swapaxes(x, 0, -1), [X3], [(None, 3, 4)], [4, 3, None]),
    ("moveaxis", lambda o, x: o.moveaxis(x, 0, -1), [X3], [(None, 3, 4)], [3, 4, None]),
    ("expand_dims", lambda o, x: o.expand_dims(x, (0, 3)), [X], [B], [1, None, 4, 1]),
    ("squeeze", lambda o, x: o.squeeze(o.expand_dims(x, 1), axis=1), [X], [B], [None, 4]),
    ("concatenate", lambda o, a, b: o.concatenate([a, b], axis=0), [X, X], [B, B], [None, 4]),
    ("stack", lambda o, a, b: o.stack([a, b], axis=1), [X, X], [B, B], [None, 2, 4]),
    ("hstack", lambda o, a, b: o.hstack([a, b]), [X, X], [B, B], [None, 8]),
    ("vstack", lambda o, a, b: o.vstack([a, b]), [X, X], [B, B], [None, 4]),
    ("append", lambda o, a, b: o.append(a, b), [X, V], [B, (None,)], [None]),
    ("split", lambda o, x: o.split(x, 2, axis=1)[1], [X], [B], [None, 2]),
    ("split-indices", lambda o, x: o.split(x, [1, 3], axis=1)[1], [X], [B], [None, 2]),
    ("array_split", lambda o, x: o.array_split(x, 3, axis=1)[0], [X], [B], [None, 2]),
    ("tile", lambda o, x: o.tile(x, (2, 1)), [X], [B], [None, 4]),
    ("repeat", lambda o, x: o.repeat(x, 2, axis=1), [X], [B], [None, 8]),
    ("flip", lambda o, x: o.flip(x, axis=1), [X], [B], [None, 4]),
    ("roll", lambda o, x: o.roll(x, 1), [X], [B], [None, 4]),
    ("rot90", lambda o, x: o.rot90(x), [X], [B], [4, None]),
    ("pad-constant", lambda o, x: o.pad(x, [(1, 2), (0, 1)]), [X], [B], [None, 5]),
    ("pad-edge", lambda o, x: o.pad(x, [(1, 2), (0, 1)], mode="edge"), [X], [B], [None, 5]),  # beyond Keras
    ("pad-wrap", lambda o, x: o.pad(x, [(1, 1), (2, 0)], mode="wrap"), [X], [B], [None, 6]),  # beyond Keras
    ("pad-reflect", lambda o, x: o.pad(x, [(1, 1), (2, 0)], mode="reflect"), [X], [B], [None, 6]),
    ("broadcast_to", lambda o, x: o.broadcast_to(x, (2, 3, 4)), [X], [B], [2, 3, 4]),
    ("ravel", lambda o, x: o.ravel(x), [X], [B], [None]),
    ("view", lambda o, x: o.view(x, "int32"), [X], [B], [None, 4]),
]

# Ops a compiled (XLA) train step typically meets.
XLA_CASES = {
    "sum", "mean", "var", "max", "argmax", "cumsum", "quantile", "take", "take_along_axis", "where", "sort",
    "matmul-batched", "einsum", "concatenate", "split-indices", "pad-edge", "histogram", "diagonal-static",
}


def _traced(case):
    _, fn, inputs, signature, _ = case
    specs = [tf.TensorSpec(shape, tf.as_dtype(a.dtype)) for a, shape in zip(inputs, signature)]
    return tf.function(lambda *xs: fn(ops, *xs), input_signature=specs)


def _static_shapes(outputs):
    if isinstance(outputs, (tuple, list)):
        return tuple(_static_shapes(o) for o in outputs)
    return outputs.shape.as_list()


def _assert_same_values(actual, expected, where):
    actual, expected = tf.nest.flatten(actual), tf.nest.flatten(expected)
    assert len(actual) == len(expected), where
    for a, e in zip(actual, expected):
        a, e = np.asarray(a), np.asarray(e)
        assert a.shape == e.shape and a.dtype == e.dtype, f"{where}: {a.shape} {a.dtype} vs {e.shape} {e.dtype}"
        np.testing.assert_allclose(a, e, rtol=1e-6, atol=1e-6, equal_nan=True, err_msg=where)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_unknown_dims_trace_with_keras_static_shapes_and_eager_values(case):
    name, fn, inputs, _, expected_shape = case
    traced = _traced(case)
    concrete = traced.get_concrete_function()
    assert _static_shapes(concrete.structured_outputs) == expected_shape, name
    _assert_same_values(traced(*inputs), fn(ops, *inputs), name)


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in XLA_CASES], ids=lambda c: c[0])
def test_compiles_with_xla(case):
    name, fn, inputs, _, _ = case
    compiled = tf.function(lambda *xs: fn(ops, *xs), jit_compile=True)
    _assert_same_values(compiled(*inputs), fn(ops, *inputs), name)


def test_value_dependent_shapes_run_in_tf_function():
    x = np.array([[0, 3, 0], [2, 0, 5]], "int32")
    values = np.array([3, 1, 3, 2, 1], "float32")

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32), tf.TensorSpec([None], tf.float32)])
    def run(x, values):
        return ops.nonzero(x), ops.unique(values, return_index=True, return_inverse=True, return_counts=True)

    (rows, cols), (unique, index, inverse, counts) = run(x, values)
    np.testing.assert_array_equal(rows, [0, 1, 1])
    np.testing.assert_array_equal(cols, [1, 0, 2])
    assert rows.dtype == tf.int32
    expected = np.unique(values, return_index=True, return_inverse=True, return_counts=True)
    for got, want in zip((unique, index, inverse, counts), expected):
        np.testing.assert_array_equal(got, want)
    assert [t.dtype for t in (index, inverse, counts)] == [tf.int32] * 3


def test_unique_with_size_has_a_static_length_in_tf_function():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.int32)])
    def run(x):
        return ops.unique(x, size=4, fill_value=-1)

    assert run.get_concrete_function().structured_outputs.shape.as_list() == [4]
    np.testing.assert_array_equal(run(np.array([5, 1, 5], "int32")), [1, 5, -1, -1])
    np.testing.assert_array_equal(run(np.array([4, 3, 2, 1, 0], "int32")), [0, 1, 2, 3])


def test_unique_along_an_axis_sorts_rows():
    x = np.array([[2, 1], [0, 5], [2, 1], [0, 3]], "int32")
    values, inverse = ops.unique(x, axis=0, return_inverse=True)
    expected, expected_inverse = np.unique(x, axis=0, return_inverse=True)
    np.testing.assert_array_equal(values, expected)
    np.testing.assert_array_equal(np.ravel(inverse), np.ravel(expected_inverse))


def test_get_item_with_an_index_array():
    np.testing.assert_array_equal(ops.get_item(X, np.array([2, 0])), X[[2, 0]])
    np.testing.assert_array_equal(ops.get_item(X, (slice(None), np.array([-1, 1]))), X[:, [-1, 1]])
    np.testing.assert_array_equal(ops.get_item(X, X[:, 0] > 0), X[X[:, 0] > 0])


@pytest.mark.parametrize(
    "dtype, expected",
    [("uint8", "uint32"), ("uint16", "uint32"), ("int8", "int32"), ("bool", "int32"), ("int64", "int64"), ("uint32", "uint32")],
)
def test_sum_dtypes_match_keras(dtype, expected):
    out = ops.sum(np.array([[1, 0], [1, 1]]).astype(dtype), axis=0)
    assert backend.standardize_dtype(out.dtype) == expected
    np.testing.assert_array_equal(out, [2, 1])


def test_int8_matmul_uses_the_int32_kernel():
    a = np.arange(6, dtype="int8").reshape(2, 3)
    out = ops.matmul(a, a.T)
    assert out.dtype == tf.int32
    np.testing.assert_array_equal(out, a.astype("int32") @ a.T.astype("int32"))


GRADIENT_CASES = {
    "sum-mean": lambda x: ops.sum(x, axis=0) * ops.mean(x),
    "var": lambda x: ops.var(x, axis=1),
    "max": lambda x: ops.max(x, axis=1) ** 2,
    "cumprod": lambda x: ops.cumprod(x, axis=1),
    "quantile": lambda x: ops.quantile(x, 0.3, axis=1),
    "sort": lambda x: ops.sort(x, axis=-1) * np.arange(4, dtype="float32"),
    "take_along_axis": lambda x: ops.take_along_axis(x, np.array([[1], [0], [3]], "int32"), axis=1) ** 2,
    "matmul": lambda x: ops.matmul(x, ops.transpose(x)),
    "einsum": lambda x: ops.einsum("ij,kj->ik", x, x),
    "kron": lambda x: ops.kron(x, x[:2, :2]),
    "pad-reflect": lambda x: ops.pad(x, [(1, 1), (2, 0)], mode="reflect") ** 2,
    "pad-edge": lambda x: ops.pad(x, [(1, 1), (2, 0)], mode="edge") ** 2,
}


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradients_through_tape_match_finite_differences(name):
    fn = GRADIENT_CASES[name]
    # Distinct values 1/6 apart: no tie (max, sort, quantile) within the finite-difference step.
    # (No zero either: TensorFlow's cumprod gradient divides by the input.)
    x = (np.random.default_rng(1).permutation(12).reshape(3, 4) / 6 - 0.95).astype("float32")

    def scalar(v):
        return ops.sum(fn(v))

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32)])
    def gradient(v):
        with tf.GradientTape() as tape:
            tape.watch(v)
            y = scalar(v)
        return tf.convert_to_tensor(tape.gradient(y, v))  # gathers give IndexedSlices

    got = gradient(tf.constant(x)).numpy()
    eps = 1e-2
    expected = np.zeros_like(x, dtype="float64")
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += eps
        minus[index] -= eps
        expected[index] = (float(scalar(plus)) - float(scalar(minus))) / (2 * eps)
    np.testing.assert_allclose(got, expected, rtol=2e-2, atol=2e-2, err_msg=name)
