"""BackupAndRestore: Keras's behaviour where Keras is right, exact mid-epoch resumes,
atomic checkpoints and fallbacks when a checkpoint is damaged."""

import inspect
import os

import numpy as np
import pytest

import cornu
from cornu.callbacks import backup_store
from cornu.callbacks.backup_store import BackupCorruptedError


# ----------------------------------------------------------------- helpers
def _data(n=48):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = ((x[:, 0] + 0.7 * rng.normal(size=n)) > 0).astype("int32")
    return x, y


_INITIAL = {}


def _model(seed=3, steps_per_execution=1):
    cornu.utils.set_random_seed(seed)
    model = cornu.Sequential([
        cornu.Input((4,)),
        cornu.layers.Dense(8, activation="relu"),
        cornu.layers.Dropout(0.25),
        cornu.layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer=cornu.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=steps_per_execution)
    model.optimizer.build(model.trainable_variables)
    _INITIAL[id(model)] = _everything(model)
    return model


def _restart(model, seed=3):
    """``model`` and the random generators as ``_model`` left them: the same script run again,
    without compiling new steps (which is what makes a fresh model slow on JAX)."""
    for variable, value in zip(model.variables + model.optimizer.variables, _INITIAL[id(model)]):
        variable.assign(value)
    cornu.utils.set_random_seed(seed)
    return model


def _scramble(model):
    """Every variable set to something else: a resume must override all of it."""
    rng = np.random.default_rng(123)
    for variable in model.variables + model.optimizer.variables:
        value = rng.normal(size=variable.shape) if "float" in str(variable.dtype) else rng.integers(1, 99, variable.shape)
        variable.assign(np.asarray(value).astype(str(variable.dtype)))
    np.random.seed(7)
    return model


class Interrupt(cornu.callbacks.Callback):
    """Raises once training reaches batch ``step`` of ``epoch`` (``step=None``: at the epoch's start)."""

    def __init__(self, epoch, step=None):
        super().__init__()
        self.epoch, self.step = epoch, step
        self._current = None

    def on_epoch_begin(self, epoch, logs=None):
        self._current = epoch
        if epoch == self.epoch and self.step is None:
            raise RuntimeError("Interrupting!")

    def on_train_batch_begin(self, batch, logs=None):
        if self._current == self.epoch and batch == self.step:
            raise RuntimeError("Interrupting!")


def _monitors():
    return [
        cornu.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True),
        cornu.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_delta=0.01),
    ]


def _fit(model, callbacks, epochs=5, **kwargs):
    x, y = _data()
    return model.fit(x, y, batch_size=8, epochs=epochs, shuffle=True, validation_split=0.25, callbacks=callbacks,
                     verbose=0, **kwargs)


def _everything(model):
    return [v.numpy() for v in model.variables + model.optimizer.variables]


def _assert_bitwise_equal(expected, got):
    assert len(expected) == len(got)
    for a, b in zip(expected, got):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


def _checkpoints(folder):
    return sorted(n for n in os.listdir(folder) if n.startswith("checkpoint-"))


# ------------------------------------------------------- constructor (all backends)
def test_signature_and_defaults_match_keras(keras_ref):
    ours = inspect.signature(cornu.callbacks.BackupAndRestore.__init__).parameters
    theirs = inspect.signature(keras_ref.callbacks.BackupAndRestore.__init__).parameters
    assert [(p.name, p.default) for p in ours.values()] == [(p.name, p.default) for p in theirs.values()]


@pytest.mark.parametrize("backup_dir", ["", None])
def test_missing_backup_dir_is_a_clear_error(keras_ref, backup_dir):
    with pytest.raises(ValueError, match="backup_dir"):
        cornu.callbacks.BackupAndRestore(backup_dir)
    with pytest.raises(ValueError):
        keras_ref.callbacks.BackupAndRestore(backup_dir)
    with pytest.raises(TypeError):
        cornu.callbacks.BackupAndRestore()


def test_invalid_save_freq_is_rejected_like_keras(keras_ref, tmp_path):
    with pytest.raises(ValueError, match="save_freq"):
        cornu.callbacks.BackupAndRestore(str(tmp_path), save_freq="batch")
    with pytest.raises(ValueError):
        keras_ref.callbacks.BackupAndRestore(str(tmp_path), save_freq="batch")
    with pytest.raises(ValueError, match="save_freq"):
        cornu.callbacks.BackupAndRestore(str(tmp_path), save_freq=0)


def test_callback_states_round_trip_through_a_checkpoint(tmp_path):
    from cornu.trainers import training_state

    stop = cornu.callbacks.EarlyStopping(patience=3, restore_best_weights=True)
    stop.wait, stop.best, stop.best_epoch, stop.stopped_epoch = 2, np.float32(0.25), 4, 0
    stop.best_weights = [np.arange(6, dtype="float32").reshape(2, 3), np.ones((3,), "float64")]
    reduce = cornu.callbacks.ReduceLROnPlateau(cooldown=2)
    reduce.wait, reduce.best, reduce.cooldown_counter = 1, float("inf"), 2
    checkpoint = cornu.callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), save_freq=5)
    checkpoint.best, checkpoint._batches_seen_since_last_saving, checkpoint._last_batch_seen = 0.5, 3, 7
    callbacks = [stop, reduce, checkpoint]
    arrays = {}
    meta = {"epoch": 1, "step": 2, "callbacks": training_state._capture_callbacks(callbacks, arrays)}
    store = backup_store.BackupStore(str(tmp_path / "backup"))
    store.save(training_state.TrainingState(meta, arrays))

    fresh = [cornu.callbacks.EarlyStopping(), cornu.callbacks.ReduceLROnPlateau(),
             cornu.callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), save_freq=5)]
    training_state.restore_callbacks(fresh, store.load_latest())
    assert fresh[0].get_training_state()["wait"] == 2 and fresh[0].best_epoch == 4
    assert isinstance(fresh[0].best, np.float32) and fresh[0].best == np.float32(0.25)
    _assert_bitwise_equal(stop.best_weights, fresh[0].best_weights)
    assert fresh[1].get_training_state() == {"wait": 1, "best": float("inf"), "cooldown_counter": 2}
    assert fresh[2].get_training_state() == checkpoint.get_training_state()


# ---------------------------------------------------------- Keras behaviour
@pytest.mark.requires_trainable_backend
def test_resumes_at_the_interrupted_epoch_like_keras(keras_ref, tmp_path):
    x, y = np.arange(100, dtype="float32").reshape(5, 20), np.zeros(5, "float32")

    def run(keras, folder):
        backup = keras.callbacks.BackupAndRestore(backup_dir=str(folder))
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(10)])
        model.compile(keras.optimizers.SGD(), loss="mse")

        class Interrupting(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                if epoch == 4:
                    raise RuntimeError("Interrupting!")

        with pytest.raises(RuntimeError):
            model.fit(x, y, epochs=10, batch_size=1, callbacks=[backup, Interrupting()], verbose=0)
        assert os.path.isdir(folder)  # the crash kept the backup
        history = model.fit(x, y, epochs=10, batch_size=1, callbacks=[backup], verbose=0)
        return len(history.history["loss"]), os.path.exists(folder)

    assert run(cornu, tmp_path / "ours") == run(keras_ref, tmp_path / "keras") == (6, False)


@pytest.mark.requires_trainable_backend
def test_delete_checkpoint_false_keeps_the_backup_and_a_rerun_has_nothing_left_to_do(keras_ref, tmp_path):
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 1), "float32")

    def run(keras, folder):
        backup = keras.callbacks.BackupAndRestore(str(folder), delete_checkpoint=False)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        first = model.fit(x, y, epochs=3, callbacks=[backup], verbose=0)
        kept = os.path.isdir(folder) and bool(os.listdir(folder))
        second = model.fit(x, y, epochs=3, callbacks=[backup], verbose=0)
        return len(first.history["loss"]), kept, second.history

    ours, theirs = run(cornu, tmp_path / "ours"), run(keras_ref, tmp_path / "keras")
    assert ours[:2] == theirs[:2] == (3, True)
    assert ours[2] == theirs[2] == {}


@pytest.mark.requires_trainable_backend
def test_a_successful_fit_deletes_the_backup_and_a_failed_one_keeps_it(tmp_path):
    folder = tmp_path / "backup"
    model = _model()
    with pytest.raises(RuntimeError, match="Interrupting"):
        _fit(model, [cornu.callbacks.BackupAndRestore(str(folder), save_freq=2), Interrupt(1, 3)])
    assert _checkpoints(folder) and not [n for n in os.listdir(folder) if n.startswith(".")]
    _fit(_scramble(model), [cornu.callbacks.BackupAndRestore(str(folder), save_freq=2)])
    assert not folder.exists()


# ------------------------------------------------------------ exact resumes
@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("save_freq,interrupt", [(2, (1, 3)), (3, (2, 4)), ("epoch", (2, None))])
def test_resuming_continues_exactly_like_an_uninterrupted_run(tmp_path, save_freq, interrupt):
    model = _model()
    monitors = _monitors()
    history = _fit(model, [cornu.callbacks.BackupAndRestore(str(tmp_path / "ref"), save_freq=save_freq)] + monitors)
    expected = _everything(model)

    folder = str(tmp_path / "backup")
    with pytest.raises(RuntimeError, match="Interrupting"):
        # BackupAndRestore first: the monitors after it must still be in the backup of each epoch.
        _fit(_restart(model), [cornu.callbacks.BackupAndRestore(folder, save_freq=save_freq)] + _monitors()
             + [Interrupt(*interrupt)])
    resumed_monitors = _monitors()
    resumed_history = _fit(_scramble(model), [cornu.callbacks.BackupAndRestore(folder, save_freq=save_freq)]
                           + resumed_monitors)

    _assert_bitwise_equal(expected, _everything(model))
    # The resumed epochs log exactly the same numbers: the interrupted epoch's metrics were restored too.
    done = len(history.history["loss"]) - len(resumed_history.history["loss"])
    assert done == interrupt[0]
    for key, values in resumed_history.history.items():
        assert values == history.history[key][done:], key
    for ours, theirs in zip(resumed_monitors, monitors):
        state, expected_state = ours.get_training_state(), theirs.get_training_state()
        assert state.keys() == expected_state.keys()
        assert {k: v for k, v in state.items() if k != "best_weights"} == {
            k: v for k, v in expected_state.items() if k != "best_weights"}


@pytest.mark.requires_trainable_backend
def test_resuming_with_steps_per_execution_is_exact(tmp_path):
    # Groups of 3 steps: hooks see steps 2 and 4 of each 5-step epoch; backups fall on group ends.
    model = _model(steps_per_execution=3)
    _fit(model, [cornu.callbacks.BackupAndRestore(str(tmp_path / "ref"), save_freq=2)] + _monitors())
    expected = _everything(model)
    folder = str(tmp_path / "backup")
    with pytest.raises(RuntimeError, match="Interrupting"):
        _fit(_restart(model), [cornu.callbacks.BackupAndRestore(folder, save_freq=2)] + _monitors() + [Interrupt(1, 4)])
    history = _fit(_scramble(model), [cornu.callbacks.BackupAndRestore(folder, save_freq=2)] + _monitors())
    assert len(history.history["loss"]) == 4  # resumed inside epoch 1
    _assert_bitwise_equal(expected, _everything(model))


@pytest.mark.requires_trainable_backend
def test_backup_written_after_early_stopping_resumes_straight_to_the_end(tmp_path):
    folder = str(tmp_path / "backup")
    stop = cornu.callbacks.EarlyStopping(monitor="val_loss", patience=0, restore_best_weights=True)
    model = _model()
    history = _fit(model, [cornu.callbacks.BackupAndRestore(folder, delete_checkpoint=False), stop], epochs=30)
    assert len(history.history["loss"]) < 30 and stop.stopped_epoch > 0  # it stopped early
    expected = [w.copy() for w in model.get_weights()]

    # As if the process died after the last backup, before `on_train_end` restored the best weights.
    again = _scramble(model)
    stop_again = cornu.callbacks.EarlyStopping(monitor="val_loss", patience=0, restore_best_weights=True)
    rerun = _fit(again, [cornu.callbacks.BackupAndRestore(folder), stop_again], epochs=30)
    assert rerun.history.get("loss", []) == []
    assert stop_again.stopped_epoch == stop.stopped_epoch
    _assert_bitwise_equal(expected, again.get_weights())
    assert not os.path.exists(folder)


# --------------------------------------------------- damaged or partial files
def _flip_a_byte(path):
    with open(path, "r+b") as f:
        f.seek(os.path.getsize(path) // 2)
        byte = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([byte[0] ^ 0xFF]))


@pytest.mark.requires_trainable_backend
def test_double_checkpoint_falls_back_to_the_previous_checkpoint_when_the_newest_is_damaged(tmp_path):
    folder = tmp_path / "backup"
    model = _model()
    with pytest.raises(RuntimeError):
        _fit(model, [cornu.callbacks.BackupAndRestore(str(folder), double_checkpoint=True), Interrupt(3)])
    newest, previous = _checkpoints(folder)[::-1]
    assert _checkpoints(folder) == [previous, newest]  # the two last epochs
    _flip_a_byte(folder / newest / "arrays.npz")
    with pytest.warns(UserWarning, match="damaged"):
        history = _fit(_scramble(model), [cornu.callbacks.BackupAndRestore(str(folder), double_checkpoint=True)])
    assert len(history.history["loss"]) == 5 - 2  # resumed after epoch 2, not 3


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("damage", ["flip", "truncate", "manifest"])
def test_a_single_damaged_checkpoint_is_a_clear_error_and_is_not_deleted(tmp_path, damage):
    folder = tmp_path / "backup"
    model = _model()
    with pytest.raises(RuntimeError):
        _fit(model, [cornu.callbacks.BackupAndRestore(str(folder)), Interrupt(2)])
    (only,) = _checkpoints(folder)
    if damage == "flip":
        _flip_a_byte(folder / only / "arrays.npz")
    elif damage == "truncate":
        os.truncate(folder / only / "arrays.npz", 100)
    else:
        (folder / only / "state.json").write_text('{"format": "cornu.backup_and_re')
    with pytest.raises(BackupCorruptedError, match="damaged") as info:
        _fit(_scramble(model), [cornu.callbacks.BackupAndRestore(str(folder))])
    assert isinstance(info.value, OSError)
    assert _checkpoints(folder) == [only]


@pytest.mark.requires_trainable_backend
def test_leftovers_of_a_killed_write_are_ignored_then_cleaned_up(tmp_path):
    folder = tmp_path / "backup"
    model = _model()
    with pytest.raises(RuntimeError):
        _fit(model, [cornu.callbacks.BackupAndRestore(str(folder)), Interrupt(2)])
    # What a SIGKILL in the middle of writing checkpoint 3 leaves behind.
    partial = folder / ".checkpoint-00000003.partial-abc123"
    partial.mkdir()
    (partial / "arrays.npz").write_bytes(b"PK\x03\x04 half a zip")
    with pytest.raises(RuntimeError):
        _fit(_scramble(model), [cornu.callbacks.BackupAndRestore(str(folder)), Interrupt(3)])
    assert not partial.exists()  # removed once a new checkpoint was complete
    history = _fit(_scramble(model), [cornu.callbacks.BackupAndRestore(str(folder))])
    assert len(history.history["loss"]) == 5 - 3


@pytest.mark.requires_trainable_backend
def test_a_failed_write_keeps_the_previous_checkpoint_and_leaves_no_partial_folder(tmp_path, monkeypatch):
    folder = tmp_path / "backup"
    calls = []
    original = backup_store._write_file

    def failing_write(path, data):
        calls.append(path)
        if len(calls) == 5:  # the third checkpoint's first file
            raise OSError("No space left on device")
        original(path, data)

    monkeypatch.setattr(backup_store, "_write_file", failing_write)
    model = _model()
    with pytest.raises(OSError, match="No space"):
        _fit(model, [cornu.callbacks.BackupAndRestore(str(folder))])
    assert _checkpoints(folder) == ["checkpoint-00000002"]
    assert not [n for n in os.listdir(folder) if n.startswith(".")]
    monkeypatch.setattr(backup_store, "_write_file", original)
    history = _fit(_scramble(model), [cornu.callbacks.BackupAndRestore(str(folder))])
    assert len(history.history["loss"]) == 5 - 2


@pytest.mark.requires_trainable_backend
def test_a_backup_for_another_model_is_refused_before_anything_is_assigned(tmp_path):
    folder = tmp_path / "backup"
    with pytest.raises(RuntimeError):
        _fit(_model(), [cornu.callbacks.BackupAndRestore(str(folder)), Interrupt(1)])
    other = cornu.Sequential([cornu.Input((4,)), cornu.layers.Dense(3), cornu.layers.Dense(2, activation="softmax")])
    other.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    before = [w.copy() for w in other.get_weights()]
    with pytest.raises(ValueError, match="does not match this model"):
        _fit(other, [cornu.callbacks.BackupAndRestore(str(folder))])
    _assert_bitwise_equal(before, other.get_weights())
    assert _checkpoints(folder)


@pytest.mark.requires_trainable_backend
def test_resumes_from_a_backup_written_by_keras(keras_ref, tmp_path):
    folder = str(tmp_path / "backup")
    x, y = _data()
    keras = keras_ref
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")

    class Interrupting(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise RuntimeError("Interrupting!")

    with pytest.raises(RuntimeError):
        model.fit(x, y, epochs=4, callbacks=[keras.callbacks.BackupAndRestore(folder), Interrupting()], verbose=0)
    saved = [np.asarray(w) for w in model.get_weights()]

    ours = cornu.Sequential([cornu.Input((4,)), cornu.layers.Dense(8, activation="relu"),
                             cornu.layers.Dense(2, activation="softmax")])
    ours.compile("adam", "sparse_categorical_crossentropy")
    seen = {}

    class Record(cornu.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if "epoch" not in seen:
                seen["epoch"], seen["weights"] = epoch, [w.copy() for w in self.model.get_weights()]

    with pytest.warns(UserWarning, match="Keras backup"):
        history = ours.fit(x, y, epochs=4, callbacks=[cornu.callbacks.BackupAndRestore(folder), Record()], verbose=0)
    assert seen["epoch"] == 2 and len(history.history["loss"]) == 2
    for a, b in zip(saved, seen["weights"]):
        np.testing.assert_array_equal(a, b)


def test_hooks_called_by_a_custom_training_loop_back_up_and_restore_at_epoch_granularity(tmp_path):
    model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    model.optimizer.build(model.trainable_variables)
    backup = cornu.callbacks.BackupAndRestore(str(tmp_path / "backup"), save_freq=2)
    backup.set_model(model)
    backup.on_train_begin()
    for epoch in range(2):
        backup.on_epoch_begin(epoch)
        for step in range(3):
            model.layers[0].kernel.assign(np.full((3, 2), 10.0 * epoch + step, "float32"))
            backup.on_train_batch_end(step)
        backup.on_epoch_end(epoch)
    # Saves after 2, 4 and 6 batches: the last at epoch 1, step 3 (the end of the epoch).
    model.layers[0].kernel.assign(np.zeros((3, 2), "float32"))
    again = cornu.callbacks.BackupAndRestore(str(tmp_path / "backup"), save_freq=2)
    again.set_model(model)
    again.on_train_begin()
    np.testing.assert_array_equal(model.layers[0].kernel.numpy(), np.full((3, 2), 12.0, "float32"))
    assert model._initial_epoch == 1
    again.on_train_end()
    assert not (tmp_path / "backup").exists()
