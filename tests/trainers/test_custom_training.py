"""Custom training written the way Keras's guides write it, per backend: a ``train_step``
override (``(state, data)`` with ``stateless_call`` and ``jax.value_and_grad`` on JAX;
``(data)`` with ``loss.backward()`` on torch, with ``tf.GradientTape`` on TensorFlow),
``compute_loss``/``predict_step`` overrides,
and hand-written loops (``jax.grad`` + ``stateless_apply``; ``torch.optim`` on
``model.parameters()``). Each is checked against plain gradient descent in NumPy."""

import numpy as np
import pytest

import cornu as keras
from cornu import ops

BACKEND = keras.backend.backend()
pytestmark = pytest.mark.requires_trainable_backend
LR, STEPS, BATCH = 0.1, 4, 8


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(STEPS * BATCH, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3).astype("float32")
    return x, y


def _numpy_sgd(x, y, loss_scale=1.0):
    """Linear model, MSE, plain SGD over the batches in order: the reference weights."""
    w, b = np.zeros((3, 1)), np.zeros((1,))
    for i in range(STEPS):
        xb, yb = x[i * BATCH:(i + 1) * BATCH], y[i * BATCH:(i + 1) * BATCH]
        err = xb @ w + b - yb
        grad_w = loss_scale * 2 * xb.T @ err / err.size
        grad_b = loss_scale * 2 * err.sum(axis=0) / err.size
        w, b = w - LR * grad_w, b - LR * grad_b
    return w, b


def _linear(cls=None):
    cls = cls or keras.Sequential
    return cls([keras.Input((3,)), keras.layers.Dense(1, kernel_initializer="zeros")])


def _check(model, x, y, loss_scale=1.0):
    w, b = _numpy_sgd(x, y, loss_scale)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel, w, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bias, b, rtol=1e-4, atol=1e-5)


if BACKEND == "jax":
    import jax

    class GuideModel(keras.Sequential):
        """The JAX custom ``train_step`` of Keras's guide."""

        def compute_loss_and_updates(self, trainable, non_trainable, x, y, training=False):
            y_pred, non_trainable = self.stateless_call(trainable, non_trainable, x, training=training)
            loss = ops.mean(keras.losses.mean_squared_error(y, y_pred))
            return loss, (y_pred, non_trainable)

        def train_step(self, state, data):
            trainable, non_trainable, optimizer_vars, metrics_vars = state
            x, y = data
            grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
            (loss, (y_pred, non_trainable)), grads = grad_fn(trainable, non_trainable, x, y, training=True)
            trainable, optimizer_vars = self.optimizer.stateless_apply(optimizer_vars, grads, trainable)
            new_metrics_vars, logs = [], {}
            for metric in self.metrics:
                count = len(metric.variables)
                these = metrics_vars[len(new_metrics_vars):len(new_metrics_vars) + count]
                if metric.name == "loss":
                    these = metric.stateless_update_state(these, loss)
                else:
                    these = metric.stateless_update_state(these, y, y_pred)
                logs[metric.name] = metric.stateless_result(these)
                new_metrics_vars += these
            return logs, (trainable, non_trainable, optimizer_vars, new_metrics_vars)

elif BACKEND == "tensorflow":
    import tensorflow as tf

    class GuideModel(keras.Sequential):
        """The TensorFlow custom ``train_step`` of Keras's guide (traced into a ``tf.function``)."""

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred)
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)
            self.optimizer.apply(gradients, trainable_vars)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

else:
    import torch

    class GuideModel(keras.Sequential):
        """The torch custom ``train_step`` of Keras's guide."""

        def train_step(self, data):
            x, y = data
            self.zero_grad()
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            loss.backward()
            weights = list(self.trainable_weights)
            with torch.no_grad():
                self.optimizer.apply([v.value.grad for v in weights], weights)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}


def test_guide_train_step_matches_numpy_sgd():
    x, y = _data()
    model = _linear(GuideModel)
    model.compile(optimizer=keras.optimizers.SGD(LR), loss="mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    _check(model, x, y)
    assert set(history.history) >= {"loss", "mae"}


def test_compute_loss_override_changes_what_is_minimised():
    class DoubledLoss(keras.Sequential):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            return 2.0 * super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)

    x, y = _data()
    model = _linear(DoubledLoss)
    model.compile(optimizer=keras.optimizers.SGD(LR), loss="mse")
    model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    _check(model, x, y, loss_scale=2.0)


def test_predict_step_override_in_the_backend_signature():
    class Custom(keras.Sequential):
        if BACKEND == "jax":
            def predict_step(self, state, data):
                outputs, non_trainable = super().predict_step(state, data)
                return {"doubled": 2.0 * outputs}, non_trainable
        else:
            def predict_step(self, data):
                return {"doubled": 2.0 * super().predict_step(data)}

    model = _linear(Custom)
    model.set_weights([np.ones((3, 1), "float32"), np.zeros((1,), "float32")])
    x, _ = _data()
    out = model.predict(x, batch_size=BATCH, verbose=0)
    np.testing.assert_allclose(out["doubled"], 2.0 * x.sum(axis=1, keepdims=True), rtol=1e-5)


@pytest.mark.skipif(BACKEND != "jax", reason="a JAX training loop")
def test_jax_loop_with_stateless_call_and_grad():
    x, y = _data()
    model = _linear()
    optimizer = keras.optimizers.SGD(LR)
    optimizer.build(model.trainable_variables)

    def loss_fn(trainable, non_trainable, xb, yb):
        y_pred, non_trainable = model.stateless_call(trainable, non_trainable, xb, training=True)
        return ops.mean((y_pred - yb) ** 2), non_trainable

    @jax.jit
    def step(state, xb, yb):
        trainable, non_trainable, optimizer_vars = state
        (loss, non_trainable), grads = jax.value_and_grad(loss_fn, has_aux=True)(trainable, non_trainable, xb, yb)
        trainable, optimizer_vars = optimizer.stateless_apply(optimizer_vars, grads, trainable)
        return loss, (trainable, non_trainable, optimizer_vars)

    state = ([v.value for v in model.trainable_variables], [v.value for v in model.non_trainable_variables],
             [v.value for v in optimizer.variables])
    for i in range(STEPS):
        _, state = step(state, x[i * BATCH:(i + 1) * BATCH], y[i * BATCH:(i + 1) * BATCH])
    for variable, value in zip(model.trainable_variables, state[0]):
        variable.assign(value)
    _check(model, x, y)


@pytest.mark.skipif(BACKEND != "torch", reason="a PyTorch training loop")
def test_torch_loop_with_autograd_and_torch_optim():
    x, y = _data()
    model = _linear()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    for i in range(STEPS):
        model.zero_grad()
        loss = torch.nn.functional.mse_loss(model(torch.tensor(x[i * BATCH:(i + 1) * BATCH])),
                                            torch.tensor(y[i * BATCH:(i + 1) * BATCH]))
        loss.backward()
        optimizer.step()
    _check(model, x, y)
    assert [name for name, _ in model.named_parameters()] == ["0.kernel", "0.bias"]


@pytest.mark.skipif(BACKEND != "torch", reason="a PyTorch training loop")
def test_torch_loop_with_cornu_optimizer_apply():
    x, y = _data()
    model = _linear()
    optimizer = keras.optimizers.SGD(LR)
    for i in range(STEPS):
        y_pred = model(torch.tensor(x[i * BATCH:(i + 1) * BATCH]))
        loss = ops.mean((y_pred - torch.tensor(y[i * BATCH:(i + 1) * BATCH])) ** 2)
        weights = model.trainable_weights
        grads = torch.autograd.grad(loss, [w.value for w in weights])
        with torch.no_grad():
            optimizer.apply(list(grads), weights)
    _check(model, x, y)
