# backends: torch
"""Guide: customizing what happens in fit() with PyTorch. train_step / test_step overrides
that compute gradients with torch autograd and apply them with the Keras optimizer."""
import numpy as np
import torch

import keras
from keras import layers, ops

keras.utils.set_random_seed(5)
rng = np.random.default_rng(5)
x = rng.normal(size=(128, 5)).astype("float32")
y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0], [3.0]], dtype="float32") + 0.1).astype("float32")


class TorchStepModel(keras.Model):
    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        trainable_weights = list(self.trainable_weights)
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


inputs = keras.Input(shape=(5,))
outputs = layers.Dense(1)(inputs)
model = TorchStepModel(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse", metrics=["mae"])
history = model.fit(x, y, batch_size=32, epochs=3, verbose=0)
assert set(history.history) == {"loss", "mae"}, history.history.keys()
assert history.history["loss"][-1] < history.history["loss"][0], history.history["loss"]
assert int(ops.convert_to_numpy(model.optimizer.iterations)) == 12


class OwnMetricsModel(keras.Model):
    """Only the optimizer comes from compile(); loss and metric objects are its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.loss_fn = keras.losses.MeanSquaredError()

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.loss_fn(y, y_pred)
        loss.backward()
        weights = list(self.trainable_weights)
        with torch.no_grad():
            self.optimizer.apply([v.value.grad for v in weights], weights)
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        self.loss_tracker.update_state(self.loss_fn(y, y_pred))
        self.mae_metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


inputs = keras.Input(shape=(5,))
outputs = layers.Dense(1)(layers.Dense(8)(inputs))
own = OwnMetricsModel(inputs, outputs)
own.compile(optimizer=keras.optimizers.SGD(0.05))
before = own.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
own.fit(x, y, batch_size=32, epochs=3, verbose=0)
after = own.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
assert set(after) == {"loss", "mae"}
assert after["loss"] < before["loss"], (before, after)
y_now = ops.convert_to_numpy(own(x))
np.testing.assert_allclose(after["mae"], np.mean(np.abs(y_now - y)), rtol=1e-4)


class TinyGAN(keras.Model):
    """Two sub-models, two optimizers, one train_step: the guide's GAN pattern, in miniature."""

    def __init__(self, generator, discriminator, latent_dim):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(7)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, samples):
        return self.discriminator(samples)

    def train_step(self, real):
        if isinstance(real, tuple):
            real = real[0]
        batch = real.shape[0]
        noise = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        fake = self.generator(noise)
        both = ops.concatenate([fake, real], axis=0)
        labels = ops.concatenate([ops.ones((batch, 1)), ops.zeros((batch, 1))], axis=0)
        self.zero_grad()
        d_loss = self.loss_fn(labels, self.discriminator(both))
        d_loss.backward()
        d_weights = self.discriminator.trainable_weights
        with torch.no_grad():
            self.d_optimizer.apply([w.value.grad for w in d_weights], d_weights)

        noise = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        self.zero_grad()
        g_loss = self.loss_fn(ops.zeros((batch, 1)), self.discriminator(self.generator(noise)))
        g_loss.backward()
        g_weights = self.generator.trainable_weights
        with torch.no_grad():
            self.g_optimizer.apply([w.value.grad for w in g_weights], g_weights)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


latent_dim = 3
generator = keras.Sequential([keras.Input((latent_dim,)), layers.Dense(8, activation="relu"), layers.Dense(4)])
discriminator = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
gan = TinyGAN(generator, discriminator, latent_dim)
gan.compile(
    d_optimizer=keras.optimizers.Adam(1e-3),
    g_optimizer=keras.optimizers.Adam(1e-3),
    loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
)
g_before = [w.numpy().copy() for w in generator.weights]
d_before = [w.numpy().copy() for w in discriminator.weights]
history = gan.fit(rng.normal(size=(64, 4)).astype("float32"), batch_size=16, epochs=1, verbose=0)
assert set(history.history) == {"d_loss", "g_loss"}, history.history.keys()
assert all(np.isfinite(v[0]) for v in history.history.values())
assert all(not np.allclose(a, b.numpy()) for a, b in zip(g_before, generator.weights))
assert all(not np.allclose(a, b.numpy()) for a, b in zip(d_before, discriminator.weights))
assert int(ops.convert_to_numpy(gan.d_optimizer.iterations)) == 4
print("custom_train_step_torch: ok")
