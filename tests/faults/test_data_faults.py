"""Data loading that fails during ``fit``: a raising ``PyDataset.__getitem__`` (worker processes,
worker threads, no workers), a worker process killed with SIGKILL (what the out-of-memory killer
does), a raising generator, and (on the torch backend) a torch ``DataLoader`` whose worker raises or is
killed.

``fit`` must end promptly (the child runs under a timeout: a hang fails the test), raise an error
that says which batch and why, keep the user's exception type, leave no worker process behind,
and let training go on in the same process. All cases share one child process
(tests/faults/data_fault_child.py).
"""

import json
import math
import os
import re
import subprocess
import sys

import pytest

from tests.helpers.requirements import require

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

pytestmark = pytest.mark.requires_trainable_backend


def _torch_backend():
    return os.environ.get("CORNU_BACKEND", "jax") == "torch"


# torch DataLoader cases run on the torch backend only (importing torch costs seconds).
torch_only = pytest.mark.skipif(not _torch_backend(), reason="torch DataLoader cases run on the torch backend")


@pytest.fixture(scope="module")
def results():
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=ROOT)
    env.setdefault("CORNU_BACKEND", "jax")
    args = [sys.executable, "-m", "tests.faults.data_fault_child"]
    if _torch_backend():
        require("torch")
    else:
        args.append("--no-torch")
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return {case["name"]: case for case in map(json.loads, filter(None, done.stdout.splitlines()))}


def _text(case):
    return " ".join([case["message"] or ""] + case["notes"])


@pytest.mark.parametrize("name,where", [
    ("pydataset_processes_raise", "in a worker process"),
    ("pydataset_threads_raise", "in a worker thread"),
    ("pydataset_inline_raise", "`__getitem__(5)`."),
])
def test_pydataset_error_names_the_batch(results, name, where):
    case = results[name]
    assert case["error_type"] == "ValueError"  # the user's exception, unchanged
    assert case["message"] == "sample 5 is damaged"
    assert len(case["notes"]) == 1
    assert "batch 5 of this pass" in case["notes"][0] and "`__getitem__(5)`" in case["notes"][0]
    assert where in case["notes"][0]
    assert case["children_left"] == 0


def test_killed_pydataset_worker_is_reported_not_waited_on(results):
    case = results["pydataset_processes_killed"]
    assert case["error_type"] == "DataWorkerDiedError"
    assert "BrokenProcessPool" in case["error_classes"] and "RuntimeError" in case["error_classes"]
    message = case["message"]
    assert "killed by signal SIGKILL" in message and "out-of-memory" in message
    assert "batch 5" in message and "`__getitem__(5)`" in message
    assert "use fewer workers" in message and "workers=2, use_multiprocessing=True" in message
    assert case["children_left"] == 0


def test_generator_error_names_the_batch(results):
    case = results["generator_raise"]
    assert case["error_type"] == "ValueError" and case["message"] == "sample 5 is damaged"
    assert case["notes"] == [
        "Raised while reading batch 5 of this pass over the data (0-based) from the generator."
    ]


@torch_only
def test_torch_dataloader_worker_error_names_the_batch(results):
    case = results["torch_worker_raise"]
    assert case["error_type"] == "ValueError"
    assert "sample 5 is damaged" in case["message"]
    assert "batch 5 of this pass" in case["notes"][0] and "worker processes" in case["notes"][0]
    assert case["children_left"] == 0


@torch_only
def test_killed_torch_dataloader_worker_is_reported(results):
    case = results["torch_worker_killed"]
    # torch notices the death itself (its SIGCHLD handler, in the training thread, or a broken
    # pipe in the loading thread): either way the error says the worker was killed and where.
    assert "RuntimeError" in case["error_classes"], case
    text = _text(case)
    assert re.search(r"killed by signal", text), text
    assert re.search(r"(batch|step) [45]\b", text), text
    assert case["children_left"] == 0


def test_training_goes_on_after_the_failures(results):
    assert math.isfinite(results["fit_after"]["loss"])
