"""Shared by the saving-format tests: the Keras-made corpus and a runner for the real Keras in a subprocess."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import cornu

from tests.helpers.requirements import fixture_path, require_installed

KERAS_CORPUS = fixture_path("keras_files")
MODEL_NAMES = sorted(p.name[: -len(".keras")] for p in KERAS_CORPUS.glob("*.keras"))


def corpus_arrays(name):
    """``(inputs, expected outputs, optimizer variables)`` Keras saved for model ``name``."""
    with np.load(KERAS_CORPUS / f"{name}.npz") as data:
        arrays = {key: data[key] for key in data.files}
    if "x" in arrays:
        inputs = arrays["x"]
    else:
        inputs = [arrays[f"x_{i}"] for i in range(sum(k.startswith("x_") for k in arrays))]
    outputs = [arrays[f"y_{i}"] for i in range(sum(k.startswith("y_") for k in arrays))]
    optimizer = [arrays[f"opt_{i}"] for i in range(sum(k.startswith("opt_") for k in arrays))]
    return inputs, outputs, optimizer


def predict_list(model, inputs):
    outputs = model.predict(inputs, verbose=0)
    return [np.asarray(y) for y in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]


def scramble(model, seed=0):
    """Overwrites every weight with other values (positive, so variances stay valid)."""
    rng = np.random.default_rng(seed)
    for variable in model.weights:
        variable.assign(rng.uniform(0.5, 1.5, size=variable.shape).astype(cornu.backend.standardize_dtype(
            variable.dtype)))


def run_keras(code, cwd, backend="numpy", timeout=600):
    """Runs ``code`` with the real Keras 3 in a fresh interpreter; fails the test on error.

    The `.keras` format does not depend on Keras's backend; Keras on NumPy loads and predicts
    without compiling every op (several times faster than Keras on JAX for these checks).
    """
    require_installed("keras", install="keras==3.15.1")
    env = {k: v for k, v in os.environ.items() if k not in ("CORNU_BACKEND", "KERAS_BACKEND")}
    env.update(KERAS_BACKEND=backend, JAX_PLATFORMS="cpu")
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, cwd=str(cwd),
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        pytest.fail(f"Keras subprocess failed:\nSTDOUT:\n{proc.stdout[-4000:]}\nSTDERR:\n{proc.stderr[-8000:]}")
    return proc.stdout
