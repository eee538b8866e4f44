"""``mkldnn_lstm``: oneDNN's LSTM kernels as an op ``torch.compile`` keeps whole. Its outputs and
gradients (through ``torch.func.grad``, as the compiled training step takes them) must be eager
``_VF.lstm``'s, with and without inductor's generated code around it."""

import numpy as np
import pytest

from cornu import backend

if backend.backend() != "torch":
    pytest.skip("torch's oneDNN LSTM kernels (CORNU_BACKEND=torch)", allow_module_level=True)

import torch  # noqa: E402
from torch import _VF  # noqa: E402

from cornu.backend.torch.mkldnn_lstm import mkldnn_lstm  # noqa: E402

if not torch.backends.mkldnn.is_available():
    pytest.skip("this torch build has no oneDNN", allow_module_level=True)

BATCH, TIME, FEATURES, UNITS = 3, 4, 5, 2


def _weights(with_bias):
    rng = np.random.default_rng(0)
    shapes = [(4 * UNITS, FEATURES), (4 * UNITS, UNITS)] + ([(4 * UNITS,), (4 * UNITS,)] if with_bias else [])
    return [torch.tensor(rng.standard_normal(s).astype("float32") * 0.5) for s in shapes]


def _inputs():
    rng = np.random.default_rng(1)
    x = torch.tensor(rng.standard_normal((BATCH, TIME, FEATURES)).astype("float32"))
    h = torch.tensor(rng.standard_normal((BATCH, UNITS)).astype("float32"))
    c = torch.tensor(rng.standard_normal((BATCH, UNITS)).astype("float32"))
    return x, h, c


def _loss(outputs, h, c):
    # Every output reaches the loss, so every gradient path of the kernel is exercised.
    return (outputs ** 2).sum() + (h * torch.arange(UNITS)).sum() + (c * 0.5).sum()


def _eager_gradients(params, x, h, c):
    params = [p.detach().requires_grad_() for p in params]
    with torch.enable_grad():
        outputs, h_out, c_out = _VF.lstm(x, (h[None], c[None]), params, len(params) == 4, 1, 0.0, True, False, True)
        return torch.autograd.grad(_loss(outputs, h_out[0], c_out[0]), params)


def _functional_gradients(params, x, h, c):
    return torch.func.grad(lambda p: _loss(*mkldnn_lstm(x * 1.0, h, c, p)))(params)


@pytest.mark.parametrize("with_bias", [True, False])
def test_outputs_and_gradients_are_eager_lstm(with_bias):
    params = _weights(with_bias)
    x, h, c = _inputs()
    outputs, h_out, c_out = mkldnn_lstm(x, h, c, params)
    expected = _VF.lstm(x, (h[None], c[None]), params, with_bias, 1, 0.0, False, False, True)
    np.testing.assert_allclose(outputs.numpy(), expected[0].numpy(), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(h_out.numpy(), expected[1][0].numpy(), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(c_out.numpy(), expected[2][0].numpy(), rtol=1e-6, atol=1e-6)
    for got, want in zip(_functional_gradients(params, x, h, c), _eager_gradients(params, x, h, c)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)


def test_inductor_keeps_the_kernels_and_their_numbers():
    """Inductor hands the kernels transposed views and recomputed inputs; the gradients must
    still be eager's (they were not, before the kernels made their inputs contiguous)."""
    params = _weights(True)
    x, h, c = _inputs()
    compiled = torch.compile(_functional_gradients, backend="inductor", fullgraph=True, dynamic=False)
    try:
        with torch.no_grad():
            got = compiled(params, x, h, c)
    finally:
        torch._dynamo.reset()
    for g, want in zip(got, _eager_gradients(params, x, h, c)):
        np.testing.assert_allclose(g.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
