"""The backends' fused LSTM/GRU kernels (torch ``_VF.lstm``/``_VF.gru``, JAX's projected scan) give the
numbers and gradients of the step-by-step cell loop; configurations they cannot run fall back."""

import numpy as np
import pytest

import cornu
from cornu import backend

from tests.helpers.layer_compare import to_numpy
from tests.helpers.rnn_compare import random_weights, sequences

RIGHT_PADDED = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 1, 0, 0, 0]], dtype=bool)
LEFT_PADDED = np.array([[1, 1, 1, 1, 1], [0, 0, 1, 1, 1], [0, 1, 1, 1, 1]], dtype=bool)
HAS_FUSED = backend.backend() in ("jax", "torch")


def _twin_layers(name, weight_seed=0, **kwargs):
    """The same layer twice with the same weights: one may use the fused kernel, one never does."""
    fused = getattr(cornu.layers, name)(3, **kwargs)
    loop = getattr(cornu.layers, name)(3, use_cudnn=False, **kwargs)
    fused.build((None, 5, 4))
    loop.build((None, 5, 4))
    weights = random_weights(fused, seed=weight_seed, scale=0.6)
    fused.set_weights(weights)
    loop.set_weights(weights)
    return fused, loop


def _fused_call(layer, x, mask=None, initial_state=None):
    """Calls the backend's fused kernel directly (no fallback), as the layer would."""
    cell = layer.cell
    if initial_state is None:
        initial_state = layer.get_initial_state(x.shape[0])
    common = dict(kernel=cell.kernel, recurrent_kernel=cell.recurrent_kernel, bias=cell.bias,
                  activation=cell.activation, recurrent_activation=cell.recurrent_activation,
                  return_sequences=layer.return_sequences, go_backwards=layer.go_backwards, unroll=layer.unroll,
                  zero_output_for_mask=layer.zero_output_for_mask)
    x = backend.convert_to_tensor(x)
    states = [backend.convert_to_tensor(s) for s in initial_state]
    if isinstance(layer, cornu.layers.LSTM):
        return backend.rnn.lstm(x, states[0], states[1], mask, **common)
    return backend.rnn.gru(x, states[0], mask, reset_after=cell.reset_after, **common)


CASES = [
    ("LSTM", {}),
    ("LSTM", {"return_sequences": True, "go_backwards": True}),
    ("LSTM", {"use_bias": False, "return_sequences": True}),
    ("GRU", {"return_sequences": True}),
    ("GRU", {"go_backwards": True}),
    ("GRU", {"use_bias": False, "return_sequences": True}),
]


def _ids(case):
    return case[0] + "".join(f"-{k}={v}" for k, v in case[1].items())


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_fused_kernel_equals_the_cell_loop(case):
    name, kwargs = case
    fused, loop = _twin_layers(name, return_state=True, **kwargs)
    x = sequences((3, 5, 4))
    states = [sequences((3, 3), seed=30 + i) for i in range(2 if name == "LSTM" else 1)]
    expected = [to_numpy(t) for t in loop(x, initial_state=states)]
    if not HAS_FUSED:
        with pytest.raises(NotImplementedError):
            _fused_call(fused, x, initial_state=states)
    else:
        last, outputs, final_states = _fused_call(fused, x, initial_state=states)
        np.testing.assert_allclose(to_numpy(outputs if fused.return_sequences else last), expected[0], atol=1e-5)
        for ours, theirs in zip(final_states, expected[1:]):
            np.testing.assert_allclose(to_numpy(ours), theirs, atol=1e-5)
    for ours, theirs in zip(fused(x, initial_state=states), expected):
        np.testing.assert_allclose(to_numpy(ours), theirs, atol=1e-5)


@pytest.mark.parametrize("zero_output_for_mask", [False, True])
@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_torch_fused_kernel_runs_right_padded_masks_as_packed_sequences(name, zero_output_for_mask):
    fused, loop = _twin_layers(name, return_sequences=True, return_state=True)
    fused.zero_output_for_mask = loop.zero_output_for_mask = zero_output_for_mask
    x = sequences((3, 5, 4))
    expected = [to_numpy(t) for t in loop(x, mask=RIGHT_PADDED)]
    if backend.backend() == "torch":
        _, outputs, final_states = _fused_call(fused, x, mask=backend.convert_to_tensor(RIGHT_PADDED))
        for ours, theirs in zip([outputs, *final_states], expected):
            np.testing.assert_allclose(to_numpy(ours), theirs, atol=1e-5)
    for ours, theirs in zip(fused(x, mask=RIGHT_PADDED), expected):
        np.testing.assert_allclose(to_numpy(ours), theirs, atol=1e-5)


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_masks_the_fused_kernel_cannot_run_fall_back_to_the_loop(name):
    fused, loop = _twin_layers(name, return_sequences=True)
    x = sequences((3, 5, 4))
    with pytest.raises(NotImplementedError):
        _fused_call(fused, x, mask=backend.convert_to_tensor(LEFT_PADDED))
    np.testing.assert_allclose(to_numpy(fused(x, mask=LEFT_PADDED)), to_numpy(loop(x, mask=LEFT_PADDED)), atol=1e-6)


def test_configurations_without_a_fused_kernel_fall_back_or_raise_with_use_cudnn_true():
    x = sequences((2, 5, 4))
    for kwargs in ({"unroll": True}, {"recurrent_dropout": 0.5}):
        auto = cornu.layers.LSTM(3, **kwargs)
        assert tuple(auto(x).shape) == (2, 3)
        forced = cornu.layers.LSTM(3, use_cudnn=True, **kwargs)
        with pytest.raises(ValueError, match="use_cudnn='auto'"):
            forced(x, training=True)
    with pytest.raises(ValueError, match="use_cudnn"):
        cornu.layers.GRU(3, use_cudnn="yes")


@pytest.mark.skipif(backend.backend() != "torch", reason="torch's GRU kernel is the reset_after=True form only")
def test_torch_gru_reset_before_and_custom_activations_are_not_fused():
    plain, _ = _twin_layers("GRU", reset_after=False)
    with pytest.raises(NotImplementedError):
        _fused_call(plain, sequences((2, 5, 4)))
    relu, _ = _twin_layers("LSTM", activation="relu")
    with pytest.raises(NotImplementedError):
        _fused_call(relu, sequences((2, 5, 4)))


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_input_dropout_is_the_same_on_the_fused_kernel_and_the_loop(name):
    fused, loop = _twin_layers(name, return_sequences=True, dropout=0.5, seed=7)
    x = sequences((3, 5, 4))
    np.testing.assert_allclose(to_numpy(fused(x, training=True)), to_numpy(loop(x, training=True)), atol=1e-5)


def _gradients(layer, x, mask=None):
    """d(sum(outputs * probe)) / d(trainable weights, inputs), on the current backend."""
    probe = np.random.default_rng(5).normal(size=(x.shape[0], x.shape[1], layer.units)).astype("float32")
    if backend.backend() == "jax":
        import jax

        def loss(trainable, inputs):
            out, _ = layer.stateless_call(trainable, [v.value for v in layer.non_trainable_variables], inputs,
                                          mask=mask)
            return (out * probe).sum()

        weights, inputs = jax.grad(loss, argnums=(0, 1))([v.value for v in layer.trainable_variables], x)
        return [np.asarray(g) for g in weights] + [np.asarray(inputs)]
    if backend.backend() == "tensorflow":
        import tensorflow as tf

        inputs = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            loss = tf.reduce_sum(layer(inputs, mask=mask) * probe)
        grads = tape.gradient(loss, [v.value for v in layer.trainable_variables] + [inputs])
        return [np.asarray(g) for g in grads]
    import torch

    inputs = torch.tensor(x, requires_grad=True)
    loss = (layer(inputs, mask=mask) * torch.tensor(probe)).sum()
    grads = torch.autograd.grad(loss, [v.value for v in layer.trainable_variables] + [inputs])
    return [g.numpy() for g in grads]


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("masked", [False, True], ids=["no_mask", "right_padded"])
@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_fused_kernel_gradients_equal_the_loop_gradients(name, masked):
    fused, loop = _twin_layers(name, return_sequences=True)
    x = sequences((3, 5, 4))
    mask = RIGHT_PADDED if masked else None
    for ours, theirs in zip(_gradients(fused, x, mask), _gradients(loop, x, mask)):
        np.testing.assert_allclose(ours, theirs, atol=1e-5)
