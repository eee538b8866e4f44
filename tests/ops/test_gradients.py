"""Gradients of differentiable ops match central finite differences (jax and torch).

The autodiff call is the backend's own (``jax.grad`` / ``torch.autograd``), picked by
``cornu.backend.backend()``; that is fine inside tests.
"""

import numpy as np
import pytest

from cornu import backend, ops

pytestmark = pytest.mark.requires_trainable_backend

RNG = np.random.default_rng(0)
IMAGE = RNG.uniform(-1, 1, (1, 5, 5, 2)).astype("float32")
KERNEL = RNG.uniform(-1, 1, (3, 3, 2, 3)).astype("float32")
MATRIX = RNG.uniform(-1, 1, (3, 4)).astype("float32")
QKV = RNG.uniform(-1, 1, (1, 3, 2, 4)).astype("float32")

CASES = {
    "sin": (lambda x: ops.sum(ops.sin(x)), MATRIX),
    "exp_mean": (lambda x: ops.mean(ops.exp(x)), MATRIX),
    "sqrt": (lambda x: ops.sum(ops.sqrt(ops.abs(x) + 1.0)), MATRIX),
    "matmul": (lambda x: ops.sum(ops.matmul(x, ops.transpose(x)) ** 2), MATRIX),
    "softmax": (lambda x: ops.sum(ops.softmax(x) * ops.arange(4, dtype="float32")), MATRIX),
    "logsumexp": (lambda x: ops.sum(ops.logsumexp(x, axis=-1)), MATRIX),
    "norm": (lambda x: ops.norm(x), MATRIX),
    "erf": (lambda x: ops.sum(ops.erf(x)), MATRIX),
    "var": (lambda x: ops.sum(ops.var(x, axis=0)), MATRIX),
    "cumsum": (lambda x: ops.sum(ops.cumsum(x, axis=1) ** 2), MATRIX),
    "take_along_axis": (lambda x: ops.sum(ops.take_along_axis(x, np.array([[1], [0], [3]], "int32"), axis=1) ** 2), MATRIX),
    "conv": (lambda x: ops.sum(ops.conv(x, KERNEL, padding="same") ** 2), IMAGE),
    "conv_transpose": (lambda x: ops.sum(ops.conv_transpose(x, KERNEL[..., :2], 2, "same") ** 2), IMAGE),
    "max_pool": (lambda x: ops.sum(ops.max_pool(x, 2, padding="same") ** 2), IMAGE),
    "average_pool": (lambda x: ops.sum(ops.average_pool(x, 2, padding="same") ** 2), IMAGE),
    "attention": (lambda x: ops.sum(ops.dot_product_attention(x, x, x, is_causal=True) ** 2), QKV),
    "resize": (lambda x: ops.sum(ops.image.resize(x, (3, 3)) ** 2), IMAGE),
}


def _autodiff(fn, x):
    if backend.backend() == "jax":
        import jax

        return np.asarray(jax.grad(lambda v: fn(v))(x))
    import torch

    t = torch.tensor(x, requires_grad=True)
    fn(t).backward()
    return t.grad.numpy()


def _numeric(fn, x, eps=1e-2):
    x = x.astype(np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += eps
        minus[i] -= eps
        f_plus = float(ops.convert_to_numpy(fn(plus.astype("float32"))))
        f_minus = float(ops.convert_to_numpy(fn(minus.astype("float32"))))
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_matches_finite_differences(name):
    fn, x = CASES[name]
    np.testing.assert_allclose(_autodiff(fn, x), _numeric(fn, x), rtol=3e-2, atol=3e-2, err_msg=name)


def test_custom_gradient_is_used():
    @ops.custom_gradient
    def scaled_identity(x):
        def grad(upstream):
            return upstream * 3.0

        return x * 1.0, grad

    x = np.array([1.0, 2.0], "float32")
    np.testing.assert_allclose(_autodiff(lambda v: ops.sum(scaled_identity(v)), x), [3.0, 3.0])
