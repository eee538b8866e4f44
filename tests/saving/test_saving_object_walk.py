"""The walk that names weight groups matches Keras's, checked against files the real Keras writes."""

import h5py
import numpy as np

import cornu
from cornu.backend.common.naming import to_snake_case as snake_case
from cornu.saving.object_walk import walk

NAMES = ["BatchNormalization", "LSTM", "Conv2D", "GRUCell", "MyLayer2", "HTTPServer", "ReLU", "PReLU", "Dense",
         "InputLayer", "ABCd", "A_B", "Conv1DTranspose", "MultiHeadAttention", "UpSampling2D", "layer", "XYZ",
         "getHTTPResponseCode", "Dense_Block", "aB", "Ab"]


def test_snake_case_matches_keras(keras_ref):
    from keras.src.utils.naming import to_snake_case

    for name in NAMES:
        assert snake_case(name) == to_snake_case(name), name


def _layout(path):
    entries = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            entries[name] = obj.shape
        else:
            entries[name] = "named group" if "name" in obj.attrs else "group"

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return entries


def _subclassed(lib):
    class Block(lib.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = lib.layers.Dense(3)
            self.scale = None

        def build(self, input_shape):
            self.scale = self.add_weight(shape=(3,), initializer="ones", name="scale")
            self.inner.build(input_shape)

        def call(self, x):
            return self.inner(x) * self.scale

    class Net(lib.Model):
        def __init__(self):
            super().__init__(name="net")
            self.d = lib.layers.Dense(3)
            self.blocks = [lib.layers.Dense(3), lib.layers.Dense(3)]
            self.nested = [[lib.layers.Dense(3)], {"a": Block()}]
            self.zz_norm = lib.layers.LayerNormalization()

        def call(self, x):
            x = self.d(x)
            for layer in self.blocks:
                x = layer(x)
            x = self.nested[0][0](x)
            x = self.nested[1]["a"](x)
            return self.zz_norm(x)

    return Net()


def test_subclassed_model_layout_matches_keras(keras_ref, tmp_path):
    x = np.ones((2, 3), "float32")
    keras_model = _subclassed(keras_ref)
    keras_model(x)
    keras_model.save_weights(str(tmp_path / "keras.weights.h5"))

    model = _subclassed(cornu)
    model(x)
    model.save_weights(tmp_path / "cornu.weights.h5")
    assert _layout(tmp_path / "cornu.weights.h5") == _layout(tmp_path / "keras.weights.h5")

    # And the Keras file loads into the cornu model, giving Keras's outputs.
    model.load_weights(tmp_path / "keras.weights.h5")
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(model(x)), np.asarray(keras_model(x)), atol=1e-6)


def test_walk_visits_each_object_once_in_keras_order():
    inputs = cornu.Input(shape=(3,))
    shared = cornu.layers.Dense(3)
    outputs = cornu.layers.Dense(1)(shared(shared(inputs)))
    model = cornu.Model(inputs, outputs)
    paths = [path for path, _ in walk(model)]
    assert paths == ["", "layers/input_layer", "layers/dense", "layers/dense_1"]
