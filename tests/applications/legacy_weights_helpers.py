"""A small convnet (Conv, BatchNormalization, DepthwiseConv, Dense) built in cornu or the real Keras,
and its weights saved by the real Keras in the legacy layout of Keras's published ImageNet files.
"""

import importlib

import h5py
import numpy as np

INPUT_SHAPE = (8, 8, 3)


def small_convnet(keras, names=True, dense_units=4):
    """Conv + BatchNormalization + DepthwiseConv + Dense, in cornu or the real Keras."""
    layers = keras.layers

    def name(text):
        return text if names else None

    inputs = keras.Input(INPUT_SHAPE)
    x = layers.Conv2D(6, 3, padding="same", use_bias=False, name=name("stem_conv"))(inputs)
    x = layers.BatchNormalization(name=name("stem_bn"))(x)
    x = layers.ReLU(name=name("stem_relu"))(x)
    x = layers.DepthwiseConv2D(3, strides=2, padding="same", name=name("dw_conv"))(x)
    x = layers.BatchNormalization(name=name("dw_bn"))(x)
    x = layers.GlobalAveragePooling2D(name=name("pool"))(x)
    outputs = layers.Dense(dense_units, activation="softmax", name=name("predictions"))(x)
    return keras.Model(inputs, outputs, name="small_convnet")


def randomize(keras_model, seed=1):
    """Random values everywhere, BatchNormalization statistics included (they must load too)."""
    rng = np.random.default_rng(seed)
    keras_model.set_weights([
        (rng.uniform(0.5, 1.5, w.shape) if "variance" in w.path else rng.normal(0, 0.5, w.shape)).astype("float32")
        for w in keras_model.weights
    ])


def save_legacy_weights(keras_ref, keras_model, path, top_level_group=True):
    """Writes ``keras_model``'s weights with the real Keras's legacy `.h5` writer; returns the path."""
    legacy_h5_format = importlib.import_module(keras_ref.__name__ + ".src.legacy.saving.legacy_h5_format")
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, keras_model)
        if not top_level_group:  # tf.keras 2 files, like the published ImageNet ones, have no such group
            del f["top_level_model_weights"]
    return str(path)


def batch():
    """A fixed batch of two images."""
    return np.random.default_rng(2).uniform(0, 1, (2,) + INPUT_SHAPE).astype("float32")


def save_keras2_layout(keras_model, path):
    """Writes ``keras_model``'s weights as tf.keras 2 wrote them, the layout of the published ImageNet
    files: fixed-length byte-string name lists, ``<layer>/<layer>/<weight>:0`` datasets, no
    ``top_level_model_weights`` group. Returns the path.
    """
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.array([layer.name.encode("utf8") for layer in keras_model.layers])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        for layer in keras_model.layers:
            group = f.create_group(layer.name)
            weights = list(layer.trainable_weights) + list(layer.non_trainable_weights)
            names = [f"{layer.name}/{w.name}:0" for w in weights]
            group.attrs["weight_names"] = np.array([n.encode("utf8") for n in names]) if names else np.array([])
            for name, weight in zip(names, weights):
                group.create_dataset(name, data=np.asarray(weight.value))
    return str(path)
