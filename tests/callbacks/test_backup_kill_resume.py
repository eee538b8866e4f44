"""SIGKILL a training run at random moments (some of them inside a backup write),
resume it each time, and check that the final weights equal those of a run that
was never interrupted, bit for bit."""

import os
import queue
import random
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from cornu.backend import config

from tests.helpers.requirements import REPO

SCRIPT = str(REPO / "tests" / "helpers" / "backup_training_script.py")
KILL_SEED = 20240613
# How each run is stopped: after a random number of batches, or then inside the next backup write.
KILL_PLAN = ["batches", "write", "write", "batches", "write", "batches", "batches"]
if config.backend() == "tensorflow":  # each restart imports TensorFlow (~10 s): fewer kills, both kinds kept
    KILL_PLAN = ["batches", "write", "write", "batches"]
KILLS = len(KILL_PLAN)


def _env(tmp_path, slow_disk):
    env = dict(os.environ)
    env["CORNU_BACKEND"] = config.backend()
    env["CORNU_TEST_SLOW_DISK"] = "1" if slow_disk else "0"
    # Every process compiles the same steps: share JAX's compilation cache between them.
    env["JAX_COMPILATION_CACHE_DIR"] = str(tmp_path / "jax_cache")
    env["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
    env["JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES"] = "0"
    env.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=1")
    return env


def _start(backup_dir, output, env):
    return subprocess.Popen(
        [sys.executable, SCRIPT, str(backup_dir), str(output)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _lines(process):
    """A queue filled with the process's stdout lines by a reader thread (None at the end)."""
    lines = queue.Queue()

    def read():
        for line in process.stdout:
            lines.put(line.strip())
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _partials(backup_dir):
    try:
        return {name for name in os.listdir(backup_dir) if ".partial-" in name}
    except FileNotFoundError:
        return set()


def _run(backup_dir, output, env, batches_before_kill=None, inside_write=False):
    """Runs the script; SIGKILLs it after ``batches_before_kill`` batches (then, with
    ``inside_write``, as soon as a new backup write is under way).

    Returns ``(finished, killed_inside_write, first_batch)``, ``first_batch`` being the
    ``(epoch, step)`` this run started training at.
    """
    stale = _partials(backup_dir)  # left by earlier kills: not a write of this run
    process = _start(backup_dir, output, env)
    lines = _lines(process)
    seen, first_batch, ended = 0, None, False
    try:
        while True:
            try:
                line = lines.get(timeout=0.001 if inside_write and seen >= (batches_before_kill or 0) else 1.0)
            except queue.Empty:
                line = ""
            if line is None:
                ended = True
                break
            if line.startswith("batch "):
                seen += 1
                if first_batch is None:
                    first_batch = tuple(int(v) for v in line.split()[1:])
            if batches_before_kill is not None and seen >= batches_before_kill:
                if not inside_write or _partials(backup_dir) - stale:
                    break
        landed_in_write = False
        if not ended:
            process.kill()
            process.wait(timeout=120)
            landed_in_write = bool(_partials(backup_dir) - stale)  # the write never completed
    finally:
        process.wait(timeout=300)
        stderr = process.stderr.read()
    if process.returncode == 0:
        return True, False, first_batch
    if process.returncode != -9:
        raise AssertionError(f"The training script failed (exit {process.returncode}):\n{stderr[-3000:]}")
    return False, landed_in_write, first_batch


@pytest.mark.requires_trainable_backend
def test_sigkill_at_random_moments_then_resume_matches_an_uninterrupted_run_bit_for_bit(tmp_path):
    reference = tmp_path / "reference.npz"
    result = subprocess.run(
        [sys.executable, SCRIPT, str(tmp_path / "reference_backup"), str(reference)],
        env=_env(tmp_path, slow_disk=False), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (tmp_path / "reference_backup").exists()  # deleted at the end of a successful fit

    rng = random.Random(KILL_SEED)
    backup_dir, output = tmp_path / "backup", tmp_path / "resumed.npz"
    env = _env(tmp_path, slow_disk=True)
    kills = kills_in_write = 0
    starts = []
    finished = False
    while not finished:
        had_backup = backup_dir.exists() and any(n.startswith("checkpoint-") for n in os.listdir(backup_dir))
        if kills < KILLS:
            inside_write = KILL_PLAN[kills] == "write"
            finished, in_write, first_batch = _run(backup_dir, output, env, rng.randint(1, 8), inside_write)
        else:
            finished, in_write, first_batch = _run(backup_dir, output, env)
        if had_backup:
            starts.append(first_batch or (float("inf"), 0))  # None: nothing was left but the end
        if not finished:
            kills += 1
            kills_in_write += in_write

    # The child runs on while the kill is on its way, so a run may get further than planned.
    assert kills >= KILLS - 1
    assert kills_in_write >= 2
    # Each run that found a backup resumed from it (never back at the start), always moving forward.
    assert len(starts) >= KILLS - 2 and (0, 0) not in starts and starts == sorted(starts), starts
    assert not backup_dir.exists()
    expected, got = np.load(reference), np.load(output)
    assert sorted(expected.files) == sorted(got.files)
    for name in expected.files:
        assert expected[name].dtype == got[name].dtype
        assert np.array_equal(expected[name], got[name]), name  # exact, not approximate
        assert expected[name].tobytes() == got[name].tobytes(), name
