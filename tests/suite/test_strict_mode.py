"""Strict test mode: without the real Keras or a fixture file, a developer's run skips the tests
that need them, and a CI run (``CI=true``, as ``.ci/run``) fails instead.

Each case runs pytest in a subprocess on a two-test file, with the suite's conftest as a plugin;
"no Keras" is a ``keras`` package on ``PYTHONPATH`` whose import raises.
"""

import os
import subprocess
import sys

import pytest

from cornu.backend import config

from tests.helpers.requirements import REPO

pytestmark = pytest.mark.skipif(config.backend() != "jax", reason="backend-independent; runs once, in the jax pass")

SAMPLE = '''
from tests.helpers.requirements import fixture_path


def test_compares_with_keras(keras_ref):
    assert keras_ref.__name__ == "keras"


def test_reads_a_fixture():
    assert fixture_path("keras3_api_signatures.json").is_file()
    fixture_path("no_such_reference.json")
'''


def _pytest(tmp_path, strict, keras_blocked):
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    paths = [str(REPO)]
    if keras_blocked:
        (tmp_path / "blocked" / "keras").mkdir(parents=True)
        (tmp_path / "blocked" / "keras" / "__init__.py").write_text('raise ImportError("keras is blocked here")\n')
        paths.insert(0, str(tmp_path / "blocked"))
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "CORNU_STRICT_TESTS", "PYTHONPATH")}
    env.update(PYTHONPATH=os.pathsep.join(paths), CORNU_BACKEND="numpy", JAX_PLATFORMS="cpu")
    if strict:
        env["CI"] = "true"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "tests.conftest",
         "-q", "-rsfE", "test_sample.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_without_keras_a_developer_run_skips_with_what_to_install(tmp_path):
    code, output = _pytest(tmp_path, strict=False, keras_blocked=True)
    assert code == 0, output
    assert "2 skipped" in output, output
    assert "keras is blocked here" in output and "pip install keras==3.15.1" in output, output
    assert "tests/fixtures/no_such_reference.json is missing" in output, output


def test_without_keras_a_ci_run_fails_before_any_test(tmp_path):
    code, output = _pytest(tmp_path, strict=True, keras_blocked=True)
    assert code not in (0, 5), output
    assert "the real Keras cannot be imported (ImportError: keras is blocked here)" in output, output
    assert "pip install keras==3.15.1" in output and "passed" not in output, output


def test_a_missing_fixture_fails_a_ci_run(tmp_path):
    code, output = _pytest(tmp_path, strict=True, keras_blocked=False)
    assert code == 1, output
    assert "1 failed, 1 passed" in output, output
    assert "tests/fixtures/no_such_reference.json is missing" in output and "strict test mode" in output, output
