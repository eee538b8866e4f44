"""Write errors while saving (file-size limit standing in for a full disk): the previous file
stays byte-identical and loadable, no temporary file is left, the error names the file and the
cause, and ModelCheckpoint / BackupAndRestore stop or go on as ``on_write_error`` says.

All cases run in one child process (tests/faults/write_fault_child.py), because the file-size
limit applies to a whole process.
"""

import errno
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAVING_CASES = ["keras", "weights_h5", "sharded", "safetensors"]


@pytest.fixture(scope="module")
def results():
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=ROOT)
    backend = env.setdefault("CORNU_BACKEND", "jax")
    args = [sys.executable, "-m", "tests.faults.write_fault_child"]
    if backend == "numpy":
        args.append("--no-training")
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    found = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            case = json.loads(line)
            found[case["name"]] = case
    assert done.returncode == 0, done.stderr[-3000:]
    return found


def _assert_clean_failure(case, filename):
    assert case["error_type"] in ("OSError",), case
    assert case["errno"] == errno.EFBIG
    message = case["message"]
    assert filename in message  # which file
    assert "File too large" in message and "largest size allowed" in message  # why
    assert "previous file of that name is unchanged" in message and "save again" in message  # what to do
    assert case["same_files"], case["files"]  # no temporary file left behind
    assert case["same_bytes"]  # the previous file is untouched
    assert not any(name.endswith(".tmp") or "partial" in name for name in case["files"])


@pytest.mark.parametrize(
    "name,filename",
    [("keras", "m.keras"), ("weights_h5", "m.weights.h5"), ("sharded", "m_00000.weights.h5"),
     ("safetensors", "m.safetensors")],
)
def test_failed_save_keeps_previous_file(results, name, filename):
    case = results[name]
    _assert_clean_failure(case, filename)
    assert case["loads_previous"]  # it still loads, with the previous weights


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("name,filename", [("checkpoint_raise", "ckpt.keras"),
                                           ("checkpoint_weights_raise", "ckpt.weights.h5")])
def test_model_checkpoint_stops_fit_by_default(results, name, filename):
    case = results[name]
    _assert_clean_failure(case, filename)
    assert "ModelCheckpoint stopped training" in case["message"]
    assert "on_write_error = 'warn'" in case["message"]
    assert case["loads_previous"]
    assert case["rewritten_after"]  # once there is room again, the next fit saves as usual


@pytest.mark.requires_trainable_backend
def test_model_checkpoint_warn_keeps_training(results):
    case = results["checkpoint_warn"]
    assert case["error_type"] is None
    assert case["epochs_run"] == 2
    assert len(case["warnings"]) == 2 and "File too large" in case["warnings"][0]
    assert case["same_files"] and case["same_bytes"] and case["loads_previous"]


@pytest.mark.requires_trainable_backend
def test_failed_best_save_does_not_become_the_best(results):
    case = results["checkpoint_best_warn"]
    assert case["loss_not_saved"] < case["best_saved"]  # the epoch improved, but its save failed
    assert case["best_after_failure"] == case["best_saved"]  # so the file's model stays the best


@pytest.mark.requires_trainable_backend
def test_backup_and_restore_stops_fit_by_default(results):
    case = results["backup_raise"]
    _assert_clean_failure(case, "checkpoint-00000002")
    assert "BackupAndRestore stopped training" in case["message"]
    assert case["restorable_epoch"] == 1  # the previous backup still restores


@pytest.mark.requires_trainable_backend
def test_backup_and_restore_warn_keeps_training(results):
    case = results["backup_warn"]
    assert case["error_type"] is None
    assert case["epochs_run"] == 2  # resumed from the epoch-1 backup, then epochs 2 and 3
    assert len(case["warnings"]) == 2
    assert case["same_files"] and case["same_bytes"]
    assert case["restorable_epoch"] == 1
