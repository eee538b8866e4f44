"""CNN on 28x28x1 images: Conv2D(32, 3, relu), Conv2D(64, 3, relu), MaxPooling2D(2),
Flatten, Dense(10); batch 128, Adam (issue 7, row 2).

Example:
    >>> import cornu as keras
    >>> from bench.workloads import cnn
    >>> model = cnn.build(keras, cnn.TINY)
"""

from bench.workloads import common

TITLE = "CNN 2xConv+pool+Dense 28x28"
# The keras.layers names the model needs (the smoke test skips a workload whose layers the
# library does not have yet).
LAYERS = ("Conv2D", "MaxPooling2D", "Flatten", "Dense")
BENCH = {"batch_size": 128, "image": 28, "filters1": 32, "filters2": 64, "classes": 10}
TINY = {"batch_size": 2, "image": 8, "filters1": 2, "filters2": 3, "classes": 3}
STEPS_PER_EPOCH = 5
EPOCHS = 3


def build(keras, cfg):
    """The model, not compiled (channels-last, valid padding, logits out)."""
    return keras.Sequential(
        [
            keras.Input(shape=(cfg["image"], cfg["image"], 1)),
            keras.layers.Conv2D(cfg["filters1"], 3, activation="relu"),
            keras.layers.Conv2D(cfg["filters2"], 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(cfg["classes"]),
        ]
    )


def data(cfg, num_samples, rng):
    """Synthetic ``(x, y)``: float32 NHWC images and int32 labels."""
    x = common.float_inputs(rng, num_samples, (cfg["image"], cfg["image"], 1))
    return x, common.class_labels(rng, num_samples, cfg["classes"])
