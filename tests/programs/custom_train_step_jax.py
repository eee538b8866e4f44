# backends: jax
"""Guide: customizing what happens in fit() with JAX. Stateless train_step / test_step /
predict_step overrides built on stateless_call, jax.value_and_grad and stateless updates."""
import jax
import numpy as np

import keras
from keras import layers, ops

keras.utils.set_random_seed(4)
rng = np.random.default_rng(4)
x = rng.normal(size=(128, 5)).astype("float32")
true_w = np.array([[1.0], [-2.0], [0.5], [0.0], [3.0]], dtype="float32")
y = x @ true_w + 0.1


class LossAwareModel(keras.Model):
    """Uses the compiled loss and metrics through stateless_compute_loss."""

    def loss_and_updates(self, trainable_variables, non_trainable_variables, metrics_variables, x, y,
                         sample_weight, training=False):
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=training
        )
        loss, (trainable_variables, non_trainable_variables, metrics_variables) = self.stateless_compute_loss(
            trainable_variables, non_trainable_variables, metrics_variables,
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training,
        )
        return loss, (y_pred, non_trainable_variables, metrics_variables)

    def train_step(self, state, data):
        trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = state
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        gradient_fn = jax.value_and_grad(self.loss_and_updates, has_aux=True)
        (loss, (y_pred, non_trainable_variables, metrics_variables)), grads = gradient_fn(
            trainable_variables, non_trainable_variables, metrics_variables, x, y, sample_weight, training=True
        )
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables
        )
        logs, new_metrics_variables, start = {}, [], 0
        for metric in self.metrics:
            own = metrics_variables[start:start + len(metric.variables)]
            start += len(metric.variables)
            if metric.name == "loss":
                own = metric.stateless_update_state(own, loss, sample_weight=sample_weight)
            else:
                own = metric.stateless_update_state(own, y, y_pred, sample_weight=sample_weight)
            logs[metric.name] = metric.stateless_result(own)
            new_metrics_variables += own
        return logs, (trainable_variables, non_trainable_variables, optimizer_variables, new_metrics_variables)


inputs = keras.Input(shape=(5,))
outputs = layers.Dense(1)(inputs)
model = LossAwareModel(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse", metrics=["mae"])
history = model.fit(x, y, batch_size=32, epochs=3, verbose=0)
assert set(history.history) == {"loss", "mae"}, history.history.keys()
assert history.history["loss"][-1] < history.history["loss"][0], history.history["loss"]
# The state written back by fit() is what predict() uses.
np.testing.assert_allclose(
    model.predict(x, verbose=0), x @ model.layers[-1].kernel.numpy() + model.layers[-1].bias.numpy(),
    rtol=1e-4, atol=1e-4,
)


class ManualModel(keras.Model):
    """Only the optimizer comes from compile(); the loss and metrics are its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.loss_fn = keras.losses.MeanSquaredError()

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]

    def loss_and_updates(self, trainable_variables, non_trainable_variables, x, y, training=False):
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=training
        )
        return self.loss_fn(y, y_pred), (y_pred, non_trainable_variables)

    def train_step(self, state, data):
        trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = state
        x, y = data
        (loss, (y_pred, non_trainable_variables)), grads = jax.value_and_grad(
            self.loss_and_updates, has_aux=True
        )(trainable_variables, non_trainable_variables, x, y, training=True)
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables
        )
        split = len(self.loss_tracker.variables)
        loss_vars = self.loss_tracker.stateless_update_state(metrics_variables[:split], loss)
        mae_vars = self.mae_metric.stateless_update_state(metrics_variables[split:], y, y_pred)
        logs = {
            "loss": self.loss_tracker.stateless_result(loss_vars),
            "mae": self.mae_metric.stateless_result(mae_vars),
        }
        return logs, (trainable_variables, non_trainable_variables, optimizer_variables, loss_vars + mae_vars)

    def test_step(self, state, data):
        trainable_variables, non_trainable_variables, metrics_variables = state
        x, y = data
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=False
        )
        loss = self.loss_fn(y, y_pred)
        split = len(self.loss_tracker.variables)
        loss_vars = self.loss_tracker.stateless_update_state(metrics_variables[:split], loss)
        mae_vars = self.mae_metric.stateless_update_state(metrics_variables[split:], y, y_pred)
        logs = {
            "loss": self.loss_tracker.stateless_result(loss_vars),
            "mae": self.mae_metric.stateless_result(mae_vars),
        }
        return logs, (trainable_variables, non_trainable_variables, loss_vars + mae_vars)

    def predict_step(self, state, data):
        trainable_variables, non_trainable_variables = state
        x = data[0] if isinstance(data, tuple) else data
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=False
        )
        # A customized prediction: the raw output and a thresholded version.
        return {"value": y_pred, "positive": ops.cast(y_pred > 0, "float32")}, non_trainable_variables


inputs = keras.Input(shape=(5,))
outputs = layers.Dense(1)(layers.Dense(8)(inputs))
manual = ManualModel(inputs, outputs)
manual.compile(optimizer=keras.optimizers.Adam(0.02))
before = manual.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
history = manual.fit(x, y, batch_size=32, epochs=3, verbose=0)
after = manual.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
assert set(after) == {"loss", "mae"}, after
assert after["loss"] < before["loss"], (before, after)
reference = manual(x)
np.testing.assert_allclose(after["loss"], float(np.mean((ops.convert_to_numpy(reference) - y) ** 2)), rtol=1e-4)
predictions = manual.predict(x, batch_size=50, verbose=0)
assert set(predictions) == {"value", "positive"}
assert predictions["value"].shape == (128, 1)
np.testing.assert_array_equal(predictions["positive"], (predictions["value"] > 0).astype("float32"))
print("custom_train_step_jax: ok")
