"""``Normalization`` (given statistics or ``adapt``) and ``Rescaling``: NumPy references, the
real Keras side by side (numbers, configs, weights, ``.keras`` files both ways), and errors."""

import numpy as np
import pytest

import cornu
from cornu import layers

RNG = np.random.default_rng(11)
DATA = RNG.normal(3.0, 2.0, size=(60, 4, 3)).astype("float32")


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


@pytest.mark.parametrize("axis", [-1, None, (1, 2), 1])
def test_adapt_then_call_matches_numpy(axis):
    layer = layers.Normalization(axis=axis)
    layer.adapt(DATA)
    keep = () if axis is None else tuple(a % 3 for a in ((axis,) if isinstance(axis, int) else axis))
    reduce = tuple(d for d in range(3) if d not in keep)
    mean = DATA.astype("float64").mean(axis=reduce, keepdims=True)
    std = DATA.astype("float64").std(axis=reduce, keepdims=True)
    np.testing.assert_allclose(_np(layer(DATA)), (DATA - mean) / std, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(layer.adapt_mean.value), np.squeeze(mean, reduce), rtol=1e-5)


@pytest.mark.parametrize("make_batches", [
    lambda: [DATA[:25], DATA[25:40], DATA[40:]],
    lambda: ((DATA[i:i + 16], np.zeros(len(DATA[i:i + 16]))) for i in range(0, 60, 16)),
])
def test_adapt_over_batches_equals_adapt_over_everything(make_batches):
    whole, batched = layers.Normalization(), layers.Normalization()
    whole.adapt(DATA)
    batched.adapt(make_batches())
    np.testing.assert_allclose(_np(batched.adapt_mean.value), _np(whole.adapt_mean.value), rtol=1e-5)
    np.testing.assert_allclose(_np(batched.adapt_variance.value), _np(whole.adapt_variance.value), rtol=1e-4)


def test_adapt_on_a_py_dataset():
    class Batches(cornu.utils.PyDataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return DATA[i * 20:(i + 1) * 20], np.zeros(20)

    layer = layers.Normalization()
    layer.adapt(Batches())
    np.testing.assert_allclose(_np(layer.adapt_mean.value), DATA.reshape(-1, 3).mean(0), rtol=1e-5)


def test_given_statistics_and_invert():
    mean, variance = [1.0, 2.0, 3.0], [1.0, 4.0, 9.0]
    x = DATA[0]
    normalized = _np(layers.Normalization(mean=mean, variance=variance)(x))
    np.testing.assert_allclose(normalized, (x - np.array(mean)) / np.sqrt(variance), rtol=1e-6)
    restored = _np(layers.Normalization(mean=mean, variance=variance, invert=True)(normalized))
    np.testing.assert_allclose(restored, x, rtol=1e-5, atol=1e-5)
    scalar = _np(layers.Normalization(mean=3.0, variance=2.0)(np.array([[1.0], [2.0], [3.0]])))
    np.testing.assert_allclose(scalar[:, 0], [-1.4142135, -0.70710677, 0.0], rtol=1e-6)


def test_errors_are_clear():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        layers.Normalization(mean=[1.0, 2.0], variance=[1.0])
    with pytest.raises(ValueError, match="rank of `mean`"):
        layers.Normalization(mean=[[1.0]], variance=[[1.0]])
    with pytest.raises(ValueError, match="axis"):
        layers.Normalization(axis=3).adapt(DATA)
    layer = layers.Normalization()
    layer.adapt(DATA)
    with pytest.raises(ValueError, match="incompatible shape"):
        layer.adapt(np.ones((4, 4, 5), "float32"))
    with pytest.raises(ValueError, match="no data"):
        layers.Normalization().adapt([])
    with pytest.raises(TypeError, match="adapt"):
        layers.Normalization().adapt(3.0)


@pytest.mark.parametrize("scale, offset", [(1.0 / 255, 0.0), (2.0, -1.0), ([0.5, 1.0, 2.0], 0.25)])
def test_rescaling_matches_numpy(scale, offset):
    x = RNG.integers(0, 255, size=(4, 2, 3)).astype("uint8")
    out = _np(layers.Rescaling(scale, offset)(x))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, x.astype("float32") * np.asarray(scale, "float32") + offset, rtol=1e-6)


def test_rescaling_config_round_trip():
    layer = layers.Rescaling([0.5, 2.0], offset=1.0, name="scale")
    clone = layers.Rescaling.from_config(layer.get_config())
    x = np.ones((2, 2), "float32")
    np.testing.assert_array_equal(_np(clone(x)), _np(layer(x)))


def _model(lib):
    inputs = lib.Input((4, 3))
    norm = lib.layers.Normalization(name="norm")
    norm.adapt(DATA)
    h = lib.layers.Rescaling(0.5, offset=0.1, name="rescale")(norm(inputs))
    return lib.Model(inputs, lib.layers.Dense(2, name="out")(lib.layers.Flatten()(h)))


@pytest.mark.parametrize("axis", [-1, None, (1, 2)])
def test_matches_keras(keras_ref, axis):
    results = []
    for lib in (keras_ref, cornu):
        layer = lib.layers.Normalization(axis=axis)
        layer.adapt(DATA)
        results.append((np.asarray(lib.ops.convert_to_numpy(layer(DATA[:5]))), layer.get_config(),
                        [(w.path.split("/")[-1], tuple(w.shape)) for w in layer.weights]))
    (k_out, k_config, k_weights), (out, config, weights) = results
    np.testing.assert_allclose(out, k_out, rtol=1e-5, atol=1e-5)
    assert {k: v for k, v in config.items() if k != "name"} == {k: v for k, v in k_config.items() if k != "name"}
    assert weights == k_weights


def test_keras_file_both_ways(keras_ref, tmp_path):
    x = DATA[:6]
    keras_model = _model(keras_ref)
    keras_model.save(str(tmp_path / "keras.keras"))
    loaded = cornu.saving.load_model(tmp_path / "keras.keras")
    np.testing.assert_allclose(_np(loaded(x)), np.asarray(keras_model(x)), rtol=1e-5, atol=1e-5)

    model = _model(cornu)
    model.save(tmp_path / "cornu.keras")
    back = keras_ref.saving.load_model(str(tmp_path / "cornu.keras"))
    np.testing.assert_allclose(np.asarray(back(x)), _np(model(x)), rtol=1e-5, atol=1e-5)


@pytest.mark.requires_trainable_backend
def test_fit_leaves_the_adapted_statistics_alone():
    model = _model(cornu)
    model.compile(optimizer="adam", loss="mse")
    before = _np(model.get_layer("norm").adapt_mean.value).copy()
    model.fit(DATA, np.zeros((60, 2), "float32"), epochs=2, verbose=0)
    np.testing.assert_array_equal(_np(model.get_layer("norm").adapt_mean.value), before)
    assert all("norm" not in w.path for w in model.trainable_weights)
