"""Guide: the Sequential model. Stacks built from a list or with add(), deferred building,
pop(), the layers list, summary, and a Sequential model as a feature extractor."""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(2)

model = keras.Sequential(
    [
        layers.Dense(8, activation="relu", name="first"),
        layers.Dense(6, activation="relu", name="second"),
        layers.Dense(2, name="last"),
    ]
)
# Not built yet: no input shape was given, so there are no weights.
assert not model.built
assert model.weights == []
x = np.linspace(-1.0, 1.0, 5 * 3, dtype="float32").reshape(5, 3)
y = model(x)
assert tuple(y.shape) == (5, 2)
assert model.built
assert len(model.weights) == 6
assert [layer.name for layer in model.layers] == ["first", "second", "last"]

# The same stack, one layer at a time, with a known input shape: built immediately.
incremental = keras.Sequential(name="incremental")
incremental.add(keras.Input(shape=(3,)))
incremental.add(layers.Dense(8, activation="relu"))
incremental.add(layers.Dense(6, activation="relu"))
incremental.add(layers.Dense(2))
assert incremental.built
assert incremental.output_shape == (None, 2)
assert len(incremental.layers) == 3
incremental.summary()
assert incremental.count_params() == (3 * 8 + 8) + (8 * 6 + 6) + (6 * 2 + 2)

# pop() removes the last layer.
incremental.pop()
assert len(incremental.layers) == 2
assert incremental.output_shape == (None, 6)
incremental.add(layers.Dense(1))
assert incremental.output_shape == (None, 1)

# Layers of a built Sequential model share one weight set with the layer objects.
model.layers[0].set_weights([np.ones((3, 8), "float32"), np.zeros((8,), "float32")])
assert np.all(model.get_layer("first").kernel.numpy() == 1.0)

# A small convnet, checking the intermediate shapes as layers are added.
convnet = keras.Sequential([keras.Input(shape=(12, 12, 1))])
convnet.add(layers.Conv2D(4, 3, activation="relu"))
assert convnet.output_shape == (None, 10, 10, 4)
convnet.add(layers.MaxPooling2D(2))
assert convnet.output_shape == (None, 5, 5, 4)
convnet.add(layers.Conv2D(4, 3, activation="relu"))
convnet.add(layers.GlobalMaxPooling2D())
convnet.add(layers.Dense(3, activation="softmax"))
assert convnet.output_shape == (None, 3)

rng = np.random.default_rng(0)
images = rng.random((48, 12, 12, 1)).astype("float32")
labels = (images.mean(axis=(1, 2, 3)) > 0.5).astype("int32") + (images[:, 0, 0, 0] > 0.5)
convnet.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
first_loss = convnet.evaluate(images, labels, verbose=0)[0]
convnet.fit(images, labels, batch_size=16, epochs=4, verbose=0)
last_loss = convnet.evaluate(images, labels, verbose=0)[0]
assert last_loss < first_loss, (first_loss, last_loss)
probabilities = convnet.predict(images[:4], verbose=0)
np.testing.assert_allclose(probabilities.sum(axis=-1), np.ones(4), rtol=1e-5)

# Feature extraction from a Sequential model through the Functional API.
extractor = keras.Model(inputs=convnet.inputs[0], outputs=[layer.output for layer in convnet.layers])
features = extractor(images[:2])
assert [tuple(f.shape) for f in features] == [(2, 10, 10, 4), (2, 5, 5, 4), (2, 3, 3, 4), (2, 4), (2, 3)]
np.testing.assert_allclose(
    keras.ops.convert_to_numpy(features[-1]), probabilities[:2], rtol=1e-5, atol=1e-6
)
print("sequential_model: ok")
