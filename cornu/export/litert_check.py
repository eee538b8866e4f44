"""Runs a freshly converted ``.tflite`` file once and compares it with the model, before it is written.

A converter can produce a file that the LiteRT runtime refuses at some batch size, or that computes
something else there (a size baked into a reshape while the input claims a dynamic batch). The
export runs the file on one example batch with the ``ai-edge-litert`` interpreter and compares its
outputs with the model's on the same inputs: a dynamic-batch file that fails is converted again
with a fixed batch, a fixed one that fails is an error. Without ``ai-edge-litert`` installed the
check is skipped (the file is still written).

Example:
>>> problem = run_check(content, specs, shapes, call)   # None when the file runs like the model
"""

import importlib.util

import numpy as np

from cornu import backend

_EXAMPLE_BATCH = 2
_EXAMPLE_OTHER = 3
_RELATIVE = {"float16": 5e-2, "bfloat16": 5e-2}
_DEFAULT_RELATIVE = 1e-4


def can_check():
    """True when the LiteRT interpreter (``ai-edge-litert``) is installed."""
    return importlib.util.find_spec("ai_edge_litert") is not None


def run_check(content, specs, shapes, call):
    """None when ``content`` runs on an example batch shaped as ``shapes`` (a ``None`` axis gets a
    size of its own) and matches ``call``'s outputs; else a sentence saying what went wrong."""
    from ai_edge_litert.interpreter import Interpreter

    inputs = _examples(specs, shapes)
    try:
        runner = Interpreter(model_content=content).get_signature_runner("serving_default")
        outputs = runner(**{spec.name: x for spec, x in zip(specs, inputs)})
    except Exception as error:  # noqa: BLE001 - the runtime's refusal is the finding
        shapes = [x.shape for x in inputs]
        return f"the LiteRT runtime cannot run it on inputs of shapes {shapes} ({_first_line(error)})"
    expected = [backend.convert_to_numpy(y) for y in call(*[backend.convert_to_tensor(x) for x in inputs])]
    if len(outputs) != len(expected):
        return f"it has {len(outputs)} outputs where the model has {len(expected)}"
    for index, want in enumerate(expected):
        got = np.asarray(outputs.get(f"output_{index}"))
        if got.shape != want.shape:
            return f"output_{index} has shape {got.shape} where the model gives {want.shape}"
        if want.dtype.kind in "fc":
            scale = 1.0 + float(np.max(np.abs(want))) if want.size else 1.0
            tolerance = _RELATIVE.get(str(want.dtype), _DEFAULT_RELATIVE) * scale
            difference = float(np.max(np.abs(got.astype("float64") - want.astype("float64")))) if want.size else 0.0
            if not difference <= tolerance:
                return f"output_{index} differs from the model's by {difference:.3g} (more than {tolerance:.3g})"
        elif not np.array_equal(got, want):
            return f"output_{index} differs from the model's"
    return None


def _examples(specs, shapes):
    rng = np.random.default_rng(0)
    arrays = []
    for spec, shape in zip(specs, shapes):
        sizes = tuple((_EXAMPLE_BATCH if axis == 0 else _EXAMPLE_OTHER) if size is None else int(size)
                      for axis, size in enumerate(shape))
        dtype = backend.standardize_dtype(spec.dtype)
        if dtype.startswith(("float", "bfloat")):
            arrays.append(rng.normal(size=sizes).astype(dtype))
        else:
            arrays.append(np.zeros(sizes, dtype=dtype))  # valid indices for Embedding and lookups
    return arrays


def _first_line(error):
    lines = [line for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[0] if lines else ''}"[:300]
