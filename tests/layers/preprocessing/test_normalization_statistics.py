"""``Normalization.mean``/``variance`` (and ``adapt_mean``/``adapt_variance``/``count``) as the
real Keras exposes them, with the same numbers after ``adapt`` on the same data."""

import numpy as np
import pytest

import cornu as keras

DATA = (np.arange(24, dtype="float32").reshape(6, 2, 2) ** 1.5) / 7.0
STATISTICS = ("mean", "variance", "adapt_mean", "adapt_variance", "count")


def _numpy(value):
    return np.asarray(keras.ops.convert_to_numpy(value)) if keras.backend.is_tensor(value) else np.asarray(value)


@pytest.mark.parametrize("axis", [-1, (1, 2), None])
def test_adapted_statistics_match_keras(axis, keras_ref):
    ours, theirs = keras.layers.Normalization(axis=axis), keras_ref.layers.Normalization(axis=axis)
    ours.adapt(DATA)
    theirs.adapt(DATA)
    assert [a for a in STATISTICS if hasattr(ours, a)] == [a for a in STATISTICS if hasattr(theirs, a)] == list(STATISTICS)
    for name in ("mean", "variance", "adapt_mean", "adapt_variance"):
        expected = np.asarray(getattr(theirs, name))
        got = _numpy(getattr(ours, name))
        assert got.shape == expected.shape, name
        assert got.dtype == expected.dtype, name
        np.testing.assert_allclose(got, expected, rtol=1e-6, err_msg=name)
    assert int(_numpy(ours.count)) == int(np.asarray(theirs.count))


def test_mean_and_variance_match_numpy():
    layer = keras.layers.Normalization()
    layer.adapt(DATA.reshape(-1, 2))
    np.testing.assert_allclose(_numpy(layer.mean), DATA.reshape(-1, 2).mean(0, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(_numpy(layer.variance), DATA.reshape(-1, 2).var(0, keepdims=True), rtol=1e-5)


def test_given_statistics_as_keras(keras_ref):
    ours = keras.layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    theirs = keras_ref.layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    assert ours.mean is None and theirs.mean is None  # not built yet
    ours.build((None, 3, 2))
    theirs.build((None, 3, 2))
    assert [a for a in STATISTICS if hasattr(ours, a)] == [a for a in STATISTICS if hasattr(theirs, a)]
    for name in ("mean", "variance"):
        np.testing.assert_array_equal(_numpy(getattr(ours, name)), np.asarray(getattr(theirs, name)))
        assert _numpy(getattr(ours, name)).shape == (1, 1, 2)


def test_mean_follows_loaded_weights(tmp_path):
    layer = keras.layers.Normalization()
    layer.adapt(DATA.reshape(-1, 2))
    model = keras.Sequential([keras.Input((2,)), layer])
    model.save_weights(tmp_path / "w.weights.h5")
    other = keras.Sequential([keras.Input((2,)), keras.layers.Normalization()])
    other.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_allclose(_numpy(other.layers[0].mean), _numpy(layer.mean))
