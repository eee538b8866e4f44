"""Child process of test_write_faults.py: saves under a file-size limit and reports what happened.

Each case first saves without a limit (the "previous file"), then saves again
while RLIMIT_FSIZE is below the file's size, with SIGXFSZ ignored so the
write fails with ``OSError(EFBIG)`` as on a full disk. It prints one JSON
line per case: the error, whether the folder's files are byte-identical,
whether the previous file still loads, and (for training) how fit ended.
Run: ``python -m tests.faults.write_fault_child [--no-training]``.
"""

import json
import os
import resource
import signal
import sys
import tempfile
import warnings

import numpy as np

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

import cornu as keras  # noqa: E402

LIMIT_BYTES = 4096
_SOFT, _HARD = resource.getrlimit(resource.RLIMIT_FSIZE)


class size_limit:
    def __enter__(self):
        resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT_BYTES, _HARD))

    def __exit__(self, *exc):
        resource.setrlimit(resource.RLIMIT_FSIZE, (_SOFT, _HARD))


def snapshot(folder):
    """{relative path: bytes} of every file under ``folder``."""
    found = {}
    for root, _, files in os.walk(folder):
        for name in files:
            full = os.path.join(root, name)
            with open(full, "rb") as f:
                found[os.path.relpath(full, folder)] = f.read()
    return found


def make_model(seed=1):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(4)])
    model.compile(optimizer="adam", loss="mse")
    return model


_MODELS = {}


def shared_model(role):
    """One model per role for the whole run: compiling a new model per case costs seconds on jax."""
    if role not in _MODELS:
        _MODELS[role] = make_model(seed=1 if role == "trained" else 2)
    return _MODELS[role]


X = np.random.RandomState(0).rand(32, 16).astype("float32")
Y = np.random.RandomState(1).rand(32, 4).astype("float32")


def report(name, **fields):
    print(json.dumps({"name": name, **fields}), flush=True)


def saving_case(name, save, load):
    folder = tempfile.mkdtemp()
    model = shared_model("trained")
    model.layers[0].kernel.assign(np.random.RandomState(2).rand(16, 64).astype("float32"))
    save(model, folder)
    before = snapshot(folder)
    expected = model.predict(X, verbose=0)
    model.layers[0].kernel.assign(np.zeros((16, 64), "float32"))  # the failed save would hold these
    error = None
    with size_limit():
        try:
            save(model, folder)
        except Exception as e:
            error = e
    after = snapshot(folder)
    restored = shared_model("restored")
    load(restored, folder)
    report(
        name,
        error_type=type(error).__name__ if error else None,
        errno=getattr(error, "errno", None),
        message=str(error) if error else None,
        same_files=sorted(before) == sorted(after),
        same_bytes=before == after,
        loads_previous=bool(np.allclose(restored.predict(X, verbose=0), expected, atol=1e-6)),
        files=sorted(after),
    )


def saving_cases():
    def at(folder, name):
        return os.path.join(folder, name)

    saving_case("keras", lambda m, d: m.save(at(d, "m.keras")),
                lambda m, d: m.set_weights(keras.saving.load_model(at(d, "m.keras")).get_weights()))
    saving_case("weights_h5", lambda m, d: m.save_weights(at(d, "m.weights.h5")),
                lambda m, d: m.load_weights(at(d, "m.weights.h5")))
    saving_case("sharded", lambda m, d: m.save_weights(at(d, "m.weights.json"), max_shard_size=0.00002),
                lambda m, d: m.load_weights(at(d, "m.weights.json")))
    saving_case("safetensors", lambda m, d: m.save_weights(at(d, "m.safetensors")),
                lambda m, d: m.load_weights(at(d, "m.safetensors")))


def fit_under_size_limit(model, epochs, callback):
    """``(error, epochs run, warnings)`` of a ``fit`` whose writes hit the file-size limit."""
    error, epochs_run = None, None
    with size_limit(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            epochs_run = len(model.fit(X, Y, epochs=epochs, verbose=0, callbacks=[callback]).history["loss"])
        except Exception as e:
            error = e
    return error, epochs_run, caught


def checkpoint_case(name, policy, weights_only):
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "ckpt.weights.h5" if weights_only else "ckpt.keras")
    model = shared_model("trained")
    checkpoint = keras.callbacks.ModelCheckpoint(path, monitor="loss", save_weights_only=weights_only)
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[checkpoint])
    before = snapshot(folder)
    saved = model.get_weights()
    checkpoint.on_write_error = policy
    error, epochs_run, caught = fit_under_size_limit(model, 2, checkpoint)
    after = snapshot(folder)
    restored = shared_model("restored")
    if weights_only:
        restored.load_weights(path)
    else:
        restored = keras.saving.load_model(path)
    loads_previous = all(np.array_equal(a, b) for a, b in zip(restored.get_weights(), saved))
    # Training goes on once there is room again.
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[checkpoint])
    report(
        name,
        error_type=type(error).__name__ if error else None,
        errno=getattr(error, "errno", None),
        message=str(error) if error else None,
        warnings=[str(w.message) for w in caught if "could not write" in str(w.message)],
        epochs_run=epochs_run,
        same_files=sorted(before) == sorted(after),
        same_bytes=before == after,
        loads_previous=loads_previous,
        rewritten_after=snapshot(folder) != before,
        files=sorted(after),
    )


def checkpoint_best_case(name):
    """save_best_only with on_write_error='warn': a failed save does not count as the new best."""
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "best.weights.h5")
    model = shared_model("trained")
    checkpoint = keras.callbacks.ModelCheckpoint(path, monitor="loss", save_best_only=True, save_weights_only=True)
    checkpoint.on_write_error = "warn"
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[checkpoint])
    best_saved = float(checkpoint.best)
    with size_limit(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit(X, Y, epochs=1, verbose=0, callbacks=[checkpoint])
    report(name, best_saved=best_saved, loss_not_saved=float(history.history["loss"][-1]),
           best_after_failure=float(checkpoint.best))


def backup_case(name, policy):
    folder = tempfile.mkdtemp()
    backup_dir = os.path.join(folder, "backup")
    model = shared_model("trained")
    backup = keras.callbacks.BackupAndRestore(backup_dir, delete_checkpoint=False)
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[backup])
    before = snapshot(folder)
    backup.on_write_error = policy
    error, epochs_run, caught = fit_under_size_limit(model, 3, backup)
    after = snapshot(folder)
    state = backup._store.load_latest()
    report(
        name,
        error_type=type(error).__name__ if error else None,
        errno=getattr(error, "errno", None),
        message=str(error) if error else None,
        warnings=[str(w.message) for w in caught if "could not write" in str(w.message)],
        epochs_run=epochs_run,
        same_files=sorted(before) == sorted(after),
        same_bytes=before == after,
        restorable_epoch=None if state is None else state.epoch,
        files=sorted(after),
    )


if __name__ == "__main__":
    saving_cases()
    if "--no-training" not in sys.argv:
        checkpoint_case("checkpoint_raise", "raise", weights_only=False)
        checkpoint_case("checkpoint_weights_raise", "raise", weights_only=True)
        checkpoint_case("checkpoint_warn", "warn", weights_only=False)
        checkpoint_best_case("checkpoint_best_warn")
        backup_case("backup_raise", "raise")
        backup_case("backup_warn", "warn")
