"""Guide: introduction to Keras for engineers. The backend-agnostic keras.ops API (NumPy-style
and neural-network ops), a custom layer written with ops, and the end-to-end workflow:
a convnet trained with callbacks, evaluated, saved, reloaded and used for inference."""
import os
import tempfile

import numpy as np

import keras
from keras import layers, ops

keras.utils.set_random_seed(15)
rng = np.random.default_rng(15)

# keras.ops mirrors NumPy and returns backend tensors.
a = np.arange(6, dtype="float32").reshape(2, 3)
b = np.ones((3, 2), "float32")
np.testing.assert_allclose(ops.convert_to_numpy(ops.matmul(a, b)), a @ b)
np.testing.assert_allclose(ops.convert_to_numpy(ops.sum(a, axis=0)), a.sum(axis=0))
np.testing.assert_allclose(ops.convert_to_numpy(ops.transpose(a)), a.T)
np.testing.assert_allclose(ops.convert_to_numpy(ops.where(a > 2, a, -a)), np.where(a > 2, a, -a))
np.testing.assert_allclose(ops.convert_to_numpy(ops.cumsum(a, axis=1)), np.cumsum(a, axis=1))
np.testing.assert_allclose(ops.convert_to_numpy(ops.linspace(0.0, 1.0, 5)), np.linspace(0.0, 1.0, 5), rtol=1e-6)
assert ops.convert_to_numpy(ops.argmax(a, axis=-1)).tolist() == [2, 2]
assert ops.shape(ops.expand_dims(a, 0)) == (1, 2, 3)
assert keras.backend.standardize_dtype(ops.cast(a, "int32").dtype) == "int32"
assert ops.is_tensor(ops.convert_to_tensor(a))

# Neural-network ops.
logits = rng.normal(size=(4, 5)).astype("float32")
expected_softmax = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
np.testing.assert_allclose(ops.convert_to_numpy(ops.softmax(logits)), expected_softmax, rtol=1e-5)
np.testing.assert_allclose(ops.convert_to_numpy(ops.relu(logits)), np.maximum(logits, 0))
np.testing.assert_allclose(ops.convert_to_numpy(ops.sigmoid(logits)), 1 / (1 + np.exp(-logits)), rtol=1e-5)
one_hot = ops.convert_to_numpy(ops.one_hot(np.array([0, 2]), 3))
np.testing.assert_array_equal(one_hot, [[1, 0, 0], [0, 0, 1]])
images = rng.random((2, 6, 6, 1)).astype("float32")
kernel = np.ones((3, 3, 1, 1), "float32")
convolved = ops.convert_to_numpy(ops.conv(images, kernel, padding="valid"))
np.testing.assert_allclose(convolved[0, 0, 0, 0], images[0, :3, :3, 0].sum(), rtol=1e-5)
np.testing.assert_allclose(
    ops.convert_to_numpy(ops.max_pool(images, 2, strides=2))[0, 0, 0, 0], images[0, :2, :2, 0].max()
)
# Random ops take seeds, or a SeedGenerator for a stream of draws.
np.testing.assert_allclose(
    ops.convert_to_numpy(keras.random.normal((3,), seed=1)), ops.convert_to_numpy(keras.random.normal((3,), seed=1))
)
generator = keras.random.SeedGenerator(2)
draw_1 = ops.convert_to_numpy(keras.random.uniform((3,), seed=generator))
draw_2 = ops.convert_to_numpy(keras.random.uniform((3,), seed=generator))
assert not np.allclose(draw_1, draw_2)


class NormalizedDense(layers.Layer):
    """A dense layer whose kernel columns are unit-normalized, written only with keras.ops."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_normal", name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        norms = ops.sqrt(ops.sum(ops.square(self.kernel), axis=0, keepdims=True))
        return ops.matmul(inputs, self.kernel / norms) + self.bias

    def get_config(self):
        return {**super().get_config(), "units": self.units}


layer = NormalizedDense(4)
out = ops.convert_to_numpy(layer(np.eye(3, dtype="float32")))
np.testing.assert_allclose(np.linalg.norm(out, axis=0), np.ones(4), rtol=1e-5)

# End to end: a small digit-like classification task.
n, size, classes = 120, 8, 3
x = rng.random((n, size, size, 1)).astype("float32") * 0.2
y = rng.integers(0, classes, size=n)
for i, label in enumerate(y):  # a bright stripe whose row encodes the class
    x[i, 2 * label + 1, :, 0] += 0.8

model = keras.Sequential(
    [
        keras.Input(shape=(size, size, 1)),
        layers.Conv2D(8, 3, activation="relu", padding="same"),
        layers.MaxPooling2D(2),
        layers.Conv2D(8, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dropout(0.1),
        NormalizedDense(classes),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=5e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")],
)
workdir = tempfile.mkdtemp()
callbacks = [
    keras.callbacks.ModelCheckpoint(os.path.join(workdir, "model_at_epoch_{epoch}.keras")),
    keras.callbacks.EarlyStopping(monitor="val_loss", patience=2),
]
history = model.fit(x, y, batch_size=32, epochs=3, validation_split=0.2, callbacks=callbacks, verbose=0)
assert history.history["loss"][-1] < history.history["loss"][0], history.history["loss"]
assert sorted(os.listdir(workdir)) == [f"model_at_epoch_{i}.keras" for i in (1, 2, 3)]
scores = model.evaluate(x, y, verbose=0, return_dict=True)
assert set(scores) == {"loss", "acc"}

reloaded = keras.saving.load_model(
    os.path.join(workdir, "model_at_epoch_3.keras"), custom_objects={"NormalizedDense": NormalizedDense}
)
predictions = model.predict(x[:10], verbose=0)
np.testing.assert_allclose(reloaded.predict(x[:10], verbose=0), predictions, rtol=1e-5, atol=1e-6)
probabilities = ops.convert_to_numpy(ops.softmax(predictions))
np.testing.assert_allclose(probabilities.sum(axis=-1), np.ones(10), rtol=1e-5)
print("intro_to_keras_for_engineers: ok")
