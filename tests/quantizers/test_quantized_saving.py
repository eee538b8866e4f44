"""Quantized ``.keras`` files move both ways between cornu and the real Keras 3.15.1, with the same
weight layout (h5 dataset names, shapes, dtypes), the same configs and the same predictions."""

import json
import warnings
import zipfile

import h5py
import numpy as np
import pytest

import cornu
from cornu import ops


def _make(k):
    inputs = k.Input((4,), dtype="int32")
    x = k.layers.Embedding(10, 6, name="embed")(inputs)
    x = k.layers.EinsumDense("abc,cde->abde", output_shape=(4, 2, 3), bias_axes="de", name="heads")(x)
    x = k.layers.EinsumDense("abcd,cde->abe", output_shape=(4, 5), bias_axes="e", name="merge")(x)
    x = k.layers.Flatten()(x)
    x = k.layers.Dense(7, activation="relu", name="hidden")(x)
    outputs = k.layers.Dense(3, use_bias=False, name="head")(x)
    return k.Model(inputs, outputs)


def _quantized_twins(keras_ref):
    ours, theirs = _make(cornu), _make(keras_ref)
    rng = np.random.RandomState(21)
    weights = [rng.randn(*w.shape).astype("float32") * 0.3 for w in theirs.get_weights()]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    ours.quantize("int8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras warns for the layers it cannot quantize (InputLayer, Flatten)
        theirs.quantize("int8")
    return ours, theirs


INPUTS = np.random.RandomState(4).randint(0, 10, size=(5, 4)).astype("int32")


def _h5_datasets(path):
    with zipfile.ZipFile(path) as archive, archive.open("model.weights.h5") as raw:
        with h5py.File(raw, "r") as f:
            found = {}
            f.visititems(lambda name, obj: found.__setitem__(name, (obj.shape, str(obj.dtype)))
                         if isinstance(obj, h5py.Dataset) else None)
            return found


def _layer_configs(path):
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    return {layer["config"]["name"]: layer["config"] for layer in config["config"]["layers"]}


def _strip_shared_ids(config):
    if isinstance(config, dict):
        return {k: _strip_shared_ids(v) for k, v in config.items() if k != "shared_object_id"}
    if isinstance(config, list):
        return [_strip_shared_ids(v) for v in config]
    return config


def test_cornu_file_loads_in_keras_with_same_predictions(keras_ref, tmp_path):
    ours, theirs = _quantized_twins(keras_ref)
    expected = np.asarray(ops.convert_to_numpy(ours.predict(INPUTS, verbose=0)))
    np.testing.assert_allclose(expected, np.asarray(theirs.predict(INPUTS, verbose=0)), rtol=1e-5, atol=1e-5)
    ours_path, theirs_path = tmp_path / "cornu.keras", tmp_path / "keras.keras"
    ours.save(ours_path)
    theirs.save(theirs_path)
    # The same weight layout as Keras's own file.
    assert _h5_datasets(ours_path) == _h5_datasets(theirs_path)
    assert _h5_datasets(ours_path)["layers/einsum_dense/vars/2"] == ((1, 1, 2, 3), "float32")
    ours_configs, theirs_configs = _layer_configs(ours_path), _layer_configs(theirs_path)
    for name in ("embed", "heads", "merge", "hidden", "head"):
        for key in ("dtype", "quantization_config"):
            assert _strip_shared_ids(ours_configs[name][key]) == _strip_shared_ids(theirs_configs[name][key]), (
                name, key)
    loaded = keras_ref.saving.load_model(ours_path)
    assert loaded.get_layer("hidden").kernel.dtype == "int8"
    np.testing.assert_allclose(np.asarray(loaded.predict(INPUTS, verbose=0)), expected, rtol=1e-5, atol=1e-5)


def test_keras_file_loads_in_cornu_with_same_predictions(keras_ref, tmp_path):
    # On every backend, numpy included: inference of a quantized model needs no training.
    theirs = _make(keras_ref)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.quantize("int8")
    path = tmp_path / "keras.keras"
    theirs.save(path)
    expected = np.asarray(theirs.predict(INPUTS, verbose=0))
    loaded = cornu.saving.load_model(path)
    for layer in loaded.layers:
        if layer.name in ("embed", "heads", "merge", "hidden", "head"):
            assert layer.dtype_policy.name == "int8_from_float32", layer.name
            reference = theirs.get_layer(layer.name)
            for mine, theirs_weight in zip(layer.weights, reference.weights):
                assert (mine.dtype, tuple(mine.shape)) == (theirs_weight.dtype, tuple(theirs_weight.shape))
                np.testing.assert_array_equal(ops.convert_to_numpy(mine.value), np.asarray(theirs_weight.value))
    np.testing.assert_allclose(np.asarray(ops.convert_to_numpy(loaded.predict(INPUTS, verbose=0))), expected,
                               rtol=1e-5, atol=1e-5)
    # Saved again by cornu, the file is the one Keras wrote (same datasets).
    again = tmp_path / "again.keras"
    loaded.save(again)
    assert _h5_datasets(again) == _h5_datasets(path)


def test_cornu_round_trip_keeps_weight_only_config(tmp_path):
    model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(4, name="d")])
    model.quantize(config=cornu.quantizers.Int8QuantizationConfig(activation_quantizer=None))
    x = np.random.RandomState(0).randn(2, 3).astype("float32")
    expected = ops.convert_to_numpy(model(x))
    model.save(tmp_path / "m.keras")
    loaded = cornu.saving.load_model(tmp_path / "m.keras")
    assert loaded.get_layer("d").inputs_quantizer is None
    np.testing.assert_allclose(ops.convert_to_numpy(loaded(x)), expected, rtol=1e-6)
    with pytest.raises(ValueError, match="expected 3 variables"):
        loaded.get_layer("d").load_own_variables({"0": np.zeros((3, 4), "int8")})
