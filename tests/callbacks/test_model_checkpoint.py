"""ModelCheckpoint saves the same files, at the same moments, as Keras's."""

import os

import pytest

from cornu.callbacks import ModelCheckpoint


def run_epochs(checkpoint_class, model, filepath, val_losses, batches_per_epoch=0, batch_step=1, **kwargs):
    callback = checkpoint_class(filepath, **kwargs)
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, val_loss in enumerate(val_losses):
        callback.on_epoch_begin(epoch)
        for batch in range(batch_step - 1, batches_per_epoch, batch_step):
            callback.on_train_batch_end(batch, {"loss": 1.0 + batch})
        callback.on_epoch_end(epoch, {"loss": 1.0, "val_loss": val_loss, "val_accuracy": 1 - val_loss})
    callback.on_train_end()
    return [(method, os.path.relpath(path, os.path.dirname(filepath))) for method, path in model.saved]


VAL_LOSSES = [0.9, 0.7, 0.8, 0.6, 0.6]

CASES = [
    ("every epoch", "{epoch:02d}-{val_loss:.2f}.keras", {}),
    ("best only", "best.keras", {"save_best_only": True}),
    ("best only, max", "e{epoch}.keras", {"save_best_only": True, "monitor": "val_accuracy", "mode": "max"}),
    ("threshold", "e{epoch}.keras", {"save_best_only": True, "initial_value_threshold": 0.65}),
    ("weights", "w{epoch}.weights.h5", {"save_weights_only": True}),
    ("h5 model", "m{epoch}.h5", {}),
    ("sub folder", "sub/dir/e{epoch}.keras", {}),
]


@pytest.mark.parametrize("name, pattern, kwargs", CASES, ids=[c[0] for c in CASES])
def test_epoch_saves_match_keras(keras_ref, fake_classes, tmp_path, name, pattern, kwargs):
    Model = fake_classes["FakeModel"]
    keras_dir, cornu_dir = tmp_path / "keras", tmp_path / "cornu"
    keras_dir.mkdir()
    cornu_dir.mkdir()
    expected = run_epochs(keras_ref.callbacks.ModelCheckpoint, Model(), str(keras_dir / pattern), VAL_LOSSES, **kwargs)
    actual = run_epochs(ModelCheckpoint, Model(), str(cornu_dir / pattern), VAL_LOSSES, **kwargs)
    assert actual == expected
    assert sorted(os.listdir(cornu_dir)) == sorted(os.listdir(keras_dir))


@pytest.mark.parametrize("save_freq, batch_step", [(2, 1), (3, 1), (4, 2), (3, 2)])
def test_batch_saves_match_keras(keras_ref, fake_classes, tmp_path, save_freq, batch_step):
    # batch_step=2 mimics steps_per_execution=2: the hook sees batches 1, 3, 5.
    Model = fake_classes["FakeModel"]
    pattern = "e{epoch}-b{batch}-{loss:.1f}.keras"
    args = dict(val_losses=[0.5, 0.4], batches_per_epoch=6, batch_step=batch_step, save_freq=save_freq)
    expected = run_epochs(keras_ref.callbacks.ModelCheckpoint, Model(), str(tmp_path / "k" / pattern), **args)
    actual = run_epochs(ModelCheckpoint, Model(), str(tmp_path / "c" / pattern), **args)
    assert actual and actual == expected


def test_verbose_messages_match_keras(keras_ref, fake_classes, tmp_path, capsys):
    Model = fake_classes["FakeModel"]
    kwargs = dict(save_best_only=True, verbose=1)
    run_epochs(keras_ref.callbacks.ModelCheckpoint, Model(), str(tmp_path / "best.keras"), VAL_LOSSES, **kwargs)
    expected = capsys.readouterr().out
    run_epochs(ModelCheckpoint, Model(), str(tmp_path / "best.keras"), VAL_LOSSES, **kwargs)
    actual = capsys.readouterr().out
    assert "val_loss improved from None to 0.90000" in actual
    assert actual == expected


def test_extension_checks(tmp_path):
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        ModelCheckpoint(str(tmp_path / "w.keras"), save_weights_only=True)
    with pytest.raises(ValueError, match=r"must end in `\.keras`"):
        ModelCheckpoint(str(tmp_path / "model.ckpt"))
    ModelCheckpoint(tmp_path / "model.keras")  # PathLike is accepted
    with pytest.raises(ValueError, match="Unrecognized save_freq"):
        ModelCheckpoint(str(tmp_path / "m.keras"), save_freq="batch")


def test_missing_format_key(fake_model, tmp_path):
    callback = ModelCheckpoint(str(tmp_path / "{val_auc:.2f}.keras"))
    callback.set_model(fake_model)
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        callback.on_epoch_end(0, {"loss": 1.0})


def test_best_only_without_monitor_saves_with_warning(fake_model, tmp_path):
    callback = ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True)
    callback.set_model(fake_model)
    with pytest.warns(UserWarning, match="Can save best model only with val_loss available"):
        callback.on_epoch_end(0, {"loss": 1.0})
    assert fake_model.saved == [("save", str(tmp_path / "m.keras"))]


def test_directory_filepath_is_an_error(fake_model, tmp_path):
    (tmp_path / "taken.keras").mkdir()
    callback = ModelCheckpoint(str(tmp_path / "taken.keras"))
    callback.set_model(fake_model)
    with pytest.raises(IOError, match="non-directory filepath"):
        callback.on_epoch_end(0, {"val_loss": 1.0})
