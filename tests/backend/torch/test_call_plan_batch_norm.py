"""The call plan's BatchNormalization kernel (cornu/backend/torch/call_plan_kernels.py): the same
bits as the layer's own call, moving statistics followed after updates, gradients under autograd,
and the in-place form used only on a convolution's output that nothing else reads."""

import numpy as np
import pytest

from cornu import backend

if backend.backend() != "torch":
    pytest.skip("the call plan is the torch backend's (CORNU_BACKEND=torch)", allow_module_level=True)

import torch  # noqa: E402

import cornu  # noqa: E402
from cornu import layers  # noqa: E402
from cornu.backend.torch import call_plan  # noqa: E402
from tests.backend.torch.test_call_plan import _numpy, _plain  # noqa: E402

RNG = np.random.default_rng(5)


def _randomize(model):
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            values = []
            for variable in layer.weights:
                shape = tuple(variable.shape)
                if "variance" in variable.path:
                    values.append(RNG.uniform(0.2, 2.0, size=shape).astype("float32"))
                else:
                    values.append(RNG.normal(size=shape).astype("float32"))
            layer.set_weights(values)
    return model


def _residual_model():
    """conv -> BN (private input: in place) ; conv -> [BN, add] (two readers) ; BN on the input and
    as the output (never in place)."""
    inputs = cornu.Input((6, 6, 4))
    normalized_input = layers.BatchNormalization(name="bn_input")(inputs)
    a = layers.Conv2D(4, 3, padding="same", name="conv_a")(normalized_input)
    a = layers.BatchNormalization(name="bn_private")(a)
    b = layers.Conv2D(4, 1, name="conv_b")(a)
    shared = layers.BatchNormalization(name="bn_shared")(b)
    joined = layers.Add()([shared, b])
    outputs = layers.BatchNormalization(axis=1, center=False, name="bn_output")(joined)
    return _randomize(cornu.Model(inputs, outputs))


def _images():
    return torch.from_numpy(RNG.normal(size=(3, 6, 6, 4)).astype("float32"))


def _planned_calls(model, x, calls=3):
    return [_numpy(model(x, training=False)) for _ in range(calls)]


@pytest.mark.parametrize("mode", ["no_grad", "inference_mode", "autograd"])
def test_same_bits_as_the_plain_call(mode):
    model = _residual_model()
    x = _images()
    original = x.clone()
    context = {"no_grad": torch.no_grad, "inference_mode": torch.inference_mode,
               "autograd": torch.enable_grad}[mode]
    with context():
        expected = _numpy(_plain(lambda: model(x, training=False)))
        for outputs in _planned_calls(model, x):
            np.testing.assert_array_equal(outputs, expected)
    assert torch.equal(x, original)  # the user's input is never written to


def test_the_kernel_and_its_in_place_form_run_where_allowed(monkeypatch):
    model = _residual_model()
    used = []
    original = call_plan.kernel_for

    def recording_kernel_for(layer):
        run = original(layer)
        if run is None or not hasattr(run, "in_place"):
            return run

        def counted(x, training, _run=run):
            used.append((layer.name, "copy"))
            return _run(x, training)

        def counted_in_place(x, training, _run=run.in_place):
            used.append((layer.name, "in_place"))
            return _run(x, training)

        counted.in_place = counted_in_place
        return counted

    monkeypatch.setattr(call_plan, "kernel_for", recording_kernel_for)
    x = _images()
    with torch.no_grad():
        _planned_calls(model, x, calls=2)
    assert sorted(set(used)) == [("bn_input", "copy"), ("bn_output", "copy"), ("bn_private", "in_place"),
                                 ("bn_shared", "copy")]
    used.clear()
    _planned_calls(model, x, calls=1)  # with autograd on, never in place
    assert all(kind == "copy" for _, kind in used) and len(used) == 4


def test_moving_statistics_updates_are_followed():
    model = _residual_model()
    x = _images()
    with torch.no_grad():
        _planned_calls(model, x)
        layer = model.get_layer("bn_private")
        layer.moving_mean.assign(layer.moving_mean.numpy() + 0.75)
        layer.gamma.value.mul_(-2.0)  # in place, as an optimizer step
        expected = _numpy(_plain(lambda: model(x, training=False)))
        np.testing.assert_array_equal(_numpy(model(x, training=False)), expected)


def test_gradients_reach_gamma_and_beta_in_inference_calls():
    model = _residual_model()
    x = _images()
    _planned_calls(model, x, calls=2)
    model(x, training=False).sum().backward()
    layer = model.get_layer("bn_private")
    planned = [layer.gamma.value.grad.clone(), layer.beta.value.grad.clone()]
    for variable in model.trainable_weights:
        variable.value.grad = None
    _plain(lambda: model(x, training=False).sum().backward())
    np.testing.assert_allclose(planned[0].numpy(), layer.gamma.value.grad.numpy(), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(planned[1].numpy(), layer.beta.value.grad.numpy(), rtol=1e-6, atol=1e-6)
    assert float(planned[0].abs().sum()) > 0


def test_training_uses_the_batch_statistics_not_the_kernel():
    model = _randomize(cornu.Sequential([cornu.Input((6, 6, 4)), layers.Conv2D(4, 1, name="conv"),
                                         layers.BatchNormalization(name="bn")]))
    x = _images()
    for _ in range(3):
        outputs = _numpy(model(x, training=True))
    layer = model.get_layer("bn")
    conv = model.get_layer("conv")
    h = x.numpy() @ conv.kernel.numpy()[0, 0] + conv.bias.numpy()
    mean, variance = h.mean(axis=(0, 1, 2)), h.var(axis=(0, 1, 2))
    expected = (h - mean) / np.sqrt(variance + layer.epsilon) * layer.gamma.numpy() + layer.beta.numpy()
    np.testing.assert_allclose(outputs, expected, rtol=1e-4, atol=1e-4)
