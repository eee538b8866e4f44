"""Op shortcuts taken for speed (sparse crossentropy, divide_no_nan, zeros/ones) give the same numbers
as the general code they skip."""

import numpy as np
import pytest

from cornu import backend, ops

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


@pytest.mark.parametrize("x2", [0, 4, 0.5])
def test_divide_no_nan_by_python_numbers_and_tensors(x2):
    x1 = ops.convert_to_tensor([1.0, -3.0])
    got = ops.convert_to_numpy(ops.divide_no_nan(x1, x2))
    np.testing.assert_allclose(got, [0.0, 0.0] if x2 == 0 else np.float32([1.0, -3.0]) / np.float32(x2))
    by_tensor = ops.divide_no_nan(x1, ops.convert_to_tensor([0.0, 2.0]))
    np.testing.assert_allclose(ops.convert_to_numpy(by_tensor), [0.0, -1.5])


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
