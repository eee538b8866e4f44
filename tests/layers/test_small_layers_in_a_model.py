"""Many of the small layers in one Functional model: same numbers as Keras,
trained with ``fit``, saved and loaded."""

import numpy as np
import pytest

import cornu

from tests.helpers.layer_compare import assert_close, to_numpy
from tests.helpers.small_layers import CLASSES


def _build(lib, layers):
    inputs = lib.Input((6, 3))
    x = layers["ZeroPadding1D"](1)(inputs)                                         # (8, 3)
    x = layers["EinsumDense"]("abc,cd->abd", (8, 8), bias_axes="d")(x)             # (8, 8)
    x = layers["GroupNormalization"](groups=2)(x)
    x = layers["PReLU"](shared_axes=[1])(x)
    x = layers["SpatialDropout1D"](0.1, seed=1)(x)
    x = layers["Cropping1D"]((1, 1))(x)                                            # (6, 8)
    x = layers["UpSampling1D"](2)(x)                                               # (12, 8)
    x = layers["Permute"]((2, 1))(x)                                               # (8, 12)
    x = layers["GaussianNoise"](0.05, seed=2)(x)
    x = layers["RMSNormalization"]()(x)
    x = layers["LeakyReLU"](0.1)(x)
    x = layers["Flatten"]()(x)                                                     # (96,)
    x = layers["AlphaDropout"](0.05, seed=3)(x)
    x = layers["ActivityRegularization"](l2=1e-4)(x)
    x = layers["SpectralNormalization"](layers["Dense"](6))(x)
    x = layers["ELU"]()(x)
    x = layers["UnitNormalization"]()(x)
    x = layers["ReLU"](max_value=6.0)(layers["Dense"](3)(x))
    outputs = layers["Softmax"]()(x)
    return lib.Model(inputs, outputs)


def _cornu_model():
    return _build(cornu, {**CLASSES, "Dense": cornu.layers.Dense, "Flatten": cornu.layers.Flatten})


def _keras_model(keras):
    names = list(CLASSES) + ["Dense", "Flatten"]
    return _build(keras, {name: getattr(keras.layers, name) for name in names})


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 6, 3)).astype("float32")
    y = (x[:, :, 0].sum(axis=1) > 0).astype("int32") + (x[:, :, 1].sum(axis=1) > 1).astype("int32")
    return x, y


def test_model_matches_keras(keras_ref):
    model, ref = _cornu_model(), _keras_model(keras_ref)
    assert [type(layer).__name__ for layer in model.layers] == [type(layer).__name__ for layer in ref.layers]
    assert [(w.name, tuple(w.shape)) for w in model.weights] == [(w.name, tuple(w.shape)) for w in ref.weights]
    model.set_weights(ref.get_weights())
    x, _ = _data()
    assert_close(model.predict(x, verbose=0), ref.predict(x, verbose=0))


@pytest.mark.requires_trainable_backend
def test_model_trains_with_fit():
    model = _cornu_model()
    spectral = next(layer for layer in model.layers if type(layer).__name__ == "SpectralNormalization")
    u_before = to_numpy(spectral.vector_u).copy()
    kernel_before = to_numpy(spectral.layer.kernel).copy()
    model.compile(optimizer=cornu.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    x, y = _data()
    history = model.fit(x, y, batch_size=16, epochs=5, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses))
    assert losses[-1] < losses[0]
    assert not np.allclose(to_numpy(spectral.vector_u), u_before)  # power iteration state moved on
    assert not np.allclose(to_numpy(spectral.layer.kernel), kernel_before)
    model(x[:4])
    assert len(model.losses) == 1  # the activity regularizer's penalty, from an eager call
    predictions = model.predict(x, verbose=0)
    np.testing.assert_allclose(predictions.sum(axis=1), 1.0, rtol=1e-5)


def test_model_saves_and_loads(tmp_path):
    model = _cornu_model()
    x, _ = _data()
    expected = model.predict(x, verbose=0)
    path = str(tmp_path / "small_layers.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    assert [type(layer).__name__ for layer in loaded.layers] == [type(layer).__name__ for layer in model.layers]
    assert_close(loaded.predict(x, verbose=0), expected)


def test_keras_files_move_both_ways(keras_ref, tmp_path):
    ref = _keras_model(keras_ref)
    x, _ = _data()
    expected = ref.predict(x, verbose=0)
    ref.save(str(tmp_path / "from_keras.keras"))
    loaded = cornu.saving.load_model(str(tmp_path / "from_keras.keras"))
    assert_close(loaded.predict(x, verbose=0), expected)
    loaded.save(str(tmp_path / "from_cornu.keras"))
    back = keras_ref.saving.load_model(str(tmp_path / "from_cornu.keras"))
    assert_close(back.predict(x, verbose=0), expected)
