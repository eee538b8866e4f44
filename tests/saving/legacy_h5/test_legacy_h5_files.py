"""Loading legacy whole-model `.h5` files written by the real Keras 3.15.1 and in the tf.keras 2 layout.

Fixtures: tests/fixtures/legacy_h5/ (make_fixtures.py). Each `.npz` beside a file holds its inputs
and the expected predictions (real Keras's for `keras3_*`, a NumPy reference for `keras2_*`).
"""

import warnings

import numpy as np
import pytest

import cornu
from tests.helpers.requirements import fixture_path

KERAS3_FILES = ["sequential_mlp", "functional_two_inputs", "conv_batchnorm", "lstm"]
KERAS2_FILES = ["sequential_mlp", "sequential_batch_input_shape", "functional_two_inputs", "dense_batchnorm"]


def _inputs_and_expected(path):
    data = np.load(str(path)[: -len(".h5")] + ".npz")
    inputs = [data[k] for k in sorted(data.files) if k.startswith("input_")]
    return (inputs if len(inputs) > 1 else inputs[0]), data["expected"]


def _load(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "not compiled" warnings of the uncompiled fixtures
        return cornu.saving.load_model(path, **kwargs)


@pytest.mark.parametrize("name", KERAS3_FILES)
def test_keras3_file_predicts_like_keras(name):
    path = fixture_path("legacy_h5", f"keras3_{name}.h5")
    model = _load(path)
    inputs, expected = _inputs_and_expected(path)
    np.testing.assert_allclose(np.asarray(model.predict(inputs, verbose=0)), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", KERAS2_FILES)
def test_keras2_file_predicts_like_numpy_reference(name):
    path = fixture_path("legacy_h5", f"keras2_{name}.h5")
    model = cornu.models.load_model(str(path), compile=False)
    inputs, expected = _inputs_and_expected(path)
    np.testing.assert_allclose(np.asarray(model.predict(inputs, verbose=0)), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["sequential_mlp", "functional_two_inputs"])
def test_real_keras_loads_the_same_file_to_the_same_predictions(keras_ref, name):
    path = str(fixture_path("legacy_h5", f"keras3_{name}.h5"))
    inputs, _ = _inputs_and_expected(path)
    # Keras 3.15.1 cannot compile its own `.h5` files whose loss is a string like "mse"; compile=False works.
    reference = keras_ref.saving.load_model(path, compile=False).predict(inputs, verbose=0)
    ours = _load(path, compile=False).predict(inputs, verbose=0)
    np.testing.assert_allclose(np.asarray(ours), reference, rtol=1e-5, atol=1e-6)


def test_keras3_file_is_compiled_and_its_optimizer_state_restored():
    import h5py

    path = fixture_path("legacy_h5", "keras3_sequential_mlp.h5")
    model = _load(path)
    assert model.compiled
    assert isinstance(model.optimizer, cornu.optimizers.Adam)
    np.testing.assert_allclose(float(np.asarray(model.optimizer.learning_rate)), 0.001, rtol=1e-6)
    with h5py.File(path, "r") as f:
        names = [n.decode() if isinstance(n, bytes) else n for n in f["optimizer_weights"].attrs["weight_names"]]
        saved = [np.asarray(f["optimizer_weights"][n]) for n in names]
    assert len(model.optimizer.variables) == len(saved)
    for variable, value in zip(model.optimizer.variables, saved):
        np.testing.assert_allclose(np.asarray(variable.numpy()), value, rtol=1e-6)
    assert int(np.asarray(model.optimizer.iterations)) == 1


def test_keras2_training_config_spellings_compile():
    adam_model = _load(fixture_path("legacy_h5", "keras2_sequential_mlp.h5"))  # "Custom>Adam", MeanMetricWrapper
    assert adam_model.compiled and isinstance(adam_model.optimizer, cornu.optimizers.Adam)
    sgd_model = _load(fixture_path("legacy_h5", "keras2_sequential_batch_input_shape.h5"))  # "lr", "decay"
    assert isinstance(sgd_model.optimizer, cornu.optimizers.SGD)
    np.testing.assert_allclose(float(np.asarray(sgd_model.optimizer.learning_rate)), 0.01, rtol=1e-6)


def test_compile_false_and_missing_training_config():
    model = cornu.saving.load_model(fixture_path("legacy_h5", "keras3_sequential_mlp.h5"), compile=False)
    assert not model.compiled
    with pytest.warns(UserWarning, match="No training configuration"):
        model = cornu.saving.load_model(fixture_path("legacy_h5", "keras3_conv_batchnorm.h5"))
    assert not model.compiled


@pytest.mark.requires_trainable_backend
def test_loaded_model_trains_like_numpy_mse_step():
    path = fixture_path("legacy_h5", "keras2_sequential_mlp.h5")
    model = _load(path)
    model.compile(optimizer=cornu.optimizers.SGD(0.1), loss="mse")
    x, _ = _inputs_and_expected(path)
    y = np.zeros((x.shape[0], 2), "float32")
    before = [np.asarray(w.numpy()) for w in model.weights]
    model.fit(x, y, epochs=1, batch_size=x.shape[0], verbose=0)
    k1, b1, k2, b2 = before
    h = x @ k1 + b1
    a = np.maximum(h, 0)
    out = a @ k2 + b2
    grad_out = 2 * (out - y) / out.size
    grad_k2 = a.T @ grad_out
    np.testing.assert_allclose(np.asarray(model.weights[2].numpy()), k2 - 0.1 * grad_k2, rtol=1e-4, atol=1e-5)


def test_h5py_file_object_is_accepted():
    import h5py

    path = fixture_path("legacy_h5", "keras3_conv_batchnorm.h5")
    with h5py.File(path, "r") as f:
        model = cornu.saving.load_model(f, compile=False)
    inputs, expected = _inputs_and_expected(path)
    np.testing.assert_allclose(np.asarray(model.predict(inputs, verbose=0)), expected, rtol=1e-5, atol=1e-5)


def test_saving_to_h5_points_to_keras_format(tmp_path):
    model = _load(fixture_path("legacy_h5", "keras3_sequential_mlp.h5"), compile=False)
    with pytest.raises(ValueError, match=r"\.keras"):
        model.save(str(tmp_path / "model.h5"))
    assert not (tmp_path / "model.h5").exists()
