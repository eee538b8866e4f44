"""``HashedCrossing``: the same crossed bins as the real Keras (TensorFlow's ``sparse.cross_hashed``)."""

import numpy as np
import pytest

import cornu

RNG = np.random.default_rng(11)
WORDS = np.array(["", "a", "B", "naïve", "漢字", "x" * 9, "y" * 17, "z" * 33, "😀 emoji"], dtype=object)


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


def _features(n=200):
    return (WORDS[RNG.integers(0, len(WORDS), n)].astype(str),
            RNG.integers(-2**40, 2**40, n),
            RNG.integers(-5, 5, n).astype("int32"))


@pytest.mark.parametrize("num_bins", [1, 5, 1000, 2**31 - 1])
def test_crosses_match_keras(keras_ref, num_bins):
    strings, ints, small = _features()
    for features in [(strings, ints), (ints, strings), (small, strings, ints), (strings, strings)]:
        expected = np.asarray(keras_ref.layers.HashedCrossing(num_bins=num_bins)(features))
        got = cornu.layers.HashedCrossing(num_bins=num_bins)(features)
        assert isinstance(got, np.ndarray)
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("shape", [(), (6,), (6, 1)])
@pytest.mark.parametrize("mode", ["int", "one_hot"])
def test_shapes_and_one_hot_match_keras(keras_ref, shape, mode):
    strings, ints, _ = _features(6)
    features = (strings.reshape(shape) if shape else strings[0], ints.reshape(shape) if shape else ints[0])
    expected = np.asarray(keras_ref.layers.HashedCrossing(num_bins=7, output_mode=mode)(features))
    layer = cornu.layers.HashedCrossing(num_bins=7, output_mode=mode)
    got = _np(layer(features))
    np.testing.assert_array_equal(got, expected)
    assert got.shape == expected.shape == layer.compute_output_shape((shape, shape))


def test_backend_tensors_and_config(keras_ref):
    a = RNG.integers(0, 50, (8, 1)).astype("int32")
    b = RNG.integers(0, 50, (8, 1)).astype("int32")
    layer = cornu.layers.HashedCrossing(num_bins=16, output_mode="one_hot", name="cross")
    out = layer((cornu.ops.convert_to_tensor(a), cornu.ops.convert_to_tensor(b)))
    assert cornu.backend.is_tensor(out)
    keras_layer = keras_ref.layers.HashedCrossing(num_bins=16, output_mode="one_hot", name="cross")
    np.testing.assert_array_equal(_np(out), np.asarray(keras_layer((a, b))))
    assert layer.get_config() == keras_layer.get_config()
    assert cornu.layers.HashedCrossing.from_config(layer.get_config()).get_config() == layer.get_config()


def _model(lib):
    a = lib.Input(shape=(1,), dtype="int32", name="a")
    b = lib.Input(shape=(1,), dtype="int32", name="b")
    crossed = lib.layers.HashedCrossing(num_bins=12, output_mode="one_hot", name="cross")((a, b))
    return lib.Model([a, b], lib.layers.Dense(3, name="out")(crossed))


def test_keras_file_both_ways(keras_ref, tmp_path):
    x = [RNG.integers(0, 9, (10, 1)).astype("int32"), RNG.integers(0, 9, (10, 1)).astype("int32")]
    keras_model = _model(keras_ref)
    keras_model.save(str(tmp_path / "keras.keras"))
    loaded = cornu.saving.load_model(tmp_path / "keras.keras")
    np.testing.assert_allclose(_np(loaded(x)), np.asarray(keras_model(x)), rtol=1e-5, atol=1e-5)

    model = _model(cornu)
    model.save(tmp_path / "cornu.keras")
    back = keras_ref.saving.load_model(str(tmp_path / "cornu.keras"))
    np.testing.assert_allclose(np.asarray(back(x)), _np(model(x)), rtol=1e-5, atol=1e-5)


@pytest.mark.requires_trainable_backend
def test_trains_in_a_model():
    x = [RNG.integers(0, 4, (32, 1)).astype("int32"), RNG.integers(0, 4, (32, 1)).astype("int32")]
    y = ((x[0] == x[1]) * 1.0).repeat(3, axis=1).astype("float32")
    model = _model(cornu)
    model.compile(optimizer="adam", loss="mse")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before
    np.testing.assert_allclose(model.predict(x, verbose=0), _np(model(x)), rtol=1e-5, atol=1e-6)


def test_errors():
    layer = cornu.layers.HashedCrossing(num_bins=3)
    with pytest.raises(ValueError, match="list or tuple"):
        layer(np.array([1, 2]))
    with pytest.raises(ValueError, match="at least two"):
        layer([np.array([1, 2])])
    with pytest.raises(ValueError, match="equal shape"):
        layer((np.array([1, 2]), np.array([1, 2, 3])))
    with pytest.raises(ValueError, match="shape"):
        layer((np.ones((2, 2), "int32"), np.ones((2, 2), "int32")))
    with pytest.raises(ValueError, match="integer or string"):
        layer((np.array([1.5]), np.array([1])))
    with pytest.raises(ValueError, match="output_mode"):
        cornu.layers.HashedCrossing(num_bins=3, output_mode="count")
