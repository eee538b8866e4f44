"""Fixtures and hooks shared by the whole suite (the only conftest; helpers live in tests/helpers/).

The backend under test is chosen by ``CORNU_BACKEND`` before cornu is imported; the README's
test command runs the suite once per backend. ``keras_ref`` imports the real Keras 3 (on JAX)
for side-by-side checks. Optional dependencies go through ``tests.helpers.requirements``: a
skip on a developer's machine, an error in CI (``CI=true`` or ``CORNU_STRICT_TESTS=1``).
"""

import numpy as np
import pytest

from cornu.backend import config

from tests.helpers import callback_fakes
from tests.helpers.requirements import (DEV_INSTALL, KERAS_INSTALL, import_real_keras, real_keras_import_error,
                                        strict_mode)

BACKEND = config.backend()


def pytest_configure(config):
    config.addinivalue_line("markers", "requires_trainable_backend: skipped on the numpy backend")
    # In strict mode a missing Keras stops the run before any test, with one message; the
    # xdist workers skip the check (their controller already made it).
    if strict_mode() and not hasattr(config, "workerinput"):
        error = real_keras_import_error()
        if error is not None:
            raise pytest.UsageError(
                f"the real Keras cannot be imported ({error}), and many tests compare cornu with it: "
                f"install it with `pip install {KERAS_INSTALL}` or `{DEV_INSTALL}`. Strict test mode "
                "(CI or CORNU_STRICT_TESTS is set) fails instead of skipping those tests."
            )


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
    """Imports the real Keras 3 once per session (a skip without it, an error in strict mode)."""
    return import_real_keras()


@pytest.fixture(autouse=True)
def _fresh_names():
    from cornu.backend.common import global_state

    global_state.clear_session()
    np.random.seed(0)
    yield


# Stand-ins for a model in the callback tests (tests/callbacks/).


@pytest.fixture
def fake_model():
    return callback_fakes.FakeModel()


@pytest.fixture
def fake_classes():
    return {
        "FakeModel": callback_fakes.FakeModel,
        "FakeOptimizer": callback_fakes.FakeOptimizer,
        "FakeMetric": callback_fakes.FakeMetric,
        "FakeMetricsContainer": callback_fakes.FakeMetricsContainer,
    }


@pytest.fixture
def keras_callbacks(keras_ref):
    return keras_ref.callbacks
