"""A JAX-backend process that exports ``.keras`` files to ONNX for the NumPy backend.

The NumPy backend runs models with NumPy, which nothing can trace into a graph. Its ONNX export
(``cornu/backend/numpy/onnx_export.py``) saves the model to a temporary ``.keras`` file and asks
this worker, started once with ``CORNU_BACKEND=jax`` and reused for every later export of the
session, to load it and export it through the JAX exporter: the same weights, the same graph, the
same file as an export from the JAX backend.

Protocol: one JSON request per line on stdin, ``{"model": path, "specs": [[shape, dtype, name],
...], "opset": int, "output": path, "classes": [[module, qualname], ...]}``, and one
line per request on stdout, ``CORNU_ONNX_REPLY {"ok": true}`` or
``CORNU_ONNX_REPLY {"ok": false, "error": "...", "type": "ValueError"}``. Other output (logs) may
come on stdout too and is ignored by the caller; an empty line or end of input stops the worker.

``classes`` are the model's own layer classes from outside cornu, which the calling process has
already imported: the worker imports the same modules and passes those classes as
``custom_objects``. Nothing named in the saved config itself is ever imported.

Example (what the NumPy backend runs)::

    CORNU_BACKEND=jax python -m cornu.export.onnx_jax_worker
"""

import contextlib
import inspect
import json
import sys
from unittest import mock

REPLY_PREFIX = "CORNU_ONNX_REPLY "


def export_file(request):
    """Loads ``request["model"]`` and writes its ONNX export to ``request["output"]``."""
    from cornu import saving, tree
    from cornu.export.input_signature import input_specs
    from cornu.export.onnx import onnx_proto
    from cornu.layers.input_spec import InputSpec

    custom_objects = _custom_objects(request.get("classes", ()))
    with _zeros_for_random_initializers():
        model = saving.load_model(request["model"], custom_objects=custom_objects, compile=False)
    wanted = [InputSpec(shape=tuple(shape), dtype=dtype, name=name) for shape, dtype, name in request["specs"]]
    structure = input_specs(model)
    flat = tree.flatten(structure)
    if len(flat) != len(wanted):
        raise ValueError(f"The saved model takes {len(flat)} inputs, but {len(wanted)} input specs were sent. "
                         f"Received: specs={request['specs']}")
    specs = tree.pack_sequence_as(structure, wanted) if isinstance(structure, (list, tuple, dict)) else wanted[0]
    proto = onnx_proto(model, specs, lambda inputs: model(inputs, training=False), request["opset"])
    with open(request["output"], "wb") as file:
        file.write(proto.SerializeToString())


def _custom_objects(classes):
    import importlib

    found = {}
    for module_name, qualname in classes:
        if module_name == "__main__" or "<locals>" in qualname:
            continue  # not importable from another process: load_model then names the class
        target = importlib.import_module(module_name)
        for part in qualname.split("."):
            target = getattr(target, part)
        found[qualname.split(".")[-1]] = target
    return found


@contextlib.contextmanager
def _zeros_for_random_initializers():
    """Random initializers give zeros while a model loads: every weight is read from the file right
    after, and on JAX each random draw of a new shape costs an XLA compilation (seconds per model)."""
    import numpy as np

    from cornu.initializers import random_initializers
    from cornu.initializers.initializer import Initializer

    def zeros(self, shape, dtype=None):
        from cornu import backend

        return np.zeros(shape, dtype=backend.standardize_dtype(dtype or backend.floatx()))

    with contextlib.ExitStack() as stack:
        for _, cls in inspect.getmembers(random_initializers, inspect.isclass):
            if issubclass(cls, Initializer) and "__call__" in vars(cls):
                stack.enter_context(mock.patch.object(cls, "__call__", zeros))
        yield


def main():
    for line in sys.stdin:
        if not line.strip():
            break
        try:
            export_file(json.loads(line))
            reply = {"ok": True}
        except Exception as error:  # noqa: BLE001 - every failure goes back to the caller
            reply = {"ok": False, "type": type(error).__name__, "error": str(error)}
        sys.stdout.write(REPLY_PREFIX + json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
