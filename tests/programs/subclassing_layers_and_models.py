"""Guide: making new layers and models via subclassing. Weights in __init__ and in build(),
non-trainable state, nested layers, add_loss, the training argument, masks, get_config,
and a subclassed Model (a small VAE) trained with fit()."""
import numpy as np

import keras
from keras import layers, ops

keras.utils.set_random_seed(8)


class Affine(layers.Layer):
    """Weights created eagerly in __init__ from a known input size."""

    def __init__(self, units, input_dim):
        super().__init__()
        self.w = self.add_weight(shape=(input_dim, units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


layer = Affine(4, 2)
out = layer(np.ones((3, 2), "float32"))
assert tuple(out.shape) == (3, 4)
assert layer.weights == [layer.w, layer.b]
np.testing.assert_allclose(ops.convert_to_numpy(out), np.ones((3, 2)) @ layer.w.numpy(), rtol=1e-5)


class RunningTotal(layers.Layer):
    """A non-trainable weight updated in call()."""

    def __init__(self, input_dim):
        super().__init__()
        self.total = self.add_weight(shape=(input_dim,), initializer="zeros", trainable=False)

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


counter = RunningTotal(2)
counter(np.ones((2, 2), "float32"))
result = counter(np.ones((2, 2), "float32"))
np.testing.assert_allclose(ops.convert_to_numpy(result), [4.0, 4.0])
assert counter.trainable_weights == [] and counter.non_trainable_weights == [counter.total]


class Linear(layers.Layer):
    """Lazy weights: created in build() once the input shape is known."""

    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


lazy = Linear(5)
assert not lazy.built and lazy.weights == []
lazy(np.zeros((1, 7), "float32"))
assert lazy.built and tuple(lazy.w.shape) == (7, 5)
copy = Linear.from_config(lazy.get_config())
assert copy.units == 5 and copy.name == lazy.name


class ActivityRegularization(layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.sum(ops.abs(inputs)))
        return inputs


class Block(layers.Layer):
    """Layers that own layers: weights and losses are tracked recursively."""

    def __init__(self):
        super().__init__()
        self.linear_1 = Linear(8)
        self.regularizer = ActivityRegularization(1e-2)
        self.linear_2 = Linear(3)
        self.dropout = layers.Dropout(0.5)

    def call(self, inputs, training=None):
        x = ops.relu(self.linear_1(inputs))
        x = self.regularizer(x)
        x = self.dropout(x, training=training)
        return self.linear_2(x)


block = Block()
x = np.random.default_rng(0).normal(size=(4, 6)).astype("float32")
inference_1 = ops.convert_to_numpy(block(x, training=False))
assert len(block.weights) == 4 and len(block.trainable_weights) == 4
assert len(block.losses) == 1
block(x)
assert len(block.losses) == 1  # cleared at every top-level call
np.testing.assert_allclose(ops.convert_to_numpy(block(x, training=False)), inference_1, rtol=1e-6)
training_out = ops.convert_to_numpy(block(x, training=True))
assert not np.allclose(training_out, inference_1)


class MaskedMean(layers.Layer):
    """Consumes a mask: the mean over the unmasked time steps only."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.sum(inputs * weights, axis=1) / ops.maximum(ops.sum(weights, axis=1), 1.0)

    def compute_mask(self, inputs, mask=None):
        return None


tokens = np.array([[3, 4, 0, 0], [5, 0, 0, 0]], "int32")
embedded = layers.Embedding(10, 2, mask_zero=True)
pooled = ops.convert_to_numpy(MaskedMean()(embedded(tokens)))
table = embedded.embeddings.numpy()
np.testing.assert_allclose(pooled[0], table[[3, 4]].mean(axis=0), rtol=1e-5)
np.testing.assert_allclose(pooled[1], table[5], rtol=1e-5)


class Sampling(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


class Encoder(layers.Layer):
    def __init__(self, latent_dim=2, hidden=16, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(hidden, activation="relu")
        self.dense_mean = layers.Dense(latent_dim)
        self.dense_log_var = layers.Dense(latent_dim)
        self.sampling = Sampling()

    def call(self, inputs):
        h = self.dense(inputs)
        z_mean, z_log_var = self.dense_mean(h), self.dense_log_var(h)
        return z_mean, z_log_var, self.sampling((z_mean, z_log_var))


class Decoder(layers.Layer):
    def __init__(self, original_dim, hidden=16, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(hidden, activation="relu")
        self.dense_output = layers.Dense(original_dim, activation="sigmoid")

    def call(self, inputs):
        return self.dense_output(self.dense(inputs))


class VariationalAutoEncoder(keras.Model):
    def __init__(self, original_dim, latent_dim=2, name="autoencoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.encoder = Encoder(latent_dim=latent_dim)
        self.decoder = Decoder(original_dim)

    def call(self, inputs):
        z_mean, z_log_var, z = self.encoder(inputs)
        reconstructed = self.decoder(z)
        kl = -0.5 * ops.mean(z_log_var - ops.square(z_mean) - ops.exp(z_log_var) + 1)
        self.add_loss(kl)
        return reconstructed


data = (np.random.default_rng(1).random((64, 12)) > 0.5).astype("float32")
vae = VariationalAutoEncoder(12, latent_dim=2)
vae.compile(optimizer=keras.optimizers.Adam(1e-2), loss=keras.losses.MeanSquaredError())
history = vae.fit(data, data, epochs=3, batch_size=16, verbose=0)
assert history.history["loss"][-1] < history.history["loss"][0], history.history["loss"]
assert vae.predict(data, verbose=0).shape == (64, 12)
assert len(vae.trainable_weights) == 10
paths = [w.path for w in vae.weights]
assert len(paths) == 10, paths
assert all(p.startswith(("autoencoder/encoder/", "autoencoder/decoder/")) for p in paths), paths
print("subclassing_layers_and_models: ok")
