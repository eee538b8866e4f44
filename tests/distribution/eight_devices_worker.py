"""Runs every 8-device case in one process (XLA_FLAGS must be set before JAX starts) and writes
one JSON object of results to the path given as argv[1]. Run by test_jax_eight_devices.py.

Each case trains the same model for the same steps with the same global batch on one device
(no distribution) and under a distribution, and records the largest weight difference.
"""

import os
import sys

os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=8"
os.environ.setdefault("CORNU_BACKEND", "jax")

import json  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

import numpy as np  # noqa: E402

import cornu as keras  # noqa: E402
from cornu import distribution as dist  # noqa: E402

RESULTS = {}
CPU_SECONDS = {}  # per case, to keep the whole run small
RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 6)).astype("float32")
Y = RNG.normal(size=(64, 4)).astype("float32")
TOKENS = RNG.integers(0, 20, size=(32, 5))
TOKEN_Y = RNG.normal(size=(32, 5, 8)).astype("float32")


def case(function):
    started = time.process_time()
    try:
        RESULTS[function.__name__] = function()
    except Exception as error:  # recorded, so each test reports its own failure
        RESULTS[function.__name__] = {"error": f"{type(error).__name__}: {error}", "trace": traceback.format_exc()}
    CPU_SECONDS[function.__name__] = round(time.process_time() - started, 2)
    return function


def mlp():
    keras.utils.set_random_seed(7)
    model = keras.Sequential([
        keras.Input((6,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(4),
    ])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def tiny_transformer():
    keras.utils.set_random_seed(7)
    inputs = keras.Input((5,), dtype="int32")
    h = keras.layers.Embedding(20, 8)(inputs)
    a = keras.layers.MultiHeadAttention(num_heads=4, key_dim=2)(h, h)
    h = keras.layers.LayerNormalization()(h + a)
    h = keras.layers.Dense(16, activation="gelu")(h)
    outputs = keras.layers.Dense(8)(h)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adamw", loss="mse")
    return model


def max_diff(a, b):
    return float(max(np.max(np.abs(np.asarray(u) - np.asarray(v))) for u, v in zip(a, b)))


def train(make, x, y, distribution=None, **fit_kwargs):
    fit_kwargs = {"batch_size": 16, "epochs": 2, "verbose": 0, "shuffle": False, **fit_kwargs}
    if distribution is None:
        model = make()
        history = model.fit(x, y, **fit_kwargs)
    else:
        with distribution.scope():
            model = make()
            history = model.fit(x, y, **fit_kwargs)
    return model, history.history


def spec(array):
    return tuple(array.sharding.spec) if hasattr(array.sharding, "spec") else None


def model_parallel(shape=(2, 4), names=("batch", "model")):
    mesh = dist.DeviceMesh(shape, names)
    layout_map = dist.LayoutMap(mesh)
    layout_map[".*dense.*kernel"] = (None, "model")
    layout_map[".*dense.*bias"] = ("model",)
    return dist.ModelParallel(layout_map=layout_map, batch_dim_name="batch")


REFERENCE, REFERENCE_LOGS = train(mlp, X, Y)
REFERENCE_WEIGHTS = REFERENCE.get_weights()


@case
def devices():
    return {"list": dist.list_devices(), "count": dist.get_device_count(), "cpu": dist.list_devices("cpu")}


@case
def data_parallel():
    distribution = dist.DataParallel()
    model, logs = train(mlp, X, Y, distribution)
    runner = model._runners["train"]
    compiles = runner._fn._cache_size()  # 8 steps over 2 epochs: placed state never changes sharding
    with distribution.scope():
        state = tuple([v.value for v in group] for group in runner._variable_groups())
        hlo = runner._fn.lower(state, runner._placement.place_batch((X[:16], Y[:16]))).compile().as_text()
        x_placed = runner._placement.place_batch(X[:16])
    return {
        "weight_diff": max_diff(REFERENCE_WEIGHTS, model.get_weights()),
        "logs": logs, "reference_logs": REFERENCE_LOGS,
        "variable_specs": [spec(v.value) for v in model.variables],
        "variable_device_counts": [len(v.value.sharding.device_set) for v in model.variables],
        "batch_spec": spec(x_placed), "batch_shard_rows": [s.data.shape[0] for s in x_placed.addressable_shards],
        "compiles": compiles, "all_gathers": hlo.count("all-gather"), "all_reduces": hlo.count("all-reduce"),
        "evaluate": [model.evaluate(X, Y, verbose=0), REFERENCE.evaluate(X, Y, verbose=0)],
        "predict_diff": float(np.max(np.abs(model.predict(X, verbose=0) - REFERENCE.predict(X, verbose=0)))),
    }


@case
def data_parallel_shuffled_grouped_and_generator():
    out = {}
    keras.utils.set_random_seed(3)
    reference, _ = train(mlp, X, Y, shuffle=True, epochs=2)
    keras.utils.set_random_seed(3)
    model, _ = train(mlp, X, Y, dist.DataParallel(), shuffle=True, epochs=2)
    out["shuffled"] = max_diff(reference.get_weights(), model.get_weights())

    def grouped():
        model = mlp()
        model.compile(optimizer="adam", loss="mse", steps_per_execution=2)
        return model

    # The same 8 steps as the reference: 2 per compiled call, or 8 batches in one epoch.
    out["steps_per_execution"] = max_diff(REFERENCE_WEIGHTS, train(grouped, X, Y, dist.DataParallel())[0].get_weights())

    def generator():
        for _ in range(2):
            for start in range(0, 64, 16):
                yield X[start:start + 16], Y[start:start + 16]

    out["generator"] = max_diff(REFERENCE_WEIGHTS, train(mlp, generator(), None, dist.DataParallel(), epochs=1,
                                                         batch_size=None)[0].get_weights())
    return out


@case
def model_parallel_mlp():
    distribution = model_parallel()
    model, logs = train(mlp, X, Y, distribution)
    expected = {}
    for v in model.variables:
        layout = distribution._layout_map[v.path]
        expected[v.path] = tuple(layout.axes) if layout is not None else (None,) * len(v.shape)
    slots = {v.path: spec(v.value) for v in model.optimizer.variables if v.path.endswith(("momentum", "velocity"))}
    return {
        "weight_diff": max_diff(REFERENCE_WEIGHTS, model.get_weights()),
        "logs": logs, "reference_logs": REFERENCE_LOGS,
        "specs": {v.path: spec(v.value) for v in model.variables},
        "expected": expected,
        "slot_specs": slots,
        "evaluate": [model.evaluate(X, Y, verbose=0), REFERENCE.evaluate(X, Y, verbose=0)],
    }


@case
def model_parallel_transformer():
    reference, _ = train(tiny_transformer, TOKENS, TOKEN_Y, batch_size=8, epochs=1)
    mesh = dist.DeviceMesh((2, 4), ("batch", "model"))
    layout_map = dist.LayoutMap(mesh)
    layout_map[".*embedding.*embeddings"] = (None, "model")
    layout_map[".*(query|key|value).*kernel"] = (None, "model", None)
    layout_map[".*attention_output.*kernel"] = ("model", None, None)
    layout_map[".*dense.*kernel"] = (None, "model")
    distribution = dist.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
    model, _ = train(tiny_transformer, TOKENS, TOKEN_Y, distribution, batch_size=8, epochs=1)
    sharded = {v.path: spec(v.value) for v in model.trainable_variables if layout_map[v.path] is not None}
    return {"weight_diff": max_diff(reference.get_weights(), model.get_weights()), "sharded": sharded,
            "paths": [v.path for v in model.trainable_variables]}


@case
def checkpoint_round_trip():
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "trained.keras")
        model, _ = train(mlp, X, Y, model_parallel())
        expected = model.predict(X, verbose=0)
        model.save(path)
        single = keras.saving.load_model(path)  # no distribution: one device
        other = model_parallel((4, 2))
        with other.scope():
            remeshed = keras.saving.load_model(path)
            remeshed_out = remeshed.predict(X, verbose=0)
        with dist.DataParallel().scope():
            replicated = keras.saving.load_model(path)
        return {
            "single_diff": max_diff(model.get_weights(), single.get_weights()),
            "single_devices": [len(v.value.sharding.device_set) for v in single.variables],
            "single_predict_diff": float(np.max(np.abs(single.predict(X, verbose=0) - expected))),
            "remeshed_diff": max_diff(model.get_weights(), remeshed.get_weights()),
            "remeshed_specs": [spec(v.value) for v in remeshed.trainable_variables],
            "remeshed_mesh": [dict(v.value.sharding.mesh.shape) for v in remeshed.trainable_variables][:1],
            "remeshed_predict_diff": float(np.max(np.abs(remeshed_out - expected))),
            "replicated_diff": max_diff(model.get_weights(), replicated.get_weights()),
        }


@case
def distribute_tensor():
    import jax

    mesh = dist.DeviceMesh((8,), ("batch",))
    layout = dist.TensorLayout(("batch", None), mesh)
    eager = dist.distribute_tensor(np.ones((16, 3), "float32"), layout)

    @jax.jit
    def constrained(x):
        return dist.distribute_tensor(x * 2, layout)

    traced = constrained(np.ones((16, 3), "float32"))
    return {"eager_spec": spec(eager), "eager_shards": len(eager.addressable_shards), "jit_spec": spec(traced),
            "keras_tensor": type(dist.distribute_tensor(keras.KerasTensor((None, 3)), layout)).__name__}


def error_of(function):
    try:
        function()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


@case
def errors():
    def rank_mismatch():
        mesh = dist.DeviceMesh((2, 4), ("batch", "model"))
        layout_map = dist.LayoutMap(mesh)
        layout_map[".*dense.*kernel"] = ("model",)
        with dist.ModelParallel(layout_map=layout_map).scope():
            mlp()

    def indivisible_batch():
        train(mlp, X[:48], Y[:48], dist.DataParallel(), batch_size=12)

    return {
        "mesh_shape": error_of(lambda: dist.DeviceMesh((3,), ("batch",))),
        "batch": error_of(indivisible_batch),
        "rank": error_of(rank_mismatch),
        "last_batch": error_of(lambda: train(mlp, X[:36], Y[:36], dist.DataParallel(), batch_size=16)),
        "unknown_axis": error_of(lambda: dist.TensorLayout(("nope",), dist.DeviceMesh((8,), ("batch",)))),
        "batch_dim_name": error_of(lambda: dist.ModelParallel(
            layout_map=dist.LayoutMap(dist.DeviceMesh((8,), ("batch",))), batch_dim_name="data")),
    }


RESULTS["cpu_seconds"] = {**CPU_SECONDS, "total": round(time.process_time(), 2)}
with open(sys.argv[1], "w") as f:
    json.dump(RESULTS, f, default=str)
