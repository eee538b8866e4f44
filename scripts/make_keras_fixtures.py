"""Writes the Keras-made fixture corpus under tests/fixtures/keras_files/ with the real Keras 3.

Run it from the repository root (it needs the `keras` dev dependency, on JAX):

    KERAS_BACKEND=jax .venv/bin/python scripts/make_keras_fixtures.py

For every model NAME it writes:

- ``NAME.keras``: the model saved by Keras (``compiled_adam`` is compiled with
  Adam and metrics and fitted a few steps, so its optimizer has state);
- ``NAME.npz``: ``x`` (or ``x_0``, ``x_1`` for several inputs), Keras's
  predictions ``y_0``, ``y_1``, ..., and for compiled models the optimizer's
  variables ``opt_0``, ``opt_1``, ... in Keras's order.

plus ``dense_sequential.weights.h5`` (weights only) and a sharded set
``conv2d_sharded.weights.json`` + ``conv2d_sharded_0000N.weights.h5``.
``tests/saving/formats/test_keras_fixture_corpus.py`` loads them all in cornu.
"""

import os
import pathlib
import shutil
import sys

if os.environ.get("KERAS_BACKEND", "jax") != "jax":
    sys.exit("Run this script with KERAS_BACKEND=jax (the corpus is written by Keras on JAX).")
os.environ["KERAS_BACKEND"] = "jax"

import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "keras_files"
RNG = np.random.default_rng(20240515)
layers = keras.layers


def _randomize(model):
    """Gives every weight a non-trivial value (positive variances), so loading mistakes show."""
    for variable in model.weights:
        if "variance" in variable.path:
            value = RNG.uniform(0.5, 1.5, size=variable.shape)
        else:
            value = RNG.uniform(-0.8, 0.8, size=variable.shape)
        variable.assign(value.astype(variable.dtype))


def dense_sequential():
    return keras.Sequential([
        keras.Input(shape=(6,)),
        layers.Dense(8, activation="relu"),
        layers.BatchNormalization(),
        layers.Dropout(0.3),
        layers.Dense(3, activation="softmax"),
    ], name="dense_sequential"), [RNG.normal(size=(5, 6))]


def conv1d():
    inputs = keras.Input(shape=(10, 3))
    x = layers.Conv1D(4, 3, activation="relu")(inputs)
    x = layers.MaxPooling1D(2)(x)
    x = layers.Conv1D(4, 2, padding="same")(x)
    x = layers.AveragePooling1D(2)(x)
    x = layers.GlobalMaxPooling1D()(x)
    outputs = layers.Dense(2)(x)
    return keras.Model(inputs, outputs, name="conv1d"), [RNG.normal(size=(3, 10, 3))]


def conv2d():
    inputs = keras.Input(shape=(8, 8, 2))
    x = layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Conv2D(3, 2)(x)
    x = layers.AveragePooling2D(2, strides=1)(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(2)(x)
    return keras.Model(inputs, outputs, name="conv2d"), [RNG.normal(size=(3, 8, 8, 2))]


def embedding():
    inputs = keras.Input(shape=(5,), dtype="int32")
    x = layers.Embedding(12, 4)(inputs)
    x = layers.LayerNormalization()(x)
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(2, activation="tanh")(x)
    return keras.Model(inputs, outputs, name="embedding"), [RNG.integers(0, 12, size=(4, 5)).astype("int32")]


def multi_io():
    a = keras.Input(shape=(4,), name="a")
    b = keras.Input(shape=(4,), name="b")
    shared = layers.Dense(5, name="shared")
    ha, hb = shared(a), shared(b)
    merged = layers.Concatenate()([
        layers.Add()([ha, hb]), layers.Subtract()([ha, hb]), layers.Multiply()([ha, hb]),
        layers.Average()([ha, hb]), layers.Maximum()([ha, hb]), layers.Minimum()([ha, hb]),
    ])
    nested = keras.Sequential([layers.Dense(6, activation="tanh"), layers.Dense(4)], name="nested")
    h = nested(merged)
    dot = layers.Dot(axes=1)([ha, hb])
    out1 = layers.Dense(2, name="out1")(h)
    out2 = layers.Dense(1, activation="sigmoid", name="out2")(layers.Concatenate()([h, dot]))
    model = keras.Model([a, b], [out1, out2], name="multi_io")
    return model, [RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))]


def compiled_adam():
    inputs = keras.Input(shape=(4,))
    x = layers.Dense(8, activation="relu")(inputs)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(2)(x)
    return keras.Model(inputs, outputs, name="compiled_adam"), [RNG.normal(size=(4, 4))]


def _float32(arrays):
    return [a if a.dtype.kind in "iu" else a.astype("float32") for a in arrays]


def _write(name, model, inputs, fit=False):
    _randomize(model)
    if fit:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
        x = RNG.normal(size=(12, 4)).astype("float32")
        y = RNG.normal(size=(12, 2)).astype("float32")
        model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    inputs = _float32(inputs)
    predictions = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    predictions = predictions if isinstance(predictions, (list, tuple)) else [predictions]
    arrays = {"x": inputs[0]} if len(inputs) == 1 else {f"x_{i}": x for i, x in enumerate(inputs)}
    arrays.update({f"y_{i}": np.asarray(y) for i, y in enumerate(predictions)})
    if fit:
        arrays.update({f"opt_{i}": np.asarray(v.numpy()) for i, v in enumerate(model.optimizer.variables)})
    model.save(OUT / f"{name}.keras")
    np.savez_compressed(OUT / f"{name}.npz", **arrays)
    return model


def main():
    keras.utils.set_random_seed(7)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    for build in (dense_sequential, conv1d, conv2d, embedding, multi_io):
        model, inputs = build()
        model = _write(build.__name__, model, inputs)
        if build is dense_sequential:
            model.save_weights(OUT / "dense_sequential.weights.h5")
        if build is conv2d:
            model.save_weights(OUT / "conv2d_sharded.weights.json", max_shard_size=300 / 1024**3)
    model, inputs = compiled_adam()
    _write("compiled_adam", model, inputs, fit=True)
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"wrote {len(list(OUT.iterdir()))} files, {total} bytes, to {OUT} with keras {keras.__version__}")


if __name__ == "__main__":
    main()
