"""The two workloads of the distribution benchmarks (an MLP and a small Transformer): their
sizes, their data and the cornu model, shared by ``jax_scaling.py`` and ``torch_ddp_scaling.py``.

Example:
>>> x, y = data("mlp", np.random.default_rng(0))
>>> model = cornu_model("mlp")
"""

WORKLOADS = {
    "mlp": {"batch": 256, "features": 64, "hidden": 256, "classes": 10},
    "transformer": {"batch": 32, "length": 32, "vocab": 200, "dim": 64, "heads": 4, "classes": 10},
}


def data(name, rng):
    import numpy as np

    w = WORKLOADS[name]
    if name == "mlp":
        x = rng.normal(size=(w["batch"], w["features"])).astype("float32")
    else:
        x = rng.integers(0, w["vocab"], size=(w["batch"], w["length"])).astype("int32")
    y = rng.integers(0, w["classes"], size=(w["batch"],)).astype("int32")
    return x, y


def cornu_model(name):
    import cornu as keras

    w = WORKLOADS[name]
    if name == "mlp":
        inputs = keras.Input((w["features"],))
        h = keras.layers.Dense(w["hidden"], activation="relu")(inputs)
        h = keras.layers.Dense(w["hidden"], activation="relu")(h)
    else:
        inputs = keras.Input((w["length"],), dtype="int32")
        h = keras.layers.Embedding(w["vocab"], w["dim"])(inputs)
        a = keras.layers.MultiHeadAttention(w["heads"], w["dim"] // w["heads"])(h, h)
        h = keras.layers.LayerNormalization()(h + a)
        f = keras.layers.Dense(2 * w["dim"], activation="relu")(h)
        h = keras.layers.LayerNormalization()(h + keras.layers.Dense(w["dim"])(f))
        h = keras.layers.GlobalAveragePooling1D()(h)
    outputs = keras.layers.Dense(w["classes"])(h)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model
