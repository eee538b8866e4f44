"""One of two JAX processes (2 CPU devices each) joined on loopback through
``keras.distribution.initialize``; run by test_jax_two_processes.py as
``two_process_worker.py <process_id> <port> <output folder>``.

Process 0 passes the arguments, process 1 the ``KERAS_DISTRIBUTION_*`` environment variables.
Each case trains on one local device (no distribution) and under a distribution over the 4
devices of both processes, with the same global batch, and records the weight difference.
Results go to ``<output folder>/results_<process_id>.json``.
"""

import os
import sys

os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
os.environ.setdefault("CORNU_BACKEND", "jax")

import json  # noqa: E402
import traceback  # noqa: E402

import numpy as np  # noqa: E402

import cornu as keras  # noqa: E402
from cornu import distribution as dist  # noqa: E402

PROCESS_ID, PORT, FOLDER = int(sys.argv[1]), sys.argv[2], sys.argv[3]
if PROCESS_ID == 0:
    dist.initialize(f"127.0.0.1:{PORT}", num_processes=2, process_id=0)
else:
    os.environ["KERAS_DISTRIBUTION_JOB_ADDRESSES"] = f"127.0.0.1:{PORT},127.0.0.1:{int(PORT) + 1}"
    os.environ["KERAS_DISTRIBUTION_NUM_PROCESSES"] = "2"
    os.environ["KERAS_DISTRIBUTION_PROCESS_ID"] = "1"
    dist.initialize()

RESULTS = {}
RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 6)).astype("float32")
Y = RNG.normal(size=(64, 4)).astype("float32")


def case(function):
    try:
        RESULTS[function.__name__] = function()
    except Exception as error:
        RESULTS[function.__name__] = {"error": f"{type(error).__name__}: {error}", "trace": traceback.format_exc()}
    return function


def mlp():
    keras.utils.set_random_seed(7)
    model = keras.Sequential([
        keras.Input((6,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(4),
    ])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def train(x, y=None, distribution=None, **fit_kwargs):
    fit_kwargs = {"batch_size": 16, "epochs": 2, "verbose": 0, "shuffle": False, **fit_kwargs}
    if distribution is None:
        model = mlp()
        return model, model.fit(x, y, **fit_kwargs).history
    with distribution.scope():
        model = mlp()
        return model, model.fit(x, y, **fit_kwargs).history


def max_diff(a, b):
    return float(max(np.max(np.abs(np.asarray(u) - np.asarray(v))) for u, v in zip(a, b)))


REFERENCE, REFERENCE_LOGS = train(X, Y)
REFERENCE_WEIGHTS = REFERENCE.get_weights()


@case
def cluster():
    return {"devices": dist.list_devices(), "count": dist.get_device_count(),
            "processes": dist.DataParallel().num_processes}


@case
def data_parallel_arrays():
    folder = os.path.join(FOLDER, f"process_{PROCESS_ID}")
    os.makedirs(folder, exist_ok=True)
    callbacks = [keras.callbacks.CSVLogger(os.path.join(folder, "log.csv")),
                 keras.callbacks.ModelCheckpoint(os.path.join(folder, "best.keras"))]
    with dist.DataParallel().scope():
        model = mlp()
        history = model.fit(X, Y, batch_size=16, epochs=2, verbose=0, shuffle=False, callbacks=callbacks)
        predictions = model.predict(X, verbose=0, batch_size=16)
        evaluation = model.evaluate(X, Y, verbose=0, batch_size=16)
    return {
        "weight_diff": max_diff(REFERENCE_WEIGHTS, model.get_weights()),
        "logs": history.history, "reference_logs": REFERENCE_LOGS,
        "evaluate": [evaluation, REFERENCE.evaluate(X, Y, verbose=0)],
        "predict_diff": float(np.max(np.abs(predictions - REFERENCE.predict(X, verbose=0)))),
        "files": sorted(os.listdir(folder)),
    }


@case
def data_parallel_shuffled():
    keras.utils.set_random_seed(3)
    reference, _ = train(X, Y, shuffle=True)
    keras.utils.set_random_seed(3)
    model, _ = train(X, Y, dist.DataParallel(), shuffle=True)
    return {"weight_diff": max_diff(reference.get_weights(), model.get_weights())}


@case
def data_parallel_generator_and_py_dataset():
    def generator():  # 8 batches in one epoch: the reference's 2 epochs of 4
        for _ in range(2):
            for start in range(0, 64, 16):
                yield X[start:start + 16], Y[start:start + 16]

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return X[i * 16:(i + 1) * 16], Y[i * 16:(i + 1) * 16]

    return {
        "generator": max_diff(REFERENCE_WEIGHTS, train(generator(), None, dist.DataParallel(), epochs=1,
                                                       batch_size=None)[0].get_weights()),
        "py_dataset": max_diff(REFERENCE_WEIGHTS, train(Batches(), None, dist.DataParallel(),
                                                        batch_size=None)[0].get_weights()),
    }


@case
def data_parallel_pre_sharded():
    # auto_shard_dataset=False: each process's data holds only its half of every global batch.
    local_x = np.concatenate([X[s + 8 * PROCESS_ID:s + 8 * PROCESS_ID + 8] for s in range(0, 64, 16)])
    local_y = np.concatenate([Y[s + 8 * PROCESS_ID:s + 8 * PROCESS_ID + 8] for s in range(0, 64, 16)])
    model, _ = train(local_x, local_y, dist.DataParallel(auto_shard_dataset=False), batch_size=8)
    return {"weight_diff": max_diff(REFERENCE_WEIGHTS, model.get_weights())}


def model_parallel(model_axis_spans_processes):
    devices = np.array(dist.list_devices()).reshape(2, 2)  # rows: processes
    if model_axis_spans_processes:
        devices = devices.T
    mesh = dist.DeviceMesh((2, 2), ("batch", "model"), devices=devices.ravel().tolist())
    layout_map = dist.LayoutMap(mesh)
    layout_map[".*dense.*kernel"] = (None, "model")
    layout_map[".*dense.*bias"] = ("model",)
    return dist.ModelParallel(layout_map=layout_map, batch_dim_name="batch")


@case
def model_parallel_batch_over_processes():
    model, logs = train(X, Y, model_parallel(False))
    return {"weight_diff": max_diff(REFERENCE_WEIGHTS, model.get_weights()), "logs": logs,
            "kernel_spec": tuple(model.layers[0].kernel.value.sharding.spec)}


@case
def model_parallel_model_over_processes():
    folder = os.path.join(FOLDER, f"model_parallel_files_{PROCESS_ID}")
    os.makedirs(folder)
    shared = os.path.join(FOLDER, "model_parallel_shared")
    os.makedirs(shared, exist_ok=True)
    # Saving a variable split over processes is a collective: ModelCheckpoint runs everywhere,
    # and model.save is called by every process; process 0 writes the file.
    checkpoint = keras.callbacks.ModelCheckpoint(os.path.join(shared, "checkpoint.keras"))
    model, _ = train(X, Y, model_parallel(True), callbacks=[checkpoint])
    kernel = model.layers[0].kernel.value
    model.save(os.path.join(shared, "trained.keras"))
    loaded = keras.saving.load_model(os.path.join(shared, "trained.keras"))
    checkpointed = keras.saving.load_model(os.path.join(shared, "checkpoint.keras"))
    return {"weight_diff": max_diff(REFERENCE_WEIGHTS, model.get_weights()),
            "loaded_diff": max_diff(REFERENCE_WEIGHTS, loaded.get_weights()),
            "checkpoint_diff": max_diff(REFERENCE_WEIGHTS, checkpointed.get_weights()),
            "files": sorted(os.listdir(shared)),
            "kernel_spec": tuple(kernel.sharding.spec), "kernel_fully_addressable": kernel.is_fully_addressable}


with open(os.path.join(FOLDER, f"results_{PROCESS_ID}.json"), "w") as f:
    json.dump(RESULTS, f, default=str)
