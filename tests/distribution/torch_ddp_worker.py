"""One process of a ``torchrun --nproc_per_node 2`` run (gloo on loopback), started once by
test_torch_ddp.py: ``torchrun ... torch_ddp_worker.py <output folder>``.

Every case trains the same model on the whole data in this process alone (the reference) and
under ``DataParallel`` over both processes with the same global batch, and records the
differences. Results go to ``<output folder>/results_<rank>.json``.
"""

import os
import sys

os.environ.setdefault("CORNU_BACKEND", "torch")

import json  # noqa: E402
import traceback  # noqa: E402

import numpy as np  # noqa: E402

import cornu as keras  # noqa: E402
from cornu import backend  # noqa: E402
from cornu import distribution as dist  # noqa: E402
from cornu.backend.torch import distribution_steps  # noqa: E402

FOLDER = sys.argv[1]
dist.initialize()  # from torchrun's RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT
RANK = int(os.environ["RANK"])

RESULTS = {}
RNG = np.random.default_rng(0)
X = RNG.normal(size=(48, 6)).astype("float32")
Y = RNG.normal(size=(48, 4)).astype("float32")


def case(function):
    try:
        RESULTS[function.__name__] = function()
    except Exception as error:
        RESULTS[function.__name__] = {"error": f"{type(error).__name__}: {error}", "trace": traceback.format_exc()}
    return function


def mlp():
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(16, activation="tanh", name="hidden"),
                              keras.layers.Dense(4, name="head")])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def train(x, y, distribution=None, **fit_kwargs):
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
    files = os.path.join(FOLDER, f"files_{RANK}")
    os.makedirs(files)
    callbacks = [keras.callbacks.CSVLogger(os.path.join(files, "log.csv")),
                 keras.callbacks.ModelCheckpoint(os.path.join(files, "best.keras"))]
    distribution = dist.DataParallel()
    model, logs = train(X, Y, distribution, callbacks=callbacks)
    with distribution.scope():
        evaluated = model.evaluate(X, Y, batch_size=16, verbose=0)
        predicted = model.predict(X, batch_size=16, verbose=0)
    return {
        "wrapped_by": type(distribution_steps._DDP_MODULES[model][1]).__name__,
        "weight_diff": max_diff(model.get_weights(), REFERENCE_WEIGHTS),
        "logs": logs, "reference_logs": REFERENCE_LOGS,
        "evaluate": [evaluated, REFERENCE.evaluate(X, Y, batch_size=16, verbose=0)],
        "predict_diff": max_diff([predicted], [REFERENCE.predict(X, batch_size=16, verbose=0)]),
        "predict_rows": int(predicted.shape[0]),
        "files": sorted(os.listdir(files)),
    }


@case
def loss_only_logs_added_up_at_epoch_end():
    # Loss as the only metric and no reader of a step's logs: each process keeps its own loss
    # sums and the runner adds them up once an epoch; fit and evaluate still report the global loss.
    def loss_only():
        model = mlp()
        model.compile(optimizer="adam", loss="mse")
        return model

    keras.utils.set_random_seed(7)
    reference = loss_only()
    reference_logs = reference.fit(X, Y, batch_size=16, epochs=2, verbose=0, shuffle=False).history
    distribution = dist.DataParallel()
    all_reduce, calls = distribution_steps.dist.all_reduce, []

    def counted_all_reduce(*args, **kwargs):
        calls.append(1)
        return all_reduce(*args, **kwargs)

    distribution_steps.dist.all_reduce = counted_all_reduce
    try:
        with distribution.scope():
            model = loss_only()
            logs = model.fit(X, Y, batch_size=16, epochs=2, verbose=0, shuffle=False).history
            evaluated = model.evaluate(X, Y, batch_size=16, verbose=0)
    finally:
        distribution_steps.dist.all_reduce = all_reduce
    return {"logs": logs, "reference_logs": reference_logs, "evaluate": evaluated, "all_reduce_calls": len(calls),
            "reference_evaluate": reference.evaluate(X, Y, batch_size=16, verbose=0),
            "local_sums_left": distribution_steps.DataParallelPlacement._local_loss_sums is not None,
            "weight_diff": max_diff(model.get_weights(), reference.get_weights())}


@case
def each_process_alone_differs():
    # The control: this process's rows trained without the other's gradients end elsewhere.
    rows = np.concatenate([np.arange(start + RANK * 8, start + RANK * 8 + 8) for start in range(0, 48, 16)])
    model, _ = train(X[rows], Y[rows], batch_size=8)
    return {"weight_diff": max_diff(model.get_weights(), REFERENCE_WEIGHTS)}


@case
def saved_on_rank_zero():
    model, _ = train(X, Y, dist.DataParallel())
    path = os.path.join(FOLDER, "trained.keras")
    if RANK == 0:
        model.save(path)
    backend.distribution_lib().barrier()  # the other process waits until the file is written
    loaded = keras.saving.load_model(path)
    np.savez(os.path.join(FOLDER, f"weights_{RANK}.npz"), *model.get_weights())
    return {"loaded_diff": max_diff(loaded.get_weights(), model.get_weights()),
            "weight_diff": max_diff(model.get_weights(), REFERENCE_WEIGHTS)}


@case
def data_parallel_pre_sharded():
    # auto_shard_dataset=False: each process's data already holds its rows of every global batch.
    rows = np.concatenate([np.arange(start + RANK * 8, start + RANK * 8 + 8) for start in range(0, 48, 16)])
    model, _ = train(X[rows], Y[rows], dist.DataParallel(auto_shard_dataset=False), batch_size=8)
    return {"weight_diff": max_diff(model.get_weights(), REFERENCE_WEIGHTS)}


@case
def generator_data_loader_and_steps_per_execution():
    # Every process reads the same global batches; each keeps its rows (as for arrays).
    import torch

    def batches():
        for _ in range(2):
            for start in range(0, 48, 16):
                yield X[start:start + 16], Y[start:start + 16]

    generator_model, _ = train(batches(), None, dist.DataParallel(), batch_size=None, steps_per_epoch=3)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(X), torch.tensor(Y)),
                                         batch_size=16, shuffle=False)
    loader_model, _ = train(loader, None, dist.DataParallel(), batch_size=None)
    with dist.DataParallel().scope():
        grouped = mlp()
        grouped.compile(optimizer="adam", loss="mse", steps_per_execution=2)
        grouped.fit(X, Y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    return {"generator": max_diff(generator_model.get_weights(), REFERENCE_WEIGHTS),
            "data_loader": max_diff(loader_model.get_weights(), REFERENCE_WEIGHTS),
            "steps_per_execution": max_diff(grouped.get_weights(), REFERENCE_WEIGHTS)}


@case
def uneven_batch_error():
    try:
        train(X[:45], Y[:45], dist.DataParallel(), batch_size=15, epochs=1)
    except ValueError as error:
        return {"message": str(error)}
    return {"message": None}


def model_parallel(mesh_shape):
    mesh = dist.DeviceMesh(mesh_shape, ("batch", "model"))
    layout_map = dist.LayoutMap(mesh)
    layout_map[".*hidden/kernel"] = (None, "model")  # the first layer's columns
    layout_map[".*hidden/bias"] = ("model",)
    layout_map[".*head/kernel"] = ("model", None)  # the second layer's rows
    distribution = dist.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
    folder = os.path.join(FOLDER, f"model_parallel_{mesh_shape[0]}x{mesh_shape[1]}")
    os.makedirs(folder, exist_ok=True)
    checkpoint = keras.callbacks.ModelCheckpoint(os.path.join(folder, "checkpoint.keras"))
    model, logs = train(X, Y, distribution, callbacks=[checkpoint])
    with distribution.scope():
        evaluated = model.evaluate(X, Y, batch_size=16, verbose=0)
        predicted = model.predict(X, batch_size=16, verbose=0)
        kernel = model.layers[0].kernel.value
        model.save(os.path.join(folder, "trained.keras"))  # every process joins; process 0 writes
        model.save_weights(os.path.join(folder, "trained.weights.h5"))
    loaded = keras.saving.load_model(os.path.join(folder, "trained.keras"))  # on one device
    checkpointed = keras.saving.load_model(os.path.join(folder, "checkpoint.keras"))
    with distribution.scope():  # and back under the mesh
        again = mlp()
        again.load_weights(os.path.join(folder, "trained.weights.h5"))
        again_predicted = again.predict(X, batch_size=16, verbose=0)
    split = dist.distribute_tensor(np.arange(24, dtype="float32").reshape(4, 6),
                                   dist.TensorLayout((None, "model"), mesh))
    return {
        "distribute_tensor": [list(split.to_local().shape), float(split.to_local().sum()),
                              float(split.full_tensor().sum())],
        "kernel_type": type(kernel).__name__,
        "kernel_local_shape": list(kernel.to_local().shape),
        "kernel_placements": [str(p) for p in kernel.placements],
        "weight_diff": max_diff(model.get_weights(), REFERENCE_WEIGHTS),
        "logs": logs, "reference_logs": REFERENCE_LOGS,
        "evaluate": [evaluated, REFERENCE.evaluate(X, Y, batch_size=16, verbose=0)],
        "predict_diff": max_diff([predicted], [REFERENCE.predict(X, batch_size=16, verbose=0)]),
        "loaded_diff": max_diff(loaded.get_weights(), REFERENCE_WEIGHTS),
        "checkpoint_diff": max_diff(checkpointed.get_weights(), REFERENCE_WEIGHTS),
        "reloaded_under_mesh_diff": max_diff([again_predicted], [predicted]),
        "files": sorted(os.listdir(folder)),
    }


@case
def model_parallel_split_columns():
    return model_parallel((1, 2))  # each process holds half of every split variable


@case
def model_parallel_split_batch():
    return model_parallel((2, 1))  # the batch is split, the variables are DTensors over the mesh


@case
def model_parallel_uneven_layout_error():
    mesh = dist.DeviceMesh((1, 2), ("batch", "model"))
    layout_map = dist.LayoutMap(mesh)
    layout_map[".*hidden/kernel"] = ("model", None)  # 6 input rows in 2: fine
    layout_map[".*hidden/bias"] = (None, "model")  # rank 2 for a rank-1 bias
    try:
        train(X, Y, dist.ModelParallel(layout_map=layout_map), epochs=1)
    except ValueError as error:
        return {"message": str(error)}
    return {"message": None}


with open(os.path.join(FOLDER, f"results_{RANK}.json"), "w") as f:
    json.dump(RESULTS, f, default=float)
