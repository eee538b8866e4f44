"""Gradients of differentiable ops match finite differences (jax and torch).

Each case is a scalar function of one small input; ``check_gradient`` compares the
backend's autodiff with central differences along random directions.
"""

import numpy as np
import pytest

from cornu import ops

from tests.helpers.ops.gradients import autodiff, check_gradient

pytestmark = pytest.mark.requires_trainable_backend

RNG = np.random.default_rng(0)
IMAGE = RNG.uniform(-1, 1, (1, 5, 5, 2)).astype("float32")
KERNEL = RNG.uniform(-1, 1, (3, 3, 2, 3)).astype("float32")
MATRIX = RNG.uniform(-1, 1, (3, 4)).astype("float32")
QKV = RNG.uniform(-1, 1, (1, 3, 2, 4)).astype("float32")
SIGNAL = RNG.uniform(-1, 1, (2, 12)).astype("float32")
WEIGHTS = np.arange(4, dtype="float32")

CASES = {
    "sin": (lambda x: ops.sum(ops.sin(x)), MATRIX),
    "exp_mean": (lambda x: ops.mean(ops.exp(x)), MATRIX),
    "sqrt": (lambda x: ops.sum(ops.sqrt(ops.abs(x) + 1.0)), MATRIX),
    "matmul": (lambda x: ops.sum(ops.matmul(x, ops.transpose(x)) ** 2), MATRIX),
    "einsum": (lambda x: ops.sum(ops.einsum("ij,kj->ik", x, x) ** 2), MATRIX),
    "softmax": (lambda x: ops.sum(ops.multiply(ops.softmax(x), WEIGHTS)), MATRIX),
    "log_softmax": (lambda x: ops.sum(ops.multiply(ops.log_softmax(x), WEIGHTS)), MATRIX),
    "logsumexp": (lambda x: ops.sum(ops.logsumexp(x, axis=-1)), MATRIX),
    "norm": (lambda x: ops.norm(x), MATRIX),
    "erf": (lambda x: ops.sum(ops.erf(x)), MATRIX),
    "var": (lambda x: ops.sum(ops.var(x, axis=0)), MATRIX),
    "cumsum": (lambda x: ops.sum(ops.cumsum(x, axis=1) ** 2), MATRIX),
    "cumprod": (lambda x: ops.sum(ops.cumprod(x, axis=1)), MATRIX),
    "max": (lambda x: ops.sum(ops.max(x, axis=1) ** 2), MATRIX),
    "where": (lambda x: ops.sum(ops.where(x > 0, x**2, -x)), MATRIX),
    "sort": (lambda x: ops.sum(ops.multiply(ops.sort(x, axis=-1), WEIGHTS)), MATRIX),
    "take_along_axis": (lambda x: ops.sum(ops.take_along_axis(x, np.array([[1], [0], [3]], "int32"), axis=1) ** 2), MATRIX),
    "concatenate": (lambda x: ops.sum(ops.concatenate([x, x * 2.0], axis=0) ** 2), MATRIX),
    "solve": (lambda x: ops.sum(ops.solve(ops.matmul(x, ops.transpose(x)) + 3 * ops.eye(3), x[:, :2])), MATRIX),
    "conv": (lambda x: ops.sum(ops.conv(x, KERNEL, padding="same") ** 2), IMAGE),
    "conv_transpose": (lambda x: ops.sum(ops.conv_transpose(x, KERNEL[..., :2], 2, "same") ** 2), IMAGE),
    "max_pool": (lambda x: ops.sum(ops.max_pool(x, 2, padding="same") ** 2), IMAGE),
    "average_pool": (lambda x: ops.sum(ops.average_pool(x, 2, padding="same") ** 2), IMAGE),
    "adaptive_average_pool": (lambda x: ops.sum(ops.adaptive_average_pool(x, (2, 3)) ** 2), IMAGE),
    "adaptive_max_pool": (lambda x: ops.sum(ops.adaptive_max_pool(x, (3, 2)) ** 2), IMAGE),
    "unfold_fold": (lambda x: ops.sum(ops.fold(ops.unfold(x, 2) ** 2, (5, 2), 2) * 1.5), np.transpose(IMAGE, (0, 3, 1, 2))[..., :2]),
    "attention": (lambda x: ops.sum(ops.dot_product_attention(x, x, x, is_causal=True) ** 2), QKV),
    "resize": (lambda x: ops.sum(ops.image.resize(x, (3, 3)) ** 2), IMAGE),
    "scale_and_translate": (lambda x: ops.sum(ops.image.scale_and_translate(x, (1, 4, 6, 2), [0.8, 1.2], [0.0, 0.5], (1, 2), "cubic") ** 2), IMAGE),
    "ssim": (lambda x: ops.image.ssim(x, IMAGE[0] * 0.5, filter_size=3), IMAGE[0] + 1.0),
    "rearrange": (lambda x: ops.sum(ops.rearrange(x, "b h w c -> b (c w h)") * ops.arange(25, dtype="float32")), IMAGE[..., :1]),
    "stft": (lambda x: ops.sum(ops.stft(x, 6, 3, 8)[0] ** 2 + ops.stft(x, 6, 3, 8)[1]), SIGNAL),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_matches_finite_differences(name):
    fn, x = CASES[name]
    check_gradient(fn, x, name=name)


def test_custom_gradient_is_used():
    @ops.custom_gradient
    def scaled_identity(x):
        def grad(upstream):
            return upstream * 3.0

        return x * 1.0, grad

    x = np.array([1.0, 2.0], "float32")
    np.testing.assert_allclose(autodiff(lambda v: ops.sum(scaled_identity(v)), x), [3.0, 3.0])


def test_stop_gradient_blocks_gradients():
    x = np.array([1.0, 2.0], "float32")
    np.testing.assert_allclose(autodiff(lambda v: ops.sum(v * ops.stop_gradient(v)), x), [1.0, 2.0])
