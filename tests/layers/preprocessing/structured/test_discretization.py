"""``Discretization``: adapt boundaries, bucketing and encodings against the real Keras."""

import numpy as np
import pytest

import cornu

RNG = np.random.default_rng(3)
DATA = np.concatenate([RNG.normal(size=700), RNG.exponential(3.0, size=300)]).astype("float32")


def _np(x):
    return np.asarray(cornu.ops.convert_to_numpy(x))


@pytest.mark.parametrize("num_bins,epsilon", [(4, 0.01), (10, 0.03), (3, 0.1), (32, 0.01)])
def test_adapt_on_an_array_matches_keras(keras_ref, num_bins, epsilon):
    layers = [lib.layers.Discretization(num_bins=num_bins, epsilon=epsilon) for lib in (keras_ref, cornu)]
    for layer in layers:
        layer.adapt(DATA.reshape(-1, 2))
    assert layers[1].bin_boundaries == layers[0].bin_boundaries
    assert len(layers[1].bin_boundaries) == num_bins - 1
    np.testing.assert_array_equal(layers[1].summary, layers[0].summary)


def test_adapt_on_batches_matches_keras(keras_ref):
    batches = [DATA[i:i + 128].reshape(-1, 1) for i in range(0, len(DATA), 128)]
    keras_layer = keras_ref.layers.Discretization(num_bins=6, epsilon=0.02)
    keras_layer.adapt(batches)
    layer = cornu.layers.Discretization(num_bins=6, epsilon=0.02)
    layer.adapt(iter(batches))
    assert layer.bin_boundaries == keras_layer.bin_boundaries
    steps = cornu.layers.Discretization(num_bins=6, epsilon=0.02)
    steps.adapt(batches, steps=3)
    keras_steps = keras_ref.layers.Discretization(num_bins=6, epsilon=0.02)
    keras_steps.adapt(batches, steps=3)
    assert steps.bin_boundaries == keras_steps.bin_boundaries != layer.bin_boundaries


def test_adapt_on_a_py_dataset(keras_ref):
    class Batches(cornu.utils.PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, index):
            return DATA[index * 250:(index + 1) * 250], np.zeros(250)

    layer = cornu.layers.Discretization(num_bins=5)
    layer.adapt(Batches())
    keras_layer = keras_ref.layers.Discretization(num_bins=5)
    keras_layer.adapt([DATA[i * 250:(i + 1) * 250] for i in range(4)])
    assert layer.bin_boundaries == keras_layer.bin_boundaries


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("shape", [(12,), (4, 3), (12, 1), (2, 3, 2)])
def test_outputs_match_keras(keras_ref, mode, shape):
    boundaries = [-1.0, 0.0, 0.5, 2.0]
    x = RNG.normal(size=shape).astype("float32")
    x.flat[0] = 0.5  # a value on a boundary goes to the bin above
    expected = np.asarray(keras_ref.layers.Discretization(bin_boundaries=boundaries, output_mode=mode)(x))
    layer = cornu.layers.Discretization(bin_boundaries=boundaries, output_mode=mode)
    host = layer(x)
    assert isinstance(host, np.ndarray) and host.dtype == expected.dtype
    np.testing.assert_array_equal(host, expected)
    on_backend = layer(cornu.ops.convert_to_tensor(x))
    assert cornu.backend.is_tensor(on_backend)
    np.testing.assert_array_equal(_np(on_backend), expected)
    assert layer.compute_output_shape(shape) == expected.shape


def test_config_matches_keras(keras_ref):
    for kwargs in [dict(num_bins=5, epsilon=0.05), dict(bin_boundaries=[0.0, 1.5], output_mode="count")]:
        layers = [lib.layers.Discretization(**kwargs) for lib in (keras_ref, cornu)]
        if "num_bins" in kwargs:
            for layer in layers:
                layer.adapt(DATA)
        config = layers[1].get_config()
        assert config == layers[0].get_config()
        clone = cornu.layers.Discretization.from_config(config)
        np.testing.assert_array_equal(clone(DATA[:20]), layers[1](DATA[:20]))


def _model(lib, adapted):
    inputs = lib.Input(shape=(3,))
    layer = lib.layers.Discretization(num_bins=5, epsilon=0.05, output_mode="one_hot", name="bins")
    layer.adapt(adapted)
    x = lib.layers.Flatten()(layer(inputs))
    return lib.Model(inputs, lib.layers.Dense(2, name="out")(x))


def test_keras_file_both_ways(keras_ref, tmp_path):
    x = DATA[:30].reshape(10, 3)
    keras_model = _model(keras_ref, DATA)
    keras_model.save(str(tmp_path / "keras.keras"))
    loaded = cornu.saving.load_model(tmp_path / "keras.keras")
    np.testing.assert_allclose(_np(loaded(x)), np.asarray(keras_model(x)), rtol=1e-5, atol=1e-5)
    assert loaded.get_layer("bins").bin_boundaries == keras_model.get_layer("bins").bin_boundaries

    model = _model(cornu, DATA)
    model.save(tmp_path / "cornu.keras")
    back = keras_ref.saving.load_model(str(tmp_path / "cornu.keras"))
    np.testing.assert_allclose(np.asarray(back(x)), _np(model(x)), rtol=1e-5, atol=1e-5)


def test_predict_in_a_compiled_model():
    model = _model(cornu, DATA)
    x = DATA[:30].reshape(10, 3)
    np.testing.assert_allclose(model.predict(x, verbose=0), _np(model(x)), rtol=1e-5, atol=1e-5)


@pytest.mark.requires_trainable_backend
def test_trains_in_a_model():
    model = _model(cornu, DATA)
    x = DATA[:300].reshape(100, 3)
    y = np.stack([x[:, 0] > 0, x[:, 1] > 1], axis=1).astype("float32")
    model.compile(optimizer="adam", loss="mse")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=5, batch_size=20, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before


def test_errors():
    with pytest.raises(ValueError, match="either"):
        cornu.layers.Discretization()
    with pytest.raises(ValueError, match="Both"):
        cornu.layers.Discretization(bin_boundaries=[0.0], num_bins=3)
    with pytest.raises(ValueError, match="greater than or equal"):
        cornu.layers.Discretization(num_bins=-1)
    with pytest.raises(ValueError, match="output_mode"):
        cornu.layers.Discretization(num_bins=3, output_mode="tf_idf")
    with pytest.raises(ValueError, match="adapt"):
        cornu.layers.Discretization(bin_boundaries=[1.0]).adapt(DATA)
    with pytest.raises(ValueError, match="adapt"):
        cornu.layers.Discretization(num_bins=3)(DATA)
