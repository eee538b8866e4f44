"""The torch call plan (cornu/backend/torch/call_plan.py) gives the plain eager call's outputs,
gradients, masks and variable updates, and follows models that change after their first call."""

import collections

import numpy as np
import pytest

from cornu import backend

if backend.backend() != "torch":
    pytest.skip("the call plan is the torch backend's (CORNU_BACKEND=torch)", allow_module_level=True)

import torch  # noqa: E402

import cornu  # noqa: E402
from cornu import layers  # noqa: E402
from cornu.backend.torch import call_plan  # noqa: E402

RNG = np.random.default_rng(0)


def _plain(fn):
    call_plan.ENABLED[0] = False
    try:
        return fn()
    finally:
        call_plan.ENABLED[0] = True


def _numpy(tree):
    if isinstance(tree, dict):
        return {k: _numpy(v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return [_numpy(v) for v in tree]
    return tree.detach().cpu().numpy()


def _assert_same(planned, plain, atol=1e-6):
    planned, plain = _numpy(planned), _numpy(plain)
    if isinstance(plain, dict):
        assert sorted(planned) == sorted(plain)
        for key in plain:
            np.testing.assert_allclose(planned[key], plain[key], rtol=1e-5, atol=atol)
    elif isinstance(plain, list):
        assert isinstance(planned, list) and len(planned) == len(plain)
        for a, b in zip(planned, plain):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=atol)
    else:
        np.testing.assert_allclose(planned, plain, rtol=1e-5, atol=atol)


def _compare(model, x, **kwargs):
    """Plain call, then two planned calls (the first lets each layer's full call accept the
    input, the second runs the kernels); returns the second planned outputs."""
    expected = _plain(lambda: model(x, **kwargs))
    model(x, **kwargs)
    outputs = model(x, **kwargs)
    _assert_same(outputs, expected)
    return outputs


@pytest.fixture
def kernel_runs(monkeypatch):
    """Counts, per layer name, the calls the plan answered with the layer's torch kernel."""
    counts = collections.Counter()
    original = call_plan.kernel_for

    def counting_kernel_for(layer):
        run = original(layer)
        if run is None:
            return None

        def counted(x, training):
            outputs = run(x, training)
            if outputs is not call_plan.NOT_HANDLED:
                counts[layer.name] += 1
            return outputs

        return counted

    monkeypatch.setattr(call_plan, "kernel_for", counting_kernel_for)
    return counts


def _images(shape=(3, 8, 8, 2)):
    return torch.from_numpy(RNG.normal(size=shape).astype("float32"))


def test_dense_stack_matches_and_runs_the_kernels(kernel_runs):
    model = cornu.Sequential([cornu.Input((5,)), layers.Dense(4, activation="relu"), layers.Dense(3),
                              layers.Dense(2, activation="tanh", use_bias=False)])
    x = torch.from_numpy(RNG.normal(size=(6, 5)).astype("float32"))
    _compare(model, x)
    assert [kernel_runs[layer.name] for layer in model.layers] == [1, 1, 1]
    first, second, third = model.layers
    hidden = np.maximum(x.numpy() @ first.kernel.numpy() + first.bias.numpy(), 0)
    hidden = hidden @ second.kernel.numpy() + second.bias.numpy()
    np.testing.assert_allclose(_numpy(model(x)), np.tanh(hidden @ third.kernel.numpy()), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_convolutions_and_pooling_match(data_format, kernel_runs):
    shape = (3, 9, 9, 2) if data_format == "channels_last" else (3, 2, 9, 9)
    model = cornu.Sequential([
        cornu.Input(shape[1:]),
        layers.Conv2D(4, 3, activation="relu", data_format=data_format),
        layers.Conv2D(3, 3, padding="same", strides=1, data_format=data_format),
        layers.Conv2D(2, 2, padding="same", strides=2, data_format=data_format),  # asymmetric: full call
        layers.MaxPooling2D(2, data_format=data_format),
        layers.AveragePooling2D(1, data_format=data_format),
        layers.Flatten(data_format=data_format),
        layers.Dense(3),
    ])
    _compare(model, _images(shape))
    flatten = 1 if data_format == "channels_last" else 0  # channels-first Flatten transposes: full call
    assert [kernel_runs[layer.name] for layer in model.layers] == [1, 1, 0, 1, 1, flatten, 1]


def test_conv1d_and_sequence_layers_match():
    model = cornu.Sequential([cornu.Input((7, 3)), layers.Conv1D(4, 3, padding="same"),
                              layers.LayerNormalization(), layers.GlobalAveragePooling1D(), layers.Dense(2)])
    _compare(model, torch.from_numpy(RNG.normal(size=(2, 7, 3)).astype("float32")))


@pytest.mark.parametrize("return_sequences", [False, True])
def test_embedding_lstm_matches(return_sequences, kernel_runs):
    tokens = cornu.Input((6,), dtype="int32")
    h = layers.Embedding(11, 4)(tokens)
    h = layers.LSTM(5, return_sequences=return_sequences)(h)
    model = cornu.Model(tokens, layers.Dense(2)(h))
    x = torch.from_numpy(RNG.integers(0, 11, size=(3, 6)).astype("int32"))
    _compare(model, x)
    assert [kernel_runs[layer.name] for layer in model.layers[1:]] == [1, 1, 1]


def test_masks_take_the_full_call_and_match():
    tokens = cornu.Input((6,), dtype="int32")
    h = layers.Embedding(11, 4, mask_zero=True)(tokens)
    h = layers.LSTM(5, return_sequences=True)(h)
    h = layers.Dense(3)(h)
    pooled = layers.GlobalAveragePooling1D()(h)
    model = cornu.Model(tokens, [h, pooled])
    x = np.array([[3, 4, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6], [7, 0, 0, 0, 0, 0]], "int32")
    outputs = _compare(model, torch.from_numpy(x))
    expected = _plain(lambda: model(torch.from_numpy(x)))
    np.testing.assert_array_equal(_numpy(backend.get_keras_mask(outputs[0])),
                                  _numpy(backend.get_keras_mask(expected[0])))


def test_training_flag_dropout_and_batch_normalization():
    model = cornu.Sequential([cornu.Input((4,)), layers.Dense(8), layers.BatchNormalization(),
                              layers.Dropout(0.5), layers.Dense(2)])
    x = torch.from_numpy(RNG.normal(size=(16, 4)).astype("float32"))
    model(x, training=True)  # moving statistics away from their initial values
    for training in (None, False):
        _compare(model, x, training=training)
    before = [v.numpy().copy() for v in model.variables]
    expected = _plain(lambda: model(x, training=True))
    expected_state = [v.numpy().copy() for v in model.variables]
    for variable, value in zip(model.variables, before):
        variable.assign(value)
    outputs = model(x, training=True)
    _assert_same(outputs, expected)
    for variable, value in zip(model.variables, expected_state):
        np.testing.assert_allclose(variable.numpy(), value, rtol=1e-6, atol=1e-6)
    assert not np.allclose(_numpy(outputs), _numpy(model(x, training=False)))  # dropout and batch statistics ran


def test_gradients_match():
    model = cornu.Sequential([cornu.Input((3, 3, 1)), layers.Conv2D(2, 2, activation="relu"), layers.Flatten(),
                              layers.Dense(2)])
    x = _images((4, 3, 3, 1))

    def grads():
        model.zero_grad()
        (model(x) ** 2).sum().backward()
        return [v.value.grad.clone() for v in model.trainable_variables]

    expected = _plain(grads)
    grads()
    for got, want in zip(grads(), expected):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)


def test_changes_after_the_first_call_are_seen():
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(4), layers.Dense(2)])
    x = torch.from_numpy(RNG.normal(size=(2, 3)).astype("float32"))
    _compare(model, x)
    model.layers[0].activation = cornu.activations.get("relu")  # a setting read on every call
    _compare(model, x)
    model.layers[1].kernel.assign(np.ones((4, 2), "float32"))
    out = _compare(model, x)
    np.testing.assert_allclose(_numpy(out)[:, 0], _numpy(out)[:, 1], rtol=1e-6)
    model.add(layers.Dense(5))  # a new layer: the plan is rebuilt
    assert tuple(_compare(model, x).shape) == (2, 5)
    model.pop()
    assert tuple(_compare(model, x).shape) == (2, 2)
    model.layers[0].activity_regularizer = cornu.regularizers.L2(0.1)
    model(x)
    assert len(model.losses) == 1  # the regularized layer ran its full call


def test_nested_models_multiple_inputs_outputs_and_dicts():
    inner = cornu.Sequential([cornu.Input((4,)), layers.Dense(4, activation="relu")], name="inner")
    a = cornu.Input((3,), name="a")
    b = cornu.Input((4,), name="b")
    h = layers.Concatenate()([layers.Dense(4)(a), inner(b)])
    model = cornu.Model({"a": a, "b": b}, {"sum": layers.Dense(1)(h), "features": h})
    x = {"a": torch.from_numpy(RNG.normal(size=(2, 3)).astype("float32")),
         "b": torch.from_numpy(RNG.normal(size=(2, 4)).astype("float32"))}
    outputs = _compare(model, x)
    assert sorted(outputs) == ["features", "sum"]
    lists = cornu.Model([a, b], [layers.Dense(2)(h), h])
    _compare(lists, [x["a"], x["b"]])


def test_inputs_the_plan_does_not_take_run_the_plain_path():
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(2)])
    x = RNG.normal(size=(2, 3))
    _compare(model, x)  # float64 NumPy: converted by the plain path
    _compare(model, torch.from_numpy(x))  # float64 tensor: cast by the plain path
    with pytest.raises(ValueError, match="incompatible"):
        model(torch.zeros((2, 4)))


def test_predict_and_stateless_call_match():
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(2)])
    x = RNG.normal(size=(10, 3)).astype("float32")
    expected = _plain(lambda: model.predict(x, batch_size=4, verbose=0))
    np.testing.assert_allclose(model.predict(x, batch_size=4, verbose=0), expected, rtol=1e-6)
    values = [v.value * 2 for v in model.trainable_variables]
    outputs, _ = model.stateless_call(values, [], torch.from_numpy(x))
    doubled = _plain(lambda: model.stateless_call(values, [], torch.from_numpy(x))[0])
    _assert_same(outputs, doubled)


def test_binary_ops_between_graph_tensors_match():
    a, b = cornu.Input((3,)), cornu.Input((3,))
    floats = cornu.Model([a, b], [a + b, a * b, a - b])
    x = [torch.from_numpy(RNG.normal(size=(2, 3)).astype("float32")) for _ in range(2)]
    outputs = _compare(floats, x)
    np.testing.assert_allclose(_numpy(outputs[2]), x[0].numpy() - x[1].numpy(), rtol=1e-6)
    i, j = cornu.Input((3,), dtype="int32"), cornu.Input((3,), dtype="bool")
    mixed = cornu.Model([i, j], i + j)  # int + bool: cornu's promotion, through the op
    _compare(mixed, [torch.tensor([[1, 2, 3]], dtype=torch.int32), torch.tensor([[True, False, True]])])


def test_lstm_without_autograd_follows_weight_updates():
    tokens = cornu.Input((5,), dtype="int32")
    lstm = layers.LSTM(4)
    model = cornu.Model(tokens, lstm(layers.Embedding(9, 3)(tokens)))
    x = torch.from_numpy(RNG.integers(0, 9, size=(2, 5)).astype("int32"))
    with torch.no_grad():
        _compare(model, x)
        lstm.cell.kernel.assign(lstm.cell.kernel.numpy() * 2)  # in place: the cached copies are stale
        _compare(model, x)
    with torch.inference_mode():
        _compare(model, x)
    np.testing.assert_allclose(_numpy(model(x)), _numpy(_plain(lambda: model(x))), rtol=1e-5, atol=1e-6)


def test_lstm_gradients_and_updates_between_calls_match():
    tokens = cornu.Input((5,), dtype="int32")
    lstm = layers.LSTM(4, return_sequences=True)
    model = cornu.Model(tokens, layers.Dense(2)(lstm(layers.Embedding(9, 3)(tokens))))
    x = torch.from_numpy(RNG.integers(0, 9, size=(2, 5)).astype("int32"))

    def grads():
        model.zero_grad()
        (model(x) ** 2).sum().backward()
        return [v.value.grad.clone() for v in model.trainable_variables]

    for _ in range(2):
        expected = _plain(grads)
        grads()
        for got, want in zip(grads(), expected):
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
        with torch.no_grad():  # an optimizer-like in-place update: the stored copies follow
            lstm.cell.recurrent_kernel.value.sub_(0.1 * lstm.cell.recurrent_kernel.value.grad)


def test_lstm_follows_the_fused_adam_updates_of_fit():
    """``torch._fused_adam_`` writes weights in place without bumping their version counters;
    the optimizer bumps them, so the stored LSTM weights never go stale after a ``fit`` step."""
    tokens = cornu.Input((5,), dtype="int32")
    model = cornu.Model(tokens, layers.Dense(2)(layers.LSTM(3)(layers.Embedding(20, 4)(tokens))))
    model.compile(optimizer=cornu.optimizers.Adam(learning_rate=1e-2),
                  loss=cornu.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = RNG.integers(0, 20, size=(4, 5)).astype("int32")
    y = RNG.integers(0, 2, size=(4,)).astype("int32")
    tensor = torch.from_numpy(x)
    for _ in range(3):
        model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
        _compare(model, tensor)
