"""A small training run used by the kill-and-resume test: run it again after any
interruption and it resumes from its backup.

Usage: python backup_training_script.py BACKUP_DIR OUTPUT_NPZ

Prints one line per finished batch (``batch <epoch> <step>``) so the test can pick
its moment to kill it. With CORNU_TEST_SLOW_DISK=1 every file written into a
backup takes 80 ms longer (a slow disk), so a kill can land inside a write.
"""

import os
import sys
import time

import numpy as np

import cornu as keras
from cornu import backend

if backend.backend() == "torch":
    import torch

    torch.set_num_threads(1)

if os.environ.get("CORNU_TEST_SLOW_DISK") == "1":
    from cornu.callbacks import backup_store

    _write_file = backup_store._write_file

    def _slow_write_file(path, data):
        _write_file(path, data)
        time.sleep(0.08)

    backup_store._write_file = _slow_write_file


class PrintBatches(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        print(f"batch {self._epoch} {batch}", flush=True)


def main(backup_dir, output):
    keras.utils.set_random_seed(1234)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(240, 8)).astype("float32")
    y = ((x[:, 0] + 0.5 * rng.normal(size=240)) > 0).astype("int32")
    model = keras.Sequential([
        keras.Input((8,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    callbacks = [
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True),
        keras.callbacks.BackupAndRestore(backup_dir, save_freq=3),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_delta=0.002),
        keras.callbacks.ModelCheckpoint(os.path.join(os.path.dirname(output), "best.keras"), monitor="val_loss",
                                        save_best_only=True),
        PrintBatches(),
    ]
    history = model.fit(x, y, batch_size=16, epochs=14, validation_split=0.25, shuffle=True, callbacks=callbacks,
                        verbose=0)
    arrays = {f"w{i}": w for i, w in enumerate(model.get_weights())}
    arrays["lr"] = np.asarray(backend.convert_to_numpy(model.optimizer.learning_rate))
    arrays["iterations"] = np.asarray(backend.convert_to_numpy(model.optimizer.iterations))
    np.savez(output + ".tmp.npz", **arrays)
    os.replace(output + ".tmp.npz", output)
    print("epochs run", len(history.history.get("loss", [])), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
