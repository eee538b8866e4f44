"""The call plan's convolution and max-pooling kernels (cornu/backend/torch/call_plan_kernels.py):
the stored torch-layout kernel used without autograd follows weight updates, and the pooling
kernel gives the layer's numbers in every rank, padding and data format."""

import numpy as np
import pytest

from cornu import backend

if backend.backend() != "torch":
    pytest.skip("the call plan is the torch backend's (CORNU_BACKEND=torch)", allow_module_level=True)

import torch  # noqa: E402

import cornu  # noqa: E402
from cornu import layers  # noqa: E402
from tests.backend.torch.test_call_plan import _compare, _numpy, _plain, kernel_runs  # noqa: E402, F401

RNG = np.random.default_rng(2)


def _floats(*shape):
    return torch.from_numpy(RNG.normal(size=shape).astype("float32"))


def _conv_model():
    return cornu.Sequential([cornu.Input((6, 6, 2)), layers.Conv2D(3, 3, activation="relu"),
                             layers.Conv2D(2, 2, padding="same"), layers.Flatten(), layers.Dense(2)])


def test_convolutions_without_autograd_follow_weight_updates():
    model = _conv_model()
    conv = model.layers[0]
    x = _floats(2, 6, 6, 2)
    with torch.no_grad():
        _compare(model, x)
        conv.kernel.assign(conv.kernel.numpy() * -1.5)  # a new value: the stored copy is stale
        _compare(model, x)
        conv.kernel.value.mul_(0.5)  # in place, as an optimizer step
        _compare(model, x)
    with torch.inference_mode():
        _compare(model, x)
    expected = np.maximum(_numpy(_plain(lambda: conv(x))), 0)
    np.testing.assert_allclose(_numpy(conv(x)), expected, rtol=1e-5, atol=1e-6)
    _compare(model, x)  # with autograd again: gradients reach the variables
    model(x).sum().backward()
    assert conv.kernel.value.grad is not None and float(conv.kernel.value.grad.abs().sum()) > 0


def test_frozen_convolutions_after_inference_mode_give_input_gradients():
    model = _conv_model()
    model.trainable = False
    x = _floats(2, 6, 6, 2)
    with torch.inference_mode():
        _compare(model, x)
    inputs = x.clone().requires_grad_()
    model(inputs).sum().backward()
    planned = inputs.grad.clone()
    inputs.grad = None
    _plain(lambda: model(inputs).sum().backward())
    np.testing.assert_allclose(planned.numpy(), inputs.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_predict_matches_after_fit():
    model = _conv_model()
    model.compile(optimizer=cornu.optimizers.Adam(learning_rate=0.05), loss="mse")
    x, y = RNG.normal(size=(4, 6, 6, 2)).astype("float32"), RNG.normal(size=(4, 2)).astype("float32")
    for _ in range(2):
        before = model.predict(x, verbose=0)
        model.fit(x, y, epochs=1, batch_size=2, verbose=0)
        after = model.predict(x, verbose=0)
        assert not np.allclose(before, after)
        np.testing.assert_allclose(after, _plain(lambda: model.predict(x, verbose=0)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("pool, shape", [(layers.MaxPooling1D, (7, 3)), (layers.MaxPooling2D, (7, 6, 3)),
                                         (layers.MaxPooling3D, (5, 4, 6, 3))])
def test_max_pooling_matches(pool, shape, data_format):
    for kwargs in ({"pool_size": 2}, {"pool_size": 3, "strides": 1}, {"pool_size": 2, "padding": "same"}):
        model = cornu.Sequential([cornu.Input(shape), pool(data_format=data_format, **kwargs)])
        x = _floats(2, *shape)
        out = _compare(model, x)
        if data_format == "channels_last" and pool is layers.MaxPooling1D and kwargs == {"pool_size": 2}:
            reference = x.numpy()[:, :6].reshape(2, 3, 2, 3).max(axis=2)
            np.testing.assert_allclose(_numpy(out), reference, rtol=1e-6)


def test_embedding_ids_outside_the_table_take_the_full_call():
    tokens = cornu.Input((4,), dtype="int32")
    model = cornu.Model(tokens, layers.Embedding(6, 3)(tokens))
    table = model.layers[1].embeddings.numpy()
    for dtype in (torch.int32, torch.int64):
        ids = torch.tensor([[0, 5, 2, 2], [1, 1, 4, 3]], dtype=dtype)
        np.testing.assert_array_equal(_numpy(_compare(model, ids)), table[ids.numpy()])
    negative = torch.tensor([[-1, 0, 2, -6], [1, 1, 4, 3]], dtype=torch.int32)  # wrapped by the layer's take
    np.testing.assert_array_equal(_numpy(model(negative)), _numpy(_plain(lambda: model(negative))))
    outside = torch.tensor([[0, 6, 1, 1], [0, 0, 0, 0]], dtype=torch.int32)
    with pytest.raises(ValueError, match="out of range"):
        _plain(lambda: model(outside))
    with pytest.raises(ValueError, match="out of range"):  # the layer's own error
        model(outside)


@pytest.mark.parametrize("axis", [-1, [1, 2], 1])
def test_layer_normalization_axes_match(axis, kernel_runs):
    model = cornu.Sequential([cornu.Input((4, 5)), layers.LayerNormalization(axis=axis, epsilon=1e-3)])
    ln = model.layers[0]
    ln.gamma.assign(RNG.normal(size=ln.gamma.shape).astype("float32"))
    ln.beta.assign(RNG.normal(size=ln.beta.shape).astype("float32"))
    x = _floats(3, 4, 5)
    out = _numpy(_compare(model, x))
    axes = tuple(np.atleast_1d(axis) % 3)
    mean, var = x.numpy().mean(axes, keepdims=True), x.numpy().var(axes, keepdims=True)
    gamma = ln.gamma.numpy().reshape([x.shape[a] if a in axes else 1 for a in range(3)])
    beta = ln.beta.numpy().reshape(gamma.shape)
    np.testing.assert_allclose(out, (x.numpy() - mean) / np.sqrt(var + 1e-3) * gamma + beta, rtol=1e-4, atol=1e-5)
    assert kernel_runs[ln.name] == (0 if axis == 1 else 1)  # a leading axis: the layer's call


def test_embedding_and_pooling_run_their_kernels(kernel_runs):
    tokens = cornu.Input((4,), dtype="int32")
    embedding = layers.Embedding(6, 3)
    model = cornu.Model(tokens, layers.MaxPooling1D(2)(embedding(tokens)))
    _compare(model, torch.tensor([[0, 5, 2, 2], [1, 1, 4, 3]], dtype=torch.int32))
    assert [kernel_runs[layer.name] for layer in model.layers[1:]] == [1, 1]


@pytest.mark.parametrize("padding, strides, multiplier, dilation, data_format", [
    ("same", 1, 1, 1, "channels_last"), ("valid", 2, 2, 1, "channels_last"), ("same", 1, 2, 2, "channels_last"),
    ("same", 1, 1, 1, "channels_first"), ("valid", 1, 3, 1, "channels_first")])
def test_depthwise_convolutions_run_their_kernel_with_the_layer_numbers(padding, strides, multiplier, dilation,
                                                                        data_format, kernel_runs):
    shape = (7, 8, 3) if data_format == "channels_last" else (3, 7, 8)
    depthwise = layers.DepthwiseConv2D(3, strides=strides, padding=padding, depth_multiplier=multiplier,
                                       dilation_rate=dilation, data_format=data_format, activation="relu",
                                       bias_initializer="random_normal")
    model = cornu.Sequential([cornu.Input(shape), depthwise])
    x = _floats(2, *shape)
    with torch.no_grad():
        out = _numpy(_compare(model, x))
    assert kernel_runs[depthwise.name] == 1
    # NumPy reference: channel c * multiplier + m is input channel c through kernel[..., c, m].
    xs = x.numpy() if data_format == "channels_last" else x.numpy().transpose(0, 2, 3, 1)
    kernel, bias = depthwise.kernel.numpy(), depthwise.bias.numpy()
    if padding == "same":
        xs = np.pad(xs, ((0, 0), (dilation, dilation), (dilation, dilation), (0, 0)))
    rows = (xs.shape[1] - 2 * dilation - 1) // strides + 1
    cols = (xs.shape[2] - 2 * dilation - 1) // strides + 1
    expected = np.zeros((2, rows, cols, 3 * multiplier), "float32")
    for i in range(3):
        for j in range(3):
            patch = xs[:, i * dilation:i * dilation + (rows - 1) * strides + 1:strides,
                       j * dilation:j * dilation + (cols - 1) * strides + 1:strides, :]
            expected += (patch[..., :, None] * kernel[i, j]).reshape(2, rows, cols, -1)
    expected = np.maximum(expected + bias, 0)
    if data_format == "channels_first":
        expected = expected.transpose(0, 3, 1, 2)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_channels_last_convolutions_keep_a_channels_last_kernel(kernel_runs):
    model = _conv_model()
    x = _floats(2, 6, 6, 2)
    seen = []
    original = torch.nn.functional.conv2d

    def recording(inputs, weight, *args, **kwargs):
        seen.append(weight.is_contiguous(memory_format=torch.channels_last))
        return original(inputs, weight, *args, **kwargs)

    import cornu.backend.torch.call_plan_kernels as kernels

    kernels._CONV[2] = recording  # read when the plan makes each layer's kernel
    try:
        with torch.no_grad():
            _compare(model, x)
    finally:
        kernels._CONV[2] = original
    assert kernel_runs[model.layers[0].name] == 1
    assert seen and all(seen)  # torch's NHWC path needs the weight in the same memory format
