"""The README demo (examples/train_digits.py) trains the bundled digits to at least 95% test accuracy."""

import os
import re
import subprocess
import sys

import pytest

from cornu import backend

from tests.helpers.requirements import REPO


@pytest.mark.requires_trainable_backend
def test_digits_demo_reaches_95_percent():
    env = dict(os.environ, CORNU_BACKEND=backend.backend())
    out = subprocess.run(
        [sys.executable, str(REPO / "examples" / "train_digits.py")],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    match = re.search(r"test accuracy=([0-9.]+)", out.stdout)
    assert match, out.stdout[-2000:]
    assert float(match.group(1)) >= 0.95, out.stdout[-2000:]

