"""Runs an exported ONNX file with onnxruntime and compares it with ``model.predict``.

Example:
>>> assert_onnx_matches_predict(model, "model.onnx", x)
"""

import numpy as np

from tests.helpers.requirements import require


def onnx_session(path):
    """An onnxruntime CPU session on one thread (the test machine is shared)."""
    ort = require("onnxruntime")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def run_onnx(path, inputs):
    """The outputs (a list of arrays) of the ONNX file on ``inputs``: one array, a list in the
    file's input order, or a dict by input name."""
    session = onnx_session(path)
    names = [i.name for i in session.get_inputs()]
    if isinstance(inputs, dict):
        feed = dict(inputs)
    else:
        feed = dict(zip(names, inputs if isinstance(inputs, (list, tuple)) else [inputs]))
    return session.run(None, {k: np.asarray(v) for k, v in feed.items()})


def assert_onnx_matches_predict(model, path, x, atol=1e-5):
    """Runs the file on ``x`` and checks every output against ``model.predict(x)``; returns the
    largest absolute difference."""
    got = run_onnx(path, x if not isinstance(x, dict) else {k: v for k, v in x.items()})
    expected = model.predict(x, verbose=0)
    expected = list(expected) if isinstance(expected, (list, tuple)) else [expected]
    assert len(got) == len(expected), f"{len(got)} ONNX outputs for {len(expected)} model outputs"
    worst = 0.0
    for a, b in zip(got, expected):
        a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
        assert a.shape == b.shape, f"ONNX output shape {a.shape} != predict shape {b.shape}"
        worst = max(worst, float(np.max(np.abs(a - b))) if a.size else 0.0)
    assert worst <= atol, f"ONNX output differs from model.predict by {worst} (> {atol})"
    return worst
