"""``BackupAndRestore`` resumes a 2-process data-parallel run after one worker was killed.

The first launch trains with a backup each epoch until process 1 kills itself with SIGKILL in
the third epoch; the launcher (torchrun, or this test for JAX, as a cluster scheduler would)
then stops the survivor. The same command launched again resumes from process 0's backup and
must end with the weights of an uninterrupted run.
"""

import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

from cornu.backend import backend
from tests.distribution.subprocess_runs import free_port
from tests.helpers.requirements import REPO

pytestmark = [
    pytest.mark.skipif(backend() not in ("jax", "torch"), reason="multi-process training runs on jax and torch"),
    pytest.mark.requires_trainable_backend,
]

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "resume_worker.py")
TOLERANCE = 1e-5


def _environment():
    env = dict(os.environ, CORNU_BACKEND=backend(), OMP_NUM_THREADS="1", PYTHONPATH=str(REPO))
    for name in ("XLA_FLAGS", "RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT",
                 "KERAS_DISTRIBUTION_JOB_ADDRESSES", "KERAS_DISTRIBUTION_NUM_PROCESSES", "KERAS_DISTRIBUTION_PROCESS_ID"):
        env.pop(name, None)
    return env


def _launch_torch(folder, mode, timeout=240):
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_addr", "127.0.0.1",
               "--master_port", str(free_port()), WORKER, folder, mode]
    done = subprocess.run(command, env=_environment(), capture_output=True, text=True, timeout=timeout, cwd=REPO)
    log = "\n".join(line for line in (done.stdout + done.stderr).splitlines() if "[Gloo]" not in line)
    return done.returncode, log


def _launch_jax(folder, mode, timeout=240):
    port = str(free_port())
    processes = [subprocess.Popen([sys.executable, WORKER, folder, mode, str(rank), port], env=_environment(),
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO)
                 for rank in (0, 1)]
    try:
        if mode == "kill":
            processes[1].wait(timeout=timeout)  # process 1 kills itself ...
            processes[0].kill()  # ... and the scheduler stops the survivor, blocked on its peer
        logs = [p.communicate(timeout=timeout)[0] for p in processes]
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
    codes = [p.returncode for p in processes]
    return codes, "\n".join(f"--- process {rank} (exit {code}):\n{log[-3000:]}"
                            for rank, (code, log) in enumerate(zip(codes, logs)))


def test_run_resumes_after_one_worker_is_killed(tmp_path):
    folder = str(tmp_path)
    launch = _launch_jax if backend() == "jax" else _launch_torch
    code, log = launch(folder, "kill")
    if backend() == "jax":
        assert code[1] == -signal.SIGKILL, log
    else:
        assert code != 0 and "Signal 9 (SIGKILL)" in log, log
    assert not os.path.exists(os.path.join(folder, "final_0.npz")), "the killed run must not have finished"
    assert os.listdir(os.path.join(folder, "backup")), "process 0 wrote no backup before the kill"

    code, log = launch(folder, "resume")
    assert code in (0, [0, 0]), log
    backup = os.path.join(folder, "backup")
    assert not os.path.exists(backup) or not os.listdir(backup)  # the finished run deleted its backup
    for rank in (0, 1):
        with open(os.path.join(folder, f"epochs_{rank}.json")) as f:
            record = json.load(f)
        assert record["epochs"] == [2, 3], record  # resumed in the third epoch, where the backup was
        final = np.load(os.path.join(folder, f"final_{rank}.npz"))
        reference = np.load(os.path.join(folder, f"reference_{rank}.npz"))
        for key in reference.files:
            np.testing.assert_allclose(final[key], reference[key], atol=TOLERANCE, rtol=0)
