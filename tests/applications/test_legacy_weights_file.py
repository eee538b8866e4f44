"""``model.load_weights("x.h5")`` for the legacy Keras 2 weights-only layout (the layout of the
ImageNet files Keras publishes), checked against files written by the real Keras 3.15.1.
"""

import pathlib
import shutil
import warnings

import h5py
import numpy as np
import pytest

import cornu
from tests.helpers.requirements import fixture_path
from tests.applications.legacy_weights_helpers import (INPUT_SHAPE, batch, randomize, save_keras2_layout,
                                                       save_legacy_weights, small_convnet)


@pytest.fixture(scope="module")
def keras_file(_keras_module, tmp_path_factory):
    """A legacy weights file from the real Keras, and the real Keras model's predictions (built once)."""
    _keras_module.backend.clear_session(free_memory=False)
    reference = small_convnet(_keras_module)
    randomize(reference)
    path = save_legacy_weights(_keras_module, reference,
                               tmp_path_factory.mktemp("legacy") / "small_convnet_tf_no_top.h5")
    return path, np.asarray(reference.predict(batch(), verbose=0))


def _snapshot(model):
    return [np.array(cornu.ops.convert_to_numpy(w.value)) for w in model.weights]


def _assert_unchanged(model, before):
    for expected, weight in zip(before, model.weights):
        np.testing.assert_array_equal(cornu.ops.convert_to_numpy(weight.value), expected)


@pytest.mark.parametrize("top_level_group", [True, False])
def test_keras_legacy_file_loads_in_order_and_predicts_like_keras(keras_ref, tmp_path, top_level_group):
    reference = small_convnet(keras_ref, names=False)
    randomize(reference)
    path = save_legacy_weights(keras_ref, reference, tmp_path / "w.h5", top_level_group)
    model = small_convnet(cornu, names=False)  # other auto names: matching is by order
    model.load_weights(path)
    np.testing.assert_allclose(np.asarray(model.predict(batch(), verbose=0)),
                               reference.predict(batch(), verbose=0), rtol=1e-5, atol=1e-6)


def test_tf_keras_2_layout_of_the_published_files(keras_ref, tmp_path):
    reference = small_convnet(keras_ref)
    randomize(reference, seed=4)
    path = save_keras2_layout(reference, tmp_path / "resnet_like_weights_tf_dim_ordering_tf_kernels.h5")
    expected = reference.predict(batch(), verbose=0)
    again = small_convnet(keras_ref)
    again.load_weights(path)  # the real Keras reads the file as the published ones
    np.testing.assert_allclose(again.predict(batch(), verbose=0), expected, rtol=1e-6)
    model = small_convnet(cornu, names=False)
    model.load_weights(path)
    np.testing.assert_allclose(np.asarray(model.predict(batch(), verbose=0)), expected, rtol=1e-5, atol=1e-6)


def test_real_keras_reads_the_same_file_to_the_same_predictions(keras_ref, keras_file):
    path, expected = keras_file
    again = small_convnet(keras_ref)
    again.load_weights(path)
    model = small_convnet(cornu)
    model.load_weights(path)
    np.testing.assert_allclose(again.predict(batch(), verbose=0), expected, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(model.predict(batch(), verbose=0)), expected, rtol=1e-5, atol=1e-6)


def test_hdf5_suffix_and_pathlike(keras_file, tmp_path):
    path, expected = keras_file
    copy = tmp_path / "copy.hdf5"
    shutil.copy(path, copy)
    model = small_convnet(cornu)
    model.load_weights(pathlib.Path(copy))
    np.testing.assert_allclose(np.asarray(model.predict(batch(), verbose=0)), expected, rtol=1e-5, atol=1e-6)


def test_shape_mismatch_names_the_layer_and_leaves_the_model_unchanged(keras_file):
    path, _ = keras_file
    model = small_convnet(cornu, dense_units=5)
    before = _snapshot(model)
    with pytest.raises(ValueError, match=r"Shape mismatch in layer #4 \(named 'predictions'.*\(6, 5\).*\(6, 4\)"):
        model.load_weights(path)
    _assert_unchanged(model, before)


def test_skip_mismatch_loads_the_rest(keras_ref, keras_file):
    path, _ = keras_file
    reference = small_convnet(keras_ref, dense_units=5)
    reference.load_weights(path, skip_mismatch=True)
    model = small_convnet(cornu, dense_units=5)
    dense_before = _snapshot(model.get_layer("predictions"))
    with pytest.warns(UserWarning, match="predictions"):
        model.load_weights(path, skip_mismatch=True)
    _assert_unchanged(model.get_layer("predictions"), dense_before)
    for name in ("stem_conv", "stem_bn", "dw_conv", "dw_bn"):
        for ours, theirs in zip(model.get_layer(name).weights, reference.get_layer(name).weights):
            np.testing.assert_array_equal(cornu.ops.convert_to_numpy(ours.value), np.asarray(theirs.value))


def test_layer_count_mismatch_is_refused(keras_file):
    path, _ = keras_file
    inputs = cornu.Input(INPUT_SHAPE)
    model = cornu.Model(inputs, cornu.layers.Dense(2)(cornu.layers.Flatten()(inputs)))
    before = _snapshot(model)
    with pytest.raises(ValueError, match="Layer count mismatch.*1 layers with weights.*5 layers"):
        model.load_weights(path)
    _assert_unchanged(model, before)


def test_by_name_loads_matching_layers_only(keras_ref, keras_file):
    path, _ = keras_file
    inputs = cornu.Input(INPUT_SHAPE)
    x = cornu.layers.Conv2D(6, 3, padding="same", use_bias=False, name="stem_conv")(inputs)
    x = cornu.layers.Conv2D(2, 1, name="new_head")(x)
    model = cornu.Model(inputs, x)
    head_before = _snapshot(model.get_layer("new_head"))
    model.load_weights(path, by_name=True)
    reference = small_convnet(keras_ref)
    reference.load_weights(path)
    np.testing.assert_array_equal(cornu.ops.convert_to_numpy(model.get_layer("stem_conv").kernel.value),
                                  np.asarray(reference.get_layer("stem_conv").kernel.value))
    _assert_unchanged(model.get_layer("new_head"), head_before)


def test_by_name_weight_count_mismatch(keras_file):
    path, _ = keras_file
    inputs = cornu.Input(INPUT_SHAPE)
    x = cornu.layers.Conv2D(6, 3, padding="same", use_bias=True, name="stem_conv")(inputs)  # + bias
    model = cornu.Model(inputs, x)
    before = _snapshot(model)
    with pytest.raises(ValueError, match=r"Weight count mismatch for layer #\d+ \(named 'stem_conv'\).*2.*1"):
        model.load_weights(path, by_name=True)
    _assert_unchanged(model, before)
    with pytest.warns(UserWarning, match="stem_conv"):
        model.load_weights(path, by_name=True, skip_mismatch=True)
    _assert_unchanged(model, before)


@pytest.mark.parametrize("name", ["keras3_conv_batchnorm", "keras2_dense_batchnorm"])
def test_whole_model_h5_weights_load_into_a_rebuilt_model(name):
    path = str(fixture_path("legacy_h5", f"{name}.h5"))  # tests/saving/legacy_h5's fixtures
    data = np.load(path[: -len(".h5")] + ".npz")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rebuilt = cornu.models.clone_model(cornu.saving.load_model(path, compile=False))  # fresh weights
    rebuilt.load_weights(path)
    np.testing.assert_allclose(np.asarray(rebuilt.predict(data["input_0"], verbose=0)), data["expected"],
                               rtol=1e-5, atol=1e-5)


def test_missing_file_and_non_keras_file(tmp_path):
    model = small_convnet(cornu)
    with pytest.raises(FileNotFoundError, match="missing.h5"):
        model.load_weights(str(tmp_path / "missing.h5"))
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["data"] = np.zeros(3)
    with pytest.raises(ValueError, match="not a Keras weights file"):
        model.load_weights(str(other))
    text = tmp_path / "text.h5"
    text.write_text("not hdf5")
    with pytest.raises(ValueError, match="not a valid HDF5 file"):
        model.load_weights(str(text))


def test_objects_to_skip_is_refused_for_legacy_files(keras_file):
    path, _ = keras_file
    with pytest.raises(ValueError, match="objects_to_skip"):
        small_convnet(cornu).load_weights(path, objects_to_skip=[])


def _edited_copy(keras_file, tmp_path, edit):
    copy = tmp_path / "edited.h5"
    shutil.copy(keras_file[0], copy)
    with h5py.File(copy, "r+") as f:
        edit(f)
    return str(copy)


def test_a_listed_weight_missing_from_the_file_names_the_layer(keras_file, tmp_path):
    def drop_gamma(f):
        del f["dw_bn/dw_bn/gamma"]

    model = small_convnet(cornu)
    before = _snapshot(model)
    with pytest.raises(ValueError, match="dw_bn/gamma.*'/dw_bn'"):
        model.load_weights(_edited_copy(keras_file, tmp_path, drop_gamma))
    _assert_unchanged(model, before)


def test_links_inside_the_file_are_refused(keras_file, tmp_path):
    def link(f):
        f["dw_bn/extra"] = h5py.SoftLink("/stem_bn")

    with pytest.raises(ValueError, match="SoftLink"):
        small_convnet(cornu).load_weights(_edited_copy(keras_file, tmp_path, link))
