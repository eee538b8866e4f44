"""The shortcuts taken for speed give the same numbers as the general code they skip."""

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from cornu.losses.loss import reduce_values
from cornu.metrics import Mean

RNG = np.random.default_rng(7)


def _log_softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


@pytest.mark.parametrize("shape", [(6, 5), (2, 3, 5)])
def test_sparse_crossentropy_from_logits_matches_numpy_with_out_of_range_labels(shape):
    logits = RNG.normal(size=shape).astype("float32")
    labels = RNG.integers(0, 5, size=shape[:-1]).astype("int32")
    labels.flat[0], labels.flat[1] = -1, 5  # no class: loss 0, as an all-zero one-hot row
    expected = -np.take_along_axis(_log_softmax(logits), np.clip(labels, 0, 4)[..., None], -1)[..., 0]
    expected[(labels < 0) | (labels > 4)] = 0.0
    got = ops.convert_to_numpy(ops.sparse_categorical_crossentropy(labels, logits, from_logits=True))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


def test_sparse_crossentropy_on_probabilities_matches_numpy():
    probs = RNG.uniform(0.05, 1.0, size=(4, 3)).astype("float32")
    labels = np.array([0, 2, 1, 2], "int32")
    normalized = probs / probs.sum(-1, keepdims=True)
    expected = -np.log(normalized[np.arange(4), labels])
    got = ops.convert_to_numpy(ops.sparse_categorical_crossentropy(labels, probs))
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_loss_mean_over_a_static_count_matches_numpy():
    values = ops.convert_to_tensor(RNG.normal(size=(3, 4)).astype("float32"))
    np.testing.assert_allclose(float(reduce_values(values)), ops.convert_to_numpy(values).sum() / 12, rtol=1e-6)
    empty = ops.zeros((0, 4))
    assert float(reduce_values(empty)) == 0.0


def test_mean_of_scalars_with_python_weights_matches_the_weighted_mean():
    fast, general = Mean(), Mean()
    values, weights = [1.5, -2.0, 4.0], [128, 3, 0.5]
    for v, w in zip(values, weights):
        fast.update_state(ops.convert_to_tensor(v), sample_weight=w)  # the loss trackers' call
        general.update_state(ops.convert_to_tensor([v]), sample_weight=ops.convert_to_tensor([w]))
    expected = np.dot(values, weights) / np.sum(weights)
    assert float(fast.result()) == pytest.approx(expected, rel=1e-6)
    assert float(fast.result()) == float(general.result())
    assert float(fast.count.value) == pytest.approx(sum(weights))


@pytest.mark.parametrize("x2", [0, 4, 0.5])
def test_divide_no_nan_by_python_numbers_and_tensors(x2):
    x1 = ops.convert_to_tensor([1.0, -3.0])
    got = ops.convert_to_numpy(ops.divide_no_nan(x1, x2))
    np.testing.assert_allclose(got, [0.0, 0.0] if x2 == 0 else np.float32([1.0, -3.0]) / np.float32(x2))
    by_tensor = ops.divide_no_nan(x1, ops.convert_to_tensor([0.0, 2.0]))
    np.testing.assert_allclose(ops.convert_to_numpy(by_tensor), [0.0, -1.5])


@pytest.mark.parametrize("input_dtype", ["float32", "int32"])
def test_dense_matches_numpy_for_2d_and_3d_inputs(input_dtype):
    layer = layers.Dense(3)
    x2 = RNG.integers(-3, 3, size=(4, 5)).astype(input_dtype)
    x3 = RNG.integers(-3, 3, size=(2, 4, 5)).astype(input_dtype)
    layer.build((None, 5))
    layer.bias.assign(RNG.normal(size=(3,)).astype("float32"))
    kernel, bias = ops.convert_to_numpy(layer.kernel.value), ops.convert_to_numpy(layer.bias.value)
    for x in (x2, x3):
        expected = x.astype("float32") @ kernel + bias
        np.testing.assert_allclose(ops.convert_to_numpy(layer(x)), expected, rtol=1e-5, atol=1e-6)


def test_eager_zeros_and_ones_have_the_asked_shape_and_dtype():
    for fn, value in ((ops.zeros, 0), (ops.ones, 1)):
        for dtype in ("float32", "int32", "bfloat16", "bool"):
            out = fn((2, 3), dtype=dtype)
            assert backend.is_tensor(out)
            assert backend.standardize_dtype(out.dtype) == dtype
            np.testing.assert_array_equal(ops.convert_to_numpy(out).astype("float32"), np.full((2, 3), value, "float32"))


@pytest.mark.skipif(backend.backend() != "jax", reason="jax.jit only exists on the JAX backend")
def test_zeros_inside_jit_stay_traced_ops():
    import jax

    @jax.jit
    def f(x):
        return ops.zeros((3,)) + x

    np.testing.assert_array_equal(np.asarray(f(np.float32(2.0))), [2.0, 2.0, 2.0])
    text = jax.jit(lambda: ops.zeros((64, 64))).lower().as_text()
    assert "broadcast" in text  # a traced fill, not a 64x64 literal baked into the program


@pytest.mark.parametrize("axis,center,scale", [(-1, True, True), ((-2, -1), True, True), (-1, False, False),
                                               (1, True, True)])
def test_layer_normalization_matches_numpy(axis, center, scale):
    x = RNG.normal(2.0, 3.0, size=(2, 3, 4)).astype("float32")
    layer = layers.LayerNormalization(axis=axis, center=center, scale=scale, epsilon=1e-3)
    layer.build(x.shape)
    axes = tuple(a % 3 for a in (axis if isinstance(axis, tuple) else (axis,)))
    shape = [x.shape[a] if a in axes else 1 for a in range(3)]
    gamma = RNG.normal(size=[x.shape[a] for a in axes]).astype("float32")
    beta = RNG.normal(size=[x.shape[a] for a in axes]).astype("float32")
    if scale:
        layer.gamma.assign(gamma)
    if center:
        layer.beta.assign(beta)
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    expected = (x - mean) / np.sqrt(var + 1e-3)
    if scale:
        expected = expected * gamma.reshape(shape)
    if center:
        expected = expected + beta.reshape(shape)
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x)), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("labels", [[0, 4, 2, 1], [0, -100, 2, 1], [0.0, 3.7, -0.5, 1.0]])
def test_sparse_crossentropy_labels_as_a_cast_to_int_reads_them(labels):
    # In-range integer labels (no masking on torch's CPU path), the -100 that torch's nll_loss
    # ignores, and float labels, which truncate as a cast to int32 does.
    logits = RNG.normal(size=(4, 5)).astype("float32")
    ints = np.asarray(labels).astype("int32")
    expected = -np.take_along_axis(_log_softmax(logits), np.clip(ints, 0, 4)[:, None], -1)[:, 0]
    expected[(ints < 0) | (ints > 4)] = 0.0
    got = ops.convert_to_numpy(ops.sparse_categorical_crossentropy(np.asarray(labels), logits, from_logits=True))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


def test_sparse_crossentropy_loss_reads_integer_labels_as_their_float_copies():
    logits = RNG.normal(size=(6, 4)).astype("float32")
    labels = np.array([3, 0, 1, 2, 2, 0], "int64")
    loss = cornu.losses.SparseCategoricalCrossentropy(from_logits=True)
    from_ints = float(loss(labels, logits))
    from_floats = float(loss(labels.astype("float32"), logits))
    expected = -np.mean(_log_softmax(logits)[np.arange(6), labels])
    assert from_ints == from_floats
    assert from_ints == pytest.approx(expected, rel=1e-6)


@pytest.mark.skipif(backend.backend() != "torch", reason="torch.compile")
def test_sparse_crossentropy_inside_torch_compile_masks_out_of_range_labels():
    import torch

    logits = RNG.normal(size=(4, 3)).astype("float32")
    labels = np.array([0, 5, -1, 2])
    compiled = torch.compile(lambda y, p: ops.sparse_categorical_crossentropy(y, p, from_logits=True))
    got = compiled(torch.from_numpy(labels), torch.from_numpy(logits)).numpy()
    expected = -_log_softmax(logits)[np.arange(4), np.clip(labels, 0, 2)]
    expected[[1, 2]] = 0.0
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("equation, input_shape, output_shape, bias_axes", [
    ("abc,cde->abde", (2, 5, 6), (None, 3, 4), "de"),   # attention query/key/value projection
    ("abcd,cde->abe", (2, 5, 3, 4), (None, 6), "e"),    # attention output projection
    ("ab,bc->ac", (4, 6), (3,), "c"),
    ("...b,bc->...c", (2, 3, 6), (4,), "c"),
    ("abc,cde->abde", (2, 5, 6), (None, 3, 4), "e"),    # a bias over part of the kept axes
    ("abc,cd->abd", (2, 5, 6), (None, 4), None),
    ("abc,acd->abd", (2, 5, 6), (None, 4), None),       # not one matrix product: einsum
])
def test_einsum_dense_as_one_matmul_matches_numpy_einsum(equation, input_shape, output_shape, bias_axes):
    layer = layers.EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes,
                               bias_initializer="random_normal")
    x = RNG.normal(size=input_shape).astype("float32")
    out = ops.convert_to_numpy(layer(x))
    assert (layer._matmul_contracted is not None) == (equation != "abc,acd->abd")
    kernel = ops.convert_to_numpy(layer.kernel.value)
    expected = np.einsum(equation, x, kernel)
    if bias_axes is not None:
        expected = expected + ops.convert_to_numpy(layer.bias.value)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
