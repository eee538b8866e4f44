"""A tiny classification problem and hypermodel shared by the tuner tests (runs in a second per trial)."""

import numpy as np


def data(n=128, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("int32")
    return x, y


def build_model(hp):
    import cornu as keras

    model = keras.Sequential([keras.Input((4,)),
                              keras.layers.Dense(hp.Choice("units", [2, 8]), activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.Adam(hp.Choice("lr", [1e-6, 0.05])), "sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=False)
    return model
