"""One process of a 2-process data-parallel run with ``BackupAndRestore``, for the
kill-one-worker test (test_kill_one_worker.py).

``resume_worker.py <folder> kill``: trains 4 epochs and, on process 1, kills itself with SIGKILL
in the middle of the third epoch (after the backup of epoch 2 was written).
``resume_worker.py <folder> resume``: the same command again; it resumes from the backup, ends,
and writes ``final_<rank>.npz`` and ``epochs_<rank>.json`` (the epochs this run trained), and
the reference: the same model trained in this process alone, uninterrupted.

On torch the processes come from ``torchrun``; on JAX they are started by the test with
``<rank> <port>`` after the mode and join through ``keras.distribution.initialize``.
"""

import os
import sys

FOLDER, MODE = sys.argv[1], sys.argv[2]
if os.environ.get("CORNU_BACKEND") == "jax":
    RANK, PORT = int(sys.argv[3]), sys.argv[4]
else:
    RANK, PORT = int(os.environ["RANK"]), None

import json  # noqa: E402
import signal  # noqa: E402

import numpy as np  # noqa: E402

import cornu as keras  # noqa: E402
from cornu import distribution as dist  # noqa: E402

if PORT is None:
    dist.initialize()  # torchrun's RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT
else:
    dist.initialize(f"127.0.0.1:{PORT}", num_processes=2, process_id=RANK)

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 6)).astype("float32")
Y = RNG.normal(size=(64, 3)).astype("float32")


def mlp():
    keras.utils.set_random_seed(11)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(16, activation="tanh", name="hidden"),
                              keras.layers.Dense(3, name="head")])
    model.compile(optimizer="adam", loss="mse")
    return model


class KillProcessOne(keras.callbacks.Callback):
    """SIGKILL on process 1 at the second batch of the third epoch: no cleanup, no warning."""

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if RANK == 1 and self.epoch == 2 and batch == 1:
            os.kill(os.getpid(), signal.SIGKILL)


class RecordEpochs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append(epoch)


def fit(model, callbacks):
    model.fit(X, Y, batch_size=16, epochs=4, shuffle=True, verbose=0, callbacks=callbacks)


epochs = RecordEpochs()
callbacks = [keras.callbacks.BackupAndRestore(os.path.join(FOLDER, "backup")), epochs]
if MODE == "kill":
    callbacks.append(KillProcessOne())
with dist.DataParallel().scope():
    model = mlp()
    fit(model, callbacks)
np.savez(os.path.join(FOLDER, f"final_{RANK}.npz"), *model.get_weights())
reference = mlp()
fit(reference, [])
np.savez(os.path.join(FOLDER, f"reference_{RANK}.npz"), *reference.get_weights())
with open(os.path.join(FOLDER, f"epochs_{RANK}.json"), "w") as f:
    json.dump({"epochs": epochs.epochs}, f)
