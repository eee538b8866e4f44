"""Rematerialization: ``cornu.remat`` keeps values and gradients, ``RematScope`` picks the same
layers as Keras's rules, and a model trained under it ends where one trained without does."""

import numpy as np
import pytest

import cornu
from cornu import ops
from cornu.backend import config
from cornu.layers import remat as remat_module

from tests.helpers.ops.gradients import autodiff

X = np.random.RandomState(0).normal(size=(2, 16)).astype("float32")


def _expensive(x):
    return ops.sum(ops.tanh(x) * ops.sigmoid(x * 3.0) + ops.sin(x) ** 2)


@pytest.mark.requires_trainable_backend
def test_remat_keeps_values_and_gradients():
    checkpointed = cornu.remat(_expensive)
    np.testing.assert_allclose(ops.convert_to_numpy(checkpointed(X)), ops.convert_to_numpy(_expensive(X)),
                               rtol=1e-6)
    np.testing.assert_allclose(autodiff(checkpointed, X), autodiff(_expensive, X), rtol=1e-6, atol=1e-7)


@pytest.mark.requires_trainable_backend
def test_remat_really_recomputes_in_the_backward_pass():
    if config.backend() == "jax":
        import jax

        jaxpr = str(jax.make_jaxpr(jax.grad(cornu.remat(_expensive)))(X))
        assert "checkpoint" in jaxpr or "remat" in jaxpr
        plain = str(jax.make_jaxpr(jax.grad(_expensive))(X))
        assert "checkpoint" not in plain and "remat" not in plain
        return
    calls = []

    def counted(x):
        calls.append(1)
        return _expensive(x)

    if config.backend() == "tensorflow":
        import tensorflow as tf

        x = tf.constant(X)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = cornu.remat(counted)(x)
        tape.gradient(y, x)
    else:
        import torch

        x = torch.tensor(X, requires_grad=True)
        cornu.remat(counted)(x).backward()
    assert len(calls) == 2  # forward, then again in backward


def test_remat_passes_python_arguments_through():
    def scaled(x, factor, training=False):
        return x * factor if training else x

    np.testing.assert_allclose(ops.convert_to_numpy(cornu.remat(scaled)(X, 3.0, training=True)), X * 3.0,
                               rtol=1e-6)


def test_scope_validates_mode_and_nests():
    with pytest.raises(ValueError, match="Invalid mode"):
        cornu.RematScope(mode="everything")
    assert remat_module.get_current_remat_mode() is None
    with cornu.RematScope(mode="full"):
        with cornu.RematScope(mode="larger_than", output_size_threshold=10):
            assert remat_module.get_current_remat_mode() == ("larger_than", 10, [])
        assert remat_module.get_current_remat_mode().mode == "full"
    assert remat_module.get_current_remat_mode() is None


def _rematerialized_names(lib, remat_owner, monkeypatch, scope_kwargs, created_in_scope=True):
    """Which functions the remat rules wrap when small layers are called under ``scope_kwargs``."""
    wrapped = []
    original = remat_owner.remat

    def spy(f):
        owner = getattr(f, "__self__", None)
        wrapped.append(owner.name if owner is not None else f.__name__)
        return original(f)

    monkeypatch.setattr(remat_owner, "remat", spy)

    def make():
        return [lib.layers.Dense(64, activation="relu", name="big"), lib.layers.Dense(4, name="small"),
                lib.layers.Dense(3, activation="tanh", name="tiny")]

    if created_in_scope:
        with lib.RematScope(**scope_kwargs):
            layers = make()
    else:
        layers = make()
    x = X
    for layer in layers:
        x = layer(x)
    return sorted(wrapped)


SCOPES = [
    {"mode": "full"},
    {"mode": "activations"},
    {"mode": "larger_than", "output_size_threshold": 100},
    {"mode": "larger_than"},
    {"mode": "list_of_layers", "layer_names": ["small", "tiny"]},
    {"mode": None},
]


@pytest.mark.parametrize("scope_kwargs", SCOPES, ids=lambda s: f"{s['mode']}-{len(s)}")
def test_the_layers_rematerialized_are_those_keras_picks(keras_ref, monkeypatch, scope_kwargs):
    import importlib

    keras_remat = importlib.import_module("keras.src.backend.common.remat")
    ours = _rematerialized_names(cornu, remat_module, monkeypatch, scope_kwargs)
    theirs = _rematerialized_names(keras_ref, keras_remat, monkeypatch, scope_kwargs)
    assert ours == theirs


def test_the_scope_at_creation_counts_not_at_call(monkeypatch):
    assert _rematerialized_names(cornu, remat_module, monkeypatch, {"mode": "full"}, created_in_scope=False) == []


def test_layers_that_update_state_are_left_alone(monkeypatch):
    wrapped = []
    original = remat_module.remat
    monkeypatch.setattr(remat_module, "remat", lambda f: wrapped.append(f.__self__.name) or original(f))
    with cornu.RematScope(mode="full"):
        dropout = cornu.layers.Dropout(0.5, name="drop")
        norm = cornu.layers.BatchNormalization(name="norm")
        dense = cornu.layers.Dense(3, name="dense")
    dense(norm(dropout(X, training=True), training=True))
    assert wrapped == ["dense"]


def _trained_weights(scope_kwargs):
    cornu.utils.set_random_seed(7)
    data = np.random.RandomState(3)
    x, y = data.normal(size=(16, 8)).astype("float32"), data.normal(size=(16, 2)).astype("float32")
    if scope_kwargs is None:
        model = _mlp()
    else:
        with cornu.RematScope(**scope_kwargs):
            model = _mlp()
    model.set_weights([np.random.RandomState(i).normal(size=w.shape).astype("float32") * 0.3
                       for i, w in enumerate(model.get_weights())])
    model.compile(optimizer=cornu.optimizers.SGD(0.1), loss="mse")
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    return model.get_weights()


def _mlp():
    inputs = cornu.Input((8,))
    h = cornu.layers.Dense(32, activation="relu")(inputs)
    h = cornu.layers.Dense(16, activation="tanh")(h)
    return cornu.Model(inputs, cornu.layers.Dense(2)(h))


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("scope_kwargs", [{"mode": "full"}, {"mode": "activations"},
                                          {"mode": "larger_than", "output_size_threshold": 100}])
def test_training_under_remat_matches_training_without(scope_kwargs):
    reference = _trained_weights(None)
    for got, want in zip(_trained_weights(scope_kwargs), reference):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert not np.allclose(reference[0], np.random.RandomState(0).normal(size=reference[0].shape) * 0.3)
