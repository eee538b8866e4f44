"""Shared test fixtures.

The backend under test is chosen by ``CORNU_BACKEND`` before cornu is
imported; the README's test command runs the suite once per backend.
``keras_ref`` imports the real Keras 3 (on JAX) for side-by-side checks.
"""

import importlib
import os

import numpy as np
import pytest

from cornu.backend import config

BACKEND = config.backend()


def pytest_configure(config):
    config.addinivalue_line("markers", "requires_trainable_backend: skipped on the numpy backend")


def pytest_collection_modifyitems(config, items):
    if BACKEND == "numpy":
        skip = pytest.mark.skip(reason="the numpy backend is inference-only")
        for item in items:
            if "requires_trainable_backend" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def keras_ref(_keras_module):
    """The real Keras 3 package, on JAX, with fresh auto-generated names for each test."""
    # free_memory=False skips a full garbage collection (~0.4 s per test).
    _keras_module.backend.clear_session(free_memory=False)
    return _keras_module


@pytest.fixture(scope="session")
def _keras_module():
    """Imports the real Keras 3 once per session."""
    previous = os.environ.get("KERAS_BACKEND")
    os.environ["KERAS_BACKEND"] = "jax"
    try:
        keras = importlib.import_module("keras")
    except Exception as e:  # pragma: no cover - keras is a dev dependency
        pytest.skip(f"the real keras is not importable: {e}")
    finally:
        if previous is None:
            os.environ.pop("KERAS_BACKEND", None)
        else:
            os.environ["KERAS_BACKEND"] = previous
    return keras


@pytest.fixture(autouse=True)
def _fresh_names():
    from cornu.backend.common import global_state

    global_state.clear_session()
    np.random.seed(0)
    yield
