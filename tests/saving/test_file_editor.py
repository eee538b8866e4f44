"""`cornu.saving.KerasFileEditor` edits weights files exactly like Keras 3.15.1's editor.

Files are written by the real Keras (`keras_ref`); each edit is applied with both editors and the
resulting `.weights.h5` files are compared dataset by dataset, then loaded into a cornu model.
"""

import h5py
import numpy as np
import pytest

import cornu
from cornu.saving import KerasFileEditor
from cornu.saving.weights_store import UnsafeWeightsFileError


def _datasets(path):
    found = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            found[name] = np.asarray(obj[()])

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return found


def _assert_same_files(ours, theirs):
    a, b = _datasets(ours), _datasets(theirs)
    assert sorted(a) == sorted(b)
    for name in a:
        assert a[name].dtype == b[name].dtype, name
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


@pytest.fixture
def keras_files(keras_ref, tmp_path):
    """A trained two-Dense model saved by real Keras as `.weights.h5` and `.keras`."""
    keras = keras_ref
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    model.fit(rng.normal(size=(4, 3)), rng.normal(size=(4, 2)), epochs=1, verbose=0)
    weights = tmp_path / "model.weights.h5"
    archive = tmp_path / "model.keras"
    model.save_weights(str(weights))
    model.save(str(archive))
    return {"weights": str(weights), "keras": str(archive), "model": model, "keras_module": keras}


def _edit_both(keras_ref, source, tmp_path, edit):
    ours = KerasFileEditor(source)
    theirs = keras_ref.saving.KerasFileEditor(source)
    edit(ours)
    edit(theirs)
    ours_path, theirs_path = tmp_path / "ours.weights.h5", tmp_path / "theirs.weights.h5"
    ours.save(ours_path)
    theirs.save(str(theirs_path))
    _assert_same_files(ours_path, theirs_path)
    return ours_path


@pytest.mark.parametrize("kind", ["weights", "keras"])
def test_unedited_resave_matches_keras(keras_ref, keras_files, tmp_path, kind):
    saved = _edit_both(keras_ref, keras_files[kind], tmp_path, lambda editor: None)
    assert "layers/dense/vars/0" in _datasets(saved)


def test_delete_and_rename_then_load_into_a_smaller_model(keras_ref, keras_files, tmp_path):
    def edit(editor):
        editor.delete_object("layers/dense")
        editor.rename_object("layers/dense_1", "dense")
        editor.delete_object("optimizer")

    saved = _edit_both(keras_ref, keras_files["weights"], tmp_path, edit)
    kernel, bias = [np.asarray(w) for w in keras_files["model"].layers[1].get_weights()]
    model = cornu.Sequential([cornu.Input((4,)), cornu.layers.Dense(2)])
    model.load_weights(str(saved))
    np.testing.assert_array_equal(np.asarray(model.layers[0].kernel.numpy()), kernel)
    np.testing.assert_array_equal(np.asarray(model.layers[0].bias.numpy()), bias)


def test_replace_weights_and_add_an_object(keras_ref, keras_files, tmp_path):
    new_bias = np.arange(4, dtype="float32")
    extra = {"0": np.ones((2, 1), "float32"), "1": np.zeros((1,), "float32")}

    def edit(editor):
        editor.delete_weight("layers/dense", "1")
        editor.add_weights("layers/dense", {"1": new_bias})
        editor.add_object("layers/dense_2", weights=dict(extra))
        editor.delete_object("optimizer")

    saved = _edit_both(keras_ref, keras_files["keras"], tmp_path, edit)
    model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(4), cornu.layers.Dense(2), cornu.layers.Dense(1)])
    model.load_weights(str(saved))
    np.testing.assert_array_equal(np.asarray(model.layers[0].bias.numpy()), new_bias)
    np.testing.assert_array_equal(np.asarray(model.layers[2].kernel.numpy()), extra["0"])
    expected_kernel = np.asarray(keras_files["model"].layers[0].get_weights()[0])
    np.testing.assert_array_equal(np.asarray(model.layers[0].kernel.numpy()), expected_kernel)


def _cornu_twin(units=(4, 2)):
    model = cornu.Sequential([cornu.Input((3,))] + [cornu.layers.Dense(u) for u in units])
    model.compile(optimizer="adam", loss="mse")
    model.optimizer.build(model.trainable_variables)
    return model


def _keras_twin(keras, units=(4, 2)):
    model = keras.Sequential([keras.Input((3,))] + [keras.layers.Dense(u) for u in units])
    model.compile(optimizer="adam", loss="mse")
    model.optimizer.build(model.trainable_variables)
    return model


def _mismatch_lines(text):
    return sorted(line for line in text.splitlines() if line.startswith("..."))


@pytest.mark.parametrize("units", [(4, 2), (4, 3), (4,)])
def test_compare_agrees_with_keras(keras_ref, keras_files, units, capsys):
    ours = KerasFileEditor(keras_files["weights"]).compare(_cornu_twin(units))
    ours_lines = _mismatch_lines(capsys.readouterr().out)
    theirs = keras_ref.saving.KerasFileEditor(keras_files["weights"]).compare(_keras_twin(keras_ref, units))
    theirs_lines = _mismatch_lines(capsys.readouterr().out)
    assert ours["status"] == theirs["status"]
    assert ours_lines == theirs_lines
    # Keras 3.15.1 adds nested counts more than once; cornu counts each mismatch and match once.
    assert ours["error_count"] == len(ours_lines)
    if units == (4, 2):
        assert ours["match_count"] == 14  # 4 layer weights + Adam's iteration, rate, 4 momenta, 4 velocities


def test_summary_prints_the_structure(keras_files, capsys):
    editor = KerasFileEditor(keras_files["keras"])
    editor.summary()
    out = capsys.readouterr().out
    assert "Saved with Keras 3.15.1" in out
    assert "layers" in out and "dense_1" in out and "optimizer" in out
    assert "shape=(3, 4), dtype=float32" in out
    assert editor.config["class_name"] == "Sequential"
    assert editor.object_metadata["/layers/dense"]["name"] == "dense"


def test_bare_names_and_clear_errors(keras_files, tmp_path):
    editor = KerasFileEditor(keras_files["weights"])
    editor.delete_object("dense_1")  # found once: Keras 3.15.1 miscounts and refuses this
    assert list(editor.weights_dict["layers"]) == ["dense"]
    editor.add_object("layers/dense_1", {"0": np.zeros((4, 2))})
    editor.weights_dict["optimizer"]["dense_1"] = {}
    with pytest.raises(ValueError, match="more than once"):
        editor.delete_object("dense_1")
    with pytest.raises(ValueError, match="not found in model"):
        editor.delete_object("layers/nothing")
    with pytest.raises(ValueError, match="does not appear"):
        editor.rename_object("nothing", "x")
    with pytest.raises(ValueError, match="leaf name"):
        editor.rename_object("layers/dense", "a/b")
    with pytest.raises(ValueError, match="should be a dict"):
        editor.add_object("layers/x", [np.zeros(2)])
    with pytest.raises(ValueError, match="Weight 7 not found"):
        editor.delete_weight("layers/dense", "7")
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        editor.save(tmp_path / "out.h5")
    with pytest.raises(ValueError, match="Invalid filename"):
        KerasFileEditor(str(tmp_path / "model.npz"))


def test_lstm_cell_weights_survive_an_edit(tmp_path):
    model = cornu.Sequential([cornu.Input((5, 3)), cornu.layers.LSTM(4), cornu.layers.Dense(2)])
    path = tmp_path / "lstm.weights.h5"
    model.save_weights(str(path))
    editor = KerasFileEditor(str(path))
    assert editor.compare(model)["status"] == "success"
    editor.save(tmp_path / "copy.weights.h5")  # Keras 3.15.1's editor drops `layers/lstm/cell` here
    _assert_same_files(tmp_path / "copy.weights.h5", path)


def test_links_in_the_file_are_refused(keras_files, tmp_path):
    with h5py.File(keras_files["weights"], "a") as f:
        f["layers/evil"] = h5py.ExternalLink(str(tmp_path / "x.h5"), "/")
    with pytest.raises(UnsafeWeightsFileError, match="Link"):
        KerasFileEditor(keras_files["weights"])
