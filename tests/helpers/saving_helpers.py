"""Helpers for the saving tests: small MLPs and subprocess runners for Keras and other backends."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import cornu
from cornu.backend import config

from tests.helpers.requirements import require_installed

REPO = Path(__file__).resolve().parents[2]
BACKEND = config.backend()


def make_mlp(kind, name=None, with_batchnorm=True, with_dropout=True):
    """A tiny Dense/BatchNormalization/Dropout MLP, as a Sequential or a Functional model."""
    layers = cornu.layers
    hidden = [layers.Dense(5, activation="relu")]
    if with_batchnorm:
        hidden.append(layers.BatchNormalization())
    if with_dropout:
        hidden.append(layers.Dropout(0.25))
    hidden.append(layers.Dense(2))
    if kind == "sequential":
        return cornu.Sequential([cornu.Input(shape=(4,))] + hidden, name=name)
    inputs = cornu.Input(shape=(4,))
    x = inputs
    for layer in hidden:
        x = layer(x)
    return cornu.Model(inputs, x, name=name)


def data(seed=0, n=8):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 4)).astype("float32"), rng.normal(size=(n, 2)).astype("float32")


def run_python(code, backend_env, cwd, timeout=900):
    """Runs ``code`` in a fresh interpreter with the given backend variables; fails the test on error."""
    env = {k: v for k, v in os.environ.items() if k not in ("CORNU_BACKEND", "KERAS_BACKEND")}
    env.update(backend_env)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    env.setdefault("JAX_PLATFORMS", "cpu")
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, cwd=str(cwd), capture_output=True, text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        pytest.fail(f"subprocess failed ({backend_env}):\nSTDOUT:\n{proc.stdout[-4000:]}\nSTDERR:\n{proc.stderr[-8000:]}")
    return proc.stdout


def run_keras(code, cwd):
    """Runs ``code`` with the real Keras 3 on JAX."""
    require_installed("keras", install="keras==3.15.1")
    return run_python(code, {"KERAS_BACKEND": "jax"}, cwd)


def run_cornu(code, backend, cwd):
    """Runs ``code`` with cornu on ``backend``."""
    return run_python(code, {"CORNU_BACKEND": backend}, cwd)
