"""The README demo trains the bundled digits to at least 95% test accuracy."""

import os
import re
import subprocess
import sys

import pytest

from cornu import backend

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.requires_trainable_backend
def test_digits_demo_reaches_95_percent():
    env = dict(os.environ, CORNU_BACKEND=backend.backend())
    out = subprocess.run(
        [sys.executable, os.path.join(ROOT, "examples", "train_digits.py")],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    match = re.search(r"test accuracy=([0-9.]+)", out.stdout)
    assert match, out.stdout[-2000:]
    assert float(match.group(1)) >= 0.95, out.stdout[-2000:]


def test_digits_dataset_is_bundled_and_split_deterministically():
    from cornu.datasets import digits

    (x_train, y_train), (x_test, y_test) = digits.load_data()
    assert x_train.shape == (1438, 8, 8) and x_test.shape == (359, 8, 8)
    assert set(y_train.tolist()) == set(range(10))
    (x2, _), _ = digits.load_data()
    assert (x2 == x_train).all()
    assert x_train.max() == 16
