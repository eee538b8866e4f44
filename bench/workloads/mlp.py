"""MLP 784-512-512-10 with ReLU, batch 128, Adam (issue 7, row 1).

Example:
    >>> import cornu as keras
    >>> from bench.workloads import mlp
    >>> model = mlp.build(keras, mlp.TINY)
"""

from bench.workloads import common

TITLE = "MLP 784-512-512-10"
# The keras.layers names the model needs (the smoke test skips a workload whose layers the
# library does not have yet).
LAYERS = ("Dense",)
BENCH = {"batch_size": 128, "features": 784, "hidden": 512, "classes": 10}
TINY = {"batch_size": 4, "features": 12, "hidden": 8, "classes": 3}
# Steps per timed epoch and timed epochs, chosen so one run takes a few seconds.
STEPS_PER_EPOCH = 50
EPOCHS = 5


def build(keras, cfg):
    """The model, not compiled: Dense(hidden, relu) x2 then Dense(classes) logits."""
    return keras.Sequential(
        [
            keras.Input(shape=(cfg["features"],)),
            keras.layers.Dense(cfg["hidden"], activation="relu"),
            keras.layers.Dense(cfg["hidden"], activation="relu"),
            keras.layers.Dense(cfg["classes"]),
        ]
    )


def data(cfg, num_samples, rng):
    """Synthetic ``(x, y)``: float32 features and int32 labels."""
    x = common.float_inputs(rng, num_samples, (cfg["features"],))
    return x, common.class_labels(rng, num_samples, cfg["classes"])
