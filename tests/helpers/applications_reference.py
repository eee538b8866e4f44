"""Side-by-side checks of ``cornu.applications`` against the real Keras 3.15.1.

The real Keras runs in a subprocess on its torch backend (``keras_application_worker.py``; JAX
for the NASNets, which Keras refuses to build on torch): it
builds the same application with random weights, saves them in the legacy weights-only layout of
Keras's published ImageNet files and predicts on a fixed batch. Its results are cached under
``$CORNU_TEST_REFERENCE_CACHE`` (default ``<repo>/.cache/test-references``), keyed by the job and
the Keras version, so the three backend runs of the suite pay for Keras once.

Example::

    prefetch([("ResNet50", {"input_shape": (32, 32, 3), "classes": 10}, (2, 32, 32, 3))])
    check_against_keras("ResNet50", {"input_shape": (32, 32, 3), "classes": 10}, (2, 32, 32, 3))
    check_structure("ResNet152")
"""

import atexit
import gzip
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import numpy as np

from tests.helpers.requirements import FIXTURES, REPO, fixture_path, require_installed

KERAS_VERSION = "3.15.1"
# Bump when the worker changes what it writes, so stale cache entries are not reused.
WORKER_VERSION = 1
WORKER = pathlib.Path(__file__).with_name("keras_application_worker.py")
STRUCTURES = "applications/keras_structures.json.gz"


def cache_root():
    root = os.environ.get("CORNU_TEST_REFERENCE_CACHE") or str(REPO / ".cache" / "test-references")
    os.makedirs(root, exist_ok=True)
    return pathlib.Path(root)


def _normalize(value):
    return json.loads(json.dumps(value))


def _job_key(kind, builder, kwargs, batch_shape, input_range):
    text = json.dumps([WORKER_VERSION, KERAS_VERSION, kind, builder, _normalize(kwargs),
                       list(batch_shape or []), list(input_range)], sort_keys=True)
    return f"{builder}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


# Keras refuses to build these on its torch backend ("an outstanding bug"): they run on its JAX one.
JAX_ONLY_IN_KERAS = ("NASNetMobile", "NASNetLarge")


def keras_backend_for(builder):
    return "jax" if builder in JAX_ONLY_IN_KERAS else "torch"


_SERVERS = {}  # Keras backend -> a running ``keras_application_worker.py --serve``


def _server(keras_backend):
    server = _SERVERS.get(keras_backend)
    if server is None or server.poll() is not None:
        env = dict(os.environ, KERAS_BACKEND=keras_backend, JAX_PLATFORMS="cpu")
        env.pop("CORNU_BACKEND", None)
        server = _SERVERS[keras_backend] = subprocess.Popen(
            [sys.executable, str(WORKER), "--serve"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True)
        atexit.register(server.kill)
    return server


def run_worker(jobs, keras_backend="torch"):
    """Runs the Keras worker on ``jobs`` (see its docstring); one Keras process per backend serves
    the whole test session."""
    require_installed("keras", "keras==3.15.1")
    server = _server(keras_backend)
    with tempfile.TemporaryDirectory() as tmp:
        jobs_path = os.path.join(tmp, "jobs.json")
        with open(jobs_path, "w") as f:
            json.dump(jobs, f)
        server.stdin.write(jobs_path + "\n")
        server.stdin.flush()
        answer = server.stdout.readline().strip()
    if answer != "ok":
        detail = json.loads(answer[len("error "):]) if answer.startswith("error ") else (
            f"the worker stopped (exit {server.poll()}) without answering")
        raise AssertionError(f"the Keras worker failed:\n{detail[-6000:]}")


def prefetch(cases, kind="reference"):
    """Makes sure Keras's results for every ``(builder, kwargs, batch_shape[, input_range])`` are cached.

    The missing ones are computed in one subprocess; returns their cache folders in order.
    """
    folders, jobs = [], []
    for case in cases:
        builder, kwargs, batch_shape = case[:3]
        input_range = list(case[3]) if len(case) > 3 else [-1.0, 1.0]
        folder = cache_root() / _job_key(kind, builder, kwargs, batch_shape, input_range)
        folders.append(folder)
        if not (folder / "done").exists():
            jobs.append({"kind": kind, "builder": builder, "kwargs": _normalize(kwargs),
                         "batch_shape": list(batch_shape or []), "input_range": input_range,
                         "final": str(folder), "out": tempfile.mkdtemp(dir=cache_root(), prefix=".tmp-")})
    for keras_backend in ("torch", "jax"):
        batch = [job for job in jobs if keras_backend_for(job["builder"]) == keras_backend]
        if batch:
            run_worker(batch, keras_backend)
    if jobs:
        for job in jobs:
            pathlib.Path(job["out"], "done").write_text("ok")
            try:
                os.rename(job["out"], job["final"])
            except OSError:  # another test process cached the same job first
                shutil.rmtree(job["out"], ignore_errors=True)
    return folders


def structure_of(model):
    """The same record the worker writes: parameter count, layer names, classes and weight shapes."""
    layers = []
    for layer in model.layers:
        weights = list(layer.trainable_weights) + list(layer.non_trainable_weights)
        layers.append({"name": layer.name, "class_name": type(layer).__name__,
                       "weight_shapes": [list(w.shape) for w in weights]})
    return {"name": model.name, "param_count": int(model.count_params()), "layers": layers}


def assert_same_structure(actual, expected, what):
    assert actual["name"] == expected["name"], f"{what}: model name {actual['name']!r} != Keras's {expected['name']!r}"
    names = [layer["name"] for layer in actual["layers"]]
    expected_names = [layer["name"] for layer in expected["layers"]]
    if names != expected_names:
        missing = [n for n in expected_names if n not in names][:10]
        extra = [n for n in names if n not in expected_names][:10]
        raise AssertionError(f"{what}: layer names differ from Keras's ({len(names)} vs {len(expected_names)} "
                             f"layers). Missing: {missing}. Extra: {extra}.")
    for mine, theirs in zip(actual["layers"], expected["layers"]):
        assert mine["class_name"] == theirs["class_name"], (
            f"{what}: layer {mine['name']!r} is a {mine['class_name']}, Keras's is a {theirs['class_name']}")
        assert mine["weight_shapes"] == theirs["weight_shapes"], (
            f"{what}: layer {mine['name']!r} weight shapes {mine['weight_shapes']} != Keras's "
            f"{theirs['weight_shapes']}")
    assert actual["param_count"] == expected["param_count"], (
        f"{what}: {actual['param_count']} parameters, Keras has {expected['param_count']}")


def _builder(builder_name):
    import cornu.applications

    return getattr(cornu.applications, builder_name)


def predict(model, x):
    return np.asarray(model.predict(x, batch_size=len(x), verbose=0))


def assert_close_outputs(actual, expected, what, tolerance=1e-4):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{what}: output shape {actual.shape} != Keras's {expected.shape}"
    scale = max(float(np.max(np.abs(expected))), 1.0)
    np.testing.assert_allclose(actual, expected, rtol=tolerance, atol=tolerance * scale, err_msg=what)


def check_against_keras(builder_name, kwargs, batch_shape, input_range=(-1.0, 1.0), tolerance=1e-4):
    """Builds ``builder_name`` in Keras and cornu, loads Keras's weights file into cornu, compares.

    Returns ``(model, x)``: cornu's model (with Keras's weights) and the batch, for further checks.
    """
    (folder,) = prefetch([(builder_name, kwargs, batch_shape, input_range)])
    expected = json.loads((folder / "structure.json").read_text())
    model = _builder(builder_name)(weights=str(folder / "weights.h5"), **kwargs)
    what = f"{builder_name}({kwargs})"
    assert_same_structure(structure_of(model), expected, what)
    reference = np.load(folder / "reference.npz")
    assert_close_outputs(predict(model, reference["x"]), reference["y"], what, tolerance)
    return model, reference["x"]


def recorded_structures():
    with gzip.open(fixture_path(STRUCTURES), "rt") as f:
        return json.load(f)


def check_structure(builder_name):
    """Compares cornu's default ``builder_name(weights=None)`` with the recorded Keras 3.15.1 structure
    (the returned model's variables are not initialized: only for inspecting its structure)."""
    import cornu

    expected = recorded_structures()[builder_name]
    # Variables left uninitialized: the structure needs only their shapes, and drawing the random
    # values of the heavy variants (350M parameters for ConvNeXtXLarge) would dominate the test.
    with cornu.backend.StatelessScope(initialize_variables=False):
        model = _builder(builder_name)(weights=None)
    assert_same_structure(structure_of(model), expected, f"{builder_name}()")
    return model


def check_keras_file_round_trip(model, x, tmp_path, tolerance=1e-4):
    """cornu `.keras` -> real Keras (same predictions) -> Keras `.keras` -> cornu (same predictions)."""
    import cornu

    expected = predict(model, x)
    path = os.path.join(tmp_path, "cornu_saved.keras")
    model.save(path)
    np.save(os.path.join(tmp_path, "x.npy"), x)
    out = os.path.join(tmp_path, "keras_out")
    run_worker([{"kind": "load_keras_file", "path": path, "inputs": os.path.join(tmp_path, "x.npy"), "out": out}])
    assert_close_outputs(np.load(os.path.join(out, "outputs.npy")), expected, "Keras loading cornu's file",
                         tolerance)
    reloaded = cornu.saving.load_model(os.path.join(out, "keras_saved.keras"))
    assert_close_outputs(predict(reloaded, x), expected, "cornu loading Keras's file", tolerance)
    return reloaded


def record_structures(builders, path=None):
    """Records Keras's default structures of ``builders`` into the fixture (run by hand, see below)."""
    path = pathlib.Path(path or FIXTURES / STRUCTURES)
    folders = prefetch([(name, {}, None) for name in builders], kind="structure")
    records = {}
    if path.exists():
        with gzip.open(path, "rt") as f:
            records = json.load(f)
    for name, folder in zip(builders, folders):
        records[name] = json.loads((folder / "structure.json").read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(json.dumps(records, sort_keys=True).encode())


if __name__ == "__main__":
    # python -m tests.helpers.applications_reference ResNet50 VGG16 ...   (re-records those builders)
    record_structures(sys.argv[1:])
