"""Memory stays flat over 100 trials: each trial clears the session and drops its model.

The search runs in a fresh interpreter (``memory_trials_script.py``): a test process that has run
hundreds of other tests first moves its resident memory by allocator noise alone. Keeping each
trial's model alive moves the medians compared below by ~360 MB (measured on torch).
"""

import json
import os
import pathlib
import statistics
import subprocess
import sys

import pytest

from cornu.backend import config
from tests.helpers.requirements import require

require("optuna")
pytestmark = pytest.mark.requires_trainable_backend

TRIALS = 100
SCRIPT = pathlib.Path(__file__).with_name("memory_trials_script.py")
REPO_ROOT = SCRIPT.parents[2]


def test_resident_memory_is_flat_over_100_trials(tmp_path):
    if not os.path.exists("/proc/self/status"):
        pytest.skip("needs /proc/self/status (Linux) to read the resident memory")
    env = dict(os.environ, CORNU_BACKEND=config.backend(), PYTHONPATH=str(REPO_ROOT), OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, str(SCRIPT), str(TRIALS), str(tmp_path)], capture_output=True,
                          text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    rss = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(rss) == TRIALS
    # Medians of 20 trials: a single reading swings by up to ~15 MB as the allocator reuses pages.
    early, late = statistics.median(rss[10:30]), statistics.median(rss[-20:])
    assert late - early < 30, f"resident memory grew by {late - early:.1f} MB from trials 10-29 to the last 20: " \
                              f"{[round(r) for r in rss]}"
