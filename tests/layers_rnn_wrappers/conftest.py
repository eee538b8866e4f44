"""Makes the side-by-side helpers of tests/layers (``layer_compare``) importable here, and resets
the real Keras's names per test without a full garbage collection."""

import os
import sys

import pytest

_LAYERS_TESTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "layers")
if _LAYERS_TESTS not in sys.path:
    sys.path.insert(0, _LAYERS_TESTS)


@pytest.fixture
def keras_ref(_keras_module):
    """As tests/conftest.py's, but ``clear_session(free_memory=False)``: the default runs
    ``gc.collect()``, about 0.4 s per test once JAX, torch and Keras are loaded."""
    _keras_module.backend.clear_session(free_memory=False)
    return _keras_module
