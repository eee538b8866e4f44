"""A search killed with SIGKILL mid-trial and started again keeps its finished trials and resumes the
interrupted one from its own checkpoint (not from scratch)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from cornu.backend import backend
from tests.helpers.requirements import REPO, require

require("optuna")
pytestmark = pytest.mark.requires_trainable_backend


def _start(tmp_path, *extra):
    env = dict(os.environ, CORNU_BACKEND=backend(), OMP_NUM_THREADS="1", PYTHONPATH=str(REPO))
    args = [sys.executable, "-m", "tests.tuner.resume_script", str(tmp_path / "search"), str(tmp_path / "log"),
            *extra]
    return subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _log(tmp_path):
    return [json.loads(line) for line in (tmp_path / "log").read_text().splitlines()]


def test_sigkill_then_restart_resumes_the_interrupted_trial(tmp_path):
    child = _start(tmp_path, "hang")
    deadline = time.time() + 240
    while not (tmp_path / "log.hang").exists():
        assert child.poll() is None, child.communicate()[0][-3000:]
        assert time.time() < deadline, "the child never reached the second trial"
        time.sleep(0.1)
    os.kill(child.pid, signal.SIGKILL)
    child.communicate()
    first_pid = child.pid
    before = _log(tmp_path)
    done_id, killed_id = before[0]["id"], before[-1]["id"]
    assert [e["epoch"] for e in before if e["id"] == done_id] == [0, 1, 2]
    assert [e["epoch"] for e in before if e["id"] == killed_id] == [0, 1]
    checkpoints = os.listdir(tmp_path / "search" / "resume" / f"trial_{killed_id}" / "backup_0")
    assert checkpoints, "the interrupted trial's checkpoint should be on disk"

    again = _start(tmp_path)
    output = again.communicate(timeout=300)[0]
    assert again.returncode == 0, output[-3000:]
    after = [e for e in _log(tmp_path) if e["pid"] != first_pid]
    assert all(e["id"] != done_id for e in after), "the finished trial must not run again"
    resumed = [e for e in after if e["id"] == killed_id]
    # Epoch 0 was checkpointed before the kill: the trial goes on from epoch 1, with the same values.
    assert [e["epoch"] for e in resumed] == [1, 2]
    assert all(e["values"] == before[-1]["values"] for e in resumed)
    result = json.loads(next(line for line in output.splitlines() if line.startswith("RESULT="))[7:])
    assert sorted(result) == sorted({done_id, killed_id})
    assert all(status == "COMPLETED" for status, _ in result.values())
