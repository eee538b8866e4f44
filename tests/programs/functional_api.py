"""Guide: the Functional API. Graphs of layers: several inputs and outputs, shared layers,
a residual connection, nested models, feature extraction and config round trips."""
import numpy as np

import keras
from keras import layers, ops

keras.utils.set_random_seed(1)

# A small two-input, two-output "ticket router".
title_input = keras.Input(shape=(6,), name="title", dtype="int32")
body_input = keras.Input(shape=(10,), name="body", dtype="int32")
tags_input = keras.Input(shape=(4,), name="tags")

shared_embedding = layers.Embedding(50, 8, name="shared_embedding")
title_features = layers.GlobalAveragePooling1D()(shared_embedding(title_input))
body_features = layers.GlobalAveragePooling1D()(shared_embedding(body_input))
merged = layers.concatenate([title_features, body_features, tags_input])
hidden = layers.Dense(16, activation="relu")(merged)
residual = layers.add([hidden, layers.Dense(16)(merged)])
priority = layers.Dense(1, activation="sigmoid", name="priority")(residual)
department = layers.Dense(3, name="department")(residual)

model = keras.Model(
    inputs=[title_input, body_input, tags_input],
    outputs={"priority": priority, "department": department},
    name="ticket_router",
)
assert model.name == "ticket_router"
assert [t.name for t in model.inputs] == ["title", "body", "tags"]
# The embedding is shared: it appears once in the layer list and owns one weight.
assert sum(1 for layer in model.layers if layer.name == "shared_embedding") == 1
assert len(model.get_layer("shared_embedding").weights) == 1
model.summary()

n = 64
rng = np.random.default_rng(0)
x = {
    "title": rng.integers(0, 50, size=(n, 6)).astype("int32"),
    "body": rng.integers(0, 50, size=(n, 10)).astype("int32"),
    "tags": rng.random((n, 4)).astype("float32"),
}
y = {
    "priority": (x["tags"][:, :1] > 0.5).astype("float32"),
    "department": rng.integers(0, 3, size=(n, 1)),
}

model.compile(
    optimizer=keras.optimizers.Adam(0.01),
    loss={
        "priority": keras.losses.BinaryCrossentropy(),
        "department": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    },
    loss_weights={"priority": 1.0, "department": 0.5},
    metrics={"priority": ["accuracy"]},
)
history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)
losses = history.history["loss"]
assert len(losses) == 3 and losses[-1] < losses[0], losses

outputs = model.predict(x, batch_size=32, verbose=0)
assert set(outputs) == {"priority", "department"}
assert outputs["priority"].shape == (n, 1) and outputs["department"].shape == (n, 3)
assert np.all((outputs["priority"] >= 0) & (outputs["priority"] <= 1))

# Feature extraction: a model that returns intermediate activations of the same graph.
extractor = keras.Model(inputs=model.inputs, outputs=[layer.output for layer in model.layers[-4:]])
features = extractor.predict(x, verbose=0)
assert len(features) == 4
assert features[0].shape[0] == n

# Models are callable like layers: nest the router inside a bigger model.
wrapped_out = model([title_input, body_input, tags_input])
doubled = layers.Lambda(lambda t: t * 2.0)(wrapped_out["priority"])
outer = keras.Model([title_input, body_input, tags_input], doubled)
np.testing.assert_allclose(
    outer.predict(x, verbose=0), 2.0 * outputs["priority"], rtol=1e-5, atol=1e-6
)

# An autoencoder built from an encoder model and a decoder model.
encoder_input = keras.Input(shape=(8, 8, 1), name="image")
z = layers.Conv2D(4, 3, activation="relu", padding="same")(encoder_input)
z = layers.MaxPooling2D(2)(z)
z = layers.Flatten()(z)
code = layers.Dense(5, name="code")(z)
encoder = keras.Model(encoder_input, code, name="encoder")

decoder_input = keras.Input(shape=(5,), name="code_in")
d = layers.Dense(4 * 4 * 2, activation="relu")(decoder_input)
d = layers.Reshape((4, 4, 2))(d)
d = layers.Conv2DTranspose(1, 3, strides=2, padding="same")(d)
decoder = keras.Model(decoder_input, d, name="decoder")

autoencoder = keras.Model(encoder_input, decoder(encoder(encoder_input)), name="autoencoder")
images = rng.random((16, 8, 8, 1)).astype("float32")
reconstruction = autoencoder(images)
assert tuple(reconstruction.shape) == (16, 8, 8, 1)
assert encoder.output_shape == (None, 5)
assert decoder.output_shape == (None, 8, 8, 1)

# A Functional model's config rebuilds the same graph with fresh weights.
clone = keras.Model.from_config(model.get_config())
assert [l.name for l in clone.layers] == [l.name for l in model.layers]
clone.set_weights(model.get_weights())
clone_out = clone.predict(x, verbose=0)
np.testing.assert_allclose(clone_out["department"], outputs["department"], rtol=1e-5, atol=1e-5)

# Multiple-input operations with ops inside the graph.
a = keras.Input(shape=(3,))
b = keras.Input(shape=(3,))
mixed = ops.sum(a * b, axis=-1, keepdims=True)
dot_model = keras.Model([a, b], mixed)
va = np.arange(6, dtype="float32").reshape(2, 3)
vb = np.ones((2, 3), dtype="float32")
np.testing.assert_allclose(ops.convert_to_numpy(dot_model([va, vb])), [[3.0], [12.0]])
print("functional_api: ok")
