"""The one way a test gets an optional dependency or a reference file.

A developer without the real Keras (or pandas, tensorboard, a fixture file, ...) sees those tests
skipped, each with a message saying what to install. In strict mode (the ``CI`` environment
variable set, as ``.ci/run`` does, or ``CORNU_STRICT_TESTS=1``) the same test fails instead, so a
broken CI environment cannot pass by testing less.

Example::

    pandas = require("pandas")                         # the module, or a skip / failure
    path = fixture_path("keras3_api_signatures.json")  # the file, or a skip / failure
"""

import importlib
import importlib.util
import os
import pathlib
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
DEV_INSTALL = "pip install -e '.[dev]'"
KERAS_INSTALL = "keras==3.15.1"
_FALSE = ("", "0", "false", "no", "off")


def strict_mode():
    """True when a missing dependency must fail the test: ``CI`` or ``CORNU_STRICT_TESTS`` is set."""
    if os.environ.get("CORNU_STRICT_TESTS", "").strip().lower() not in _FALSE:
        return True
    return os.environ.get("CI", "").strip().lower() not in _FALSE


def missing(what, how_to_fix):
    """Skips the current test (or module) because ``what`` is missing; fails it in strict mode."""
    message = f"{what} is missing: {how_to_fix}"
    if strict_mode():
        pytest.fail(f"{message} (strict test mode, CI or CORNU_STRICT_TESTS is set: a missing test "
                    "dependency is an error, not a skip)", pytrace=False)
    pytest.skip(message, allow_module_level=True)


def require(module_name, install=None):
    """Imports and returns ``module_name``, a test-only dependency.

    ``install`` is the pip requirement to suggest (default: the module name). A failing import
    skips the test, or fails it in strict mode.
    """
    try:
        return importlib.import_module(module_name)
    except Exception as e:  # a broken install (not only ImportError) counts as missing
        missing(f"the test dependency {module_name!r} ({type(e).__name__}: {e})",
                f"install it with `pip install {install or module_name}` or `{DEV_INSTALL}`")


def require_installed(module_name, install=None):
    """As ``require`` without importing the module here: for code that only runs it in a subprocess."""
    if importlib.util.find_spec(module_name) is None:
        missing(f"the test dependency {module_name!r}",
                f"install it with `pip install {install or module_name}` or `{DEV_INSTALL}`")


def fixture_path(*parts):
    """The path of a file or folder under ``tests/fixtures/``; a missing one skips (fails in strict mode)."""
    path = FIXTURES.joinpath(*parts)
    if not path.exists():
        missing(f"the test fixture {path.relative_to(REPO)}",
                "it is part of the repository: restore it with git (see tests/fixtures/README.md)")
    return path


def import_real_keras():
    """The real Keras 3 on JAX, for side-by-side checks (a skip without it, a failure in strict mode)."""
    keras, error = _import_keras_on_jax()
    if error is not None:
        missing(f"the real Keras ({type(error).__name__}: {error})",
                f"install it with `pip install {KERAS_INSTALL}` or `{DEV_INSTALL}`")
    return keras


def real_keras_import_error():
    """Why the real Keras cannot be imported, as a one-line message; None when it can."""
    _, error = _import_keras_on_jax()
    return None if error is None else f"{type(error).__name__}: {error}"


def _import_keras_on_jax():
    _forget_keras_on_another_backend()
    previous = os.environ.get("KERAS_BACKEND")
    os.environ["KERAS_BACKEND"] = "jax"
    try:
        return importlib.import_module("keras"), None
    except Exception as e:
        return None, e
    finally:
        if previous is None:
            os.environ.pop("KERAS_BACKEND", None)
        else:
            os.environ["KERAS_BACKEND"] = previous


def _forget_keras_on_another_backend():
    """Importing TensorFlow (CORNU_BACKEND=tensorflow) imports Keras on its default backend,
    TensorFlow: drop that copy from ``sys.modules`` so that the next import is Keras on JAX."""
    loaded = sys.modules.get("keras")
    if loaded is None:
        return
    try:
        on_jax = loaded.backend.backend() == "jax"
    except Exception:
        on_jax = False
    if not on_jax:
        for name in [name for name in sys.modules if name == "keras" or name.startswith("keras.")]:
            del sys.modules[name]
