"""ONNX export on the NumPy backend: the JAX exporter, run in a worker process.

NumPy executes eagerly and leaves no graph to trace. So the model is saved to a temporary
``.keras`` file and a JAX-backend worker process (``python -m cornu.export.onnx_jax_worker`` with
``CORNU_BACKEND=jax``) loads it and exports it with jax2onnx: the file is the one an export from
the JAX backend gives. The worker starts on the first export (a few seconds: it imports JAX and
jax2onnx) and serves every later export of the session; it stops when Python exits.

Each export is bounded in time: ``CORNU_ONNX_WORKER_TIMEOUT`` seconds (default 300), after which
the worker is killed and a ``TimeoutError`` says so. Needs JAX installed next to NumPy
(``pip install 'cornu[onnx]'``).

The file is then checked against this process: when onnxruntime is installed it runs the file on
random inputs and compares with the model run by NumPy; a difference (e.g. an ``ExportArchive``
endpoint that is not the model's own inference pass, which a ``.keras`` file cannot carry) is an
error, never a silently different file.

Example:
>>> proto = export_onnx(model, [InputSpec(shape=(None, 8), dtype="float32", name="x")],
...                     lambda x: (model(x, training=False),), opset_version=20)
"""

import atexit
import json
import os
import subprocess
import sys
import tempfile
import threading

import numpy as np

_REPLY_PREFIX = "CORNU_ONNX_REPLY "
_DEFAULT_TIMEOUT_S = 300
_WORKER = []
_LOCK = threading.Lock()


def export_onnx(model, specs, call, opset_version):
    """``call`` traced into an ``onnx.ModelProto`` by the JAX worker (see the module docstring).

    Example:
    >>> export_onnx(model, specs, lambda x: (model(x, training=False),), 20).graph.input[0].name
    'x'
    """
    import onnx

    save = getattr(model, "save", None)
    if save is None:
        raise ValueError(
            "On the NumPy backend, ONNX export goes through a saved `.keras` file, so it exports a whole "
            "`Model`; this object cannot be saved. Export it from the JAX or torch backend instead. "
            f"Received: model={type(model).__name__}"
        )
    with tempfile.TemporaryDirectory(prefix="cornu_onnx_") as folder:
        keras_path = os.path.join(folder, "model.keras")
        onnx_path = os.path.join(folder, "model.onnx")
        save(keras_path)
        request = {
            "model": keras_path,
            "specs": [[list(spec.shape), str(spec.dtype), spec.name] for spec in specs],
            "opset": int(opset_version),
            "output": onnx_path,
            "classes": _custom_classes(model),
        }
        with _LOCK:
            _ask_worker(request, getattr(model, "name", "model"))
        proto = onnx.load(onnx_path)
    _check_against_numpy(proto, specs, call, getattr(model, "name", "model"))
    return proto


def _custom_classes(model):
    """``[module, qualname]`` of the model's layer classes defined outside cornu (the worker imports
    them as this process did)."""
    flatten = getattr(model, "_flatten_layers", None)
    layers = flatten(include_self=True, recursive=True) if flatten else [model]
    classes = {(type(layer).__module__, type(layer).__qualname__) for layer in layers}
    return sorted([m, q] for m, q in classes if m.split(".")[0] != "cornu")


def _timeout_s():
    try:
        return float(os.environ.get("CORNU_ONNX_WORKER_TIMEOUT", _DEFAULT_TIMEOUT_S))
    except ValueError:
        return float(_DEFAULT_TIMEOUT_S)


class _Worker:
    def __init__(self):
        env = dict(os.environ, CORNU_BACKEND="jax")
        env.pop("KERAS_BACKEND", None)
        env.setdefault("JAX_PLATFORMS", "cpu")  # tracing only: no accelerator needed
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cornu.export.onnx_jax_worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True, env=env,
        )
        self.lines = []
        self.ready = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            if line.startswith(_REPLY_PREFIX):
                with self.ready:
                    self.lines.append(line[len(_REPLY_PREFIX):])
                    self.ready.notify()
        with self.ready:
            self.ready.notify()

    def request(self, payload, timeout):
        self.process.stdin.write(json.dumps(payload) + "\n")
        self.process.stdin.flush()
        with self.ready:
            self.ready.wait_for(lambda: self.lines or self.process.poll() is not None, timeout=timeout)
            if self.lines:
                return json.loads(self.lines.pop(0))
        return None

    def log_tail(self, size=2000):
        self.log.seek(0)
        return self.log.read()[-size:]

    def stop(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.write("\n")
                self.process.stdin.flush()
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        self.log.close()


def _worker():
    if _WORKER and _WORKER[0].process.poll() is None:
        return _WORKER[0]
    _WORKER.clear()
    _WORKER.append(_Worker())
    return _WORKER[0]


@atexit.register
def _stop_worker():
    while _WORKER:
        _WORKER.pop().stop()


def _ask_worker(request, model_name):
    worker = _worker()
    timeout = _timeout_s()
    try:
        reply = worker.request(request, timeout)
    except OSError as error:  # the worker died before reading the request
        reply, cause = None, error
    else:
        cause = None
    if reply is None:
        alive = worker.process.poll() is None
        tail = worker.log_tail()
        _stop_worker()
        if alive:
            raise TimeoutError(
                f"Exporting model '{model_name}' to ONNX took longer than {timeout:.0f} s in the JAX worker "
                "process, which was stopped. Set CORNU_ONNX_WORKER_TIMEOUT (seconds) for a larger model, or "
                f"export from the JAX backend directly. Received: timeout={timeout}"
            ) from cause
        raise RuntimeError(
            "The JAX worker process that exports ONNX for the NumPy backend stopped. The NumPy backend needs "
            "JAX, jax2onnx and onnx installed to export (`pip install 'cornu[onnx]'`). "
            f"Received: worker output tail={tail!r}"
        ) from cause
    if not reply["ok"]:
        hint = ""
        if "Could not locate" in reply["error"]:
            hint = (" On the NumPy backend the model is re-loaded in a JAX process for export: define custom "
                    "classes in an importable module (not `__main__` or inside a function).")
        error_type = {"ValueError": ValueError, "TypeError": TypeError, "NotImplementedError": NotImplementedError,
                      "TimeoutError": TimeoutError}.get(reply.get("type"), RuntimeError)
        raise error_type(f"{reply['error']} (exported in the JAX worker process of the NumPy backend.{hint})")


def _check_against_numpy(proto, specs, call, model_name):
    """Runs ``proto`` in onnxruntime on random inputs and compares with ``call`` run by NumPy."""
    try:
        import onnxruntime
    except ImportError:
        return
    rng = np.random.default_rng(0)
    inputs = [_sample(rng, spec) for spec in specs]
    expected = [np.asarray(x) for x in call(*inputs)]
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(proto.SerializeToString(), options, providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    got = session.run(None, dict(zip(names, inputs)))
    for index, (a, b) in enumerate(zip(got, expected)):
        a64, b64 = np.asarray(a, np.float64), np.asarray(b, np.float64)
        tolerance = (2e-2 if a.dtype == np.float16 else 1e-3) * (1.0 + float(np.abs(b64).max(initial=0.0)))
        if a.shape != b.shape or float(np.abs(a64 - b64).max(initial=0.0)) > tolerance:
            raise ValueError(
                f"The ONNX file exported for model '{model_name}' does not compute what the model computes on the "
                f"NumPy backend (output {index}). On NumPy, ONNX export re-exports the saved model's own inference "
                "pass; export other endpoints from the JAX or torch backend. "
                f"Received: shapes={a.shape} vs {b.shape}"
            )


def _sample(rng, spec):
    shape = tuple(2 if size is None else int(size) for size in spec.shape)
    dtype = np.dtype(str(spec.dtype))
    if np.issubdtype(dtype, np.floating):
        return rng.normal(size=shape).astype(dtype)
    if dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(bool)
    return rng.integers(0, 2, size=shape).astype(dtype)
