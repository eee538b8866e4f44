"""Layer shortcuts taken for speed (Dense, LayerNormalization, EinsumDense as one matmul) give the
same numbers as the general code they skip."""

import numpy as np
import pytest

from cornu import layers, ops

RNG = np.random.default_rng(7)


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
