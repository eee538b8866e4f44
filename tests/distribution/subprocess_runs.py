"""Starts the distribution workers in fresh processes (JAX reads XLA_FLAGS only at start-up)
and collects their JSON results."""

import json
import os
import socket
import subprocess
import sys

from tests.helpers.requirements import REPO

HERE = os.path.dirname(os.path.abspath(__file__))


def _environment():
    env = dict(os.environ, CORNU_BACKEND="jax", OMP_NUM_THREADS="1", PYTHONPATH=str(REPO))
    for name in ("XLA_FLAGS", "KERAS_DISTRIBUTION_JOB_ADDRESSES", "KERAS_DISTRIBUTION_NUM_PROCESSES",
                 "KERAS_DISTRIBUTION_PROCESS_ID"):
        env.pop(name, None)
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_eight_devices(folder, timeout=300):
    output = os.path.join(folder, "results.json")
    done = subprocess.run([sys.executable, os.path.join(HERE, "eight_devices_worker.py"), output],
                          env=_environment(), capture_output=True, text=True, timeout=timeout, cwd=REPO)
    if done.returncode != 0 or not os.path.exists(output):
        raise AssertionError(f"the 8-device worker failed ({done.returncode}):\n{done.stderr[-4000:]}")
    with open(output) as f:
        return json.load(f)


def run_two_processes(folder, timeout=300):
    """Both processes of a 2-process JAX cluster on loopback; their results, by process id."""
    port = str(free_port())
    worker = os.path.join(HERE, "two_process_worker.py")
    processes = [subprocess.Popen([sys.executable, worker, str(rank), port, folder], env=_environment(),
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO)
                 for rank in (0, 1)]
    logs = []
    try:
        for process in processes:
            logs.append(process.communicate(timeout=timeout)[0])
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    results = {}
    for rank, (process, log) in enumerate(zip(processes, logs)):
        path = os.path.join(folder, f"results_{rank}.json")
        if process.returncode != 0 or not os.path.exists(path):
            noise = "[Gloo]"
            log = "\n".join(line for line in log.splitlines() if noise not in line)
            raise AssertionError(f"process {rank} of the 2-process run failed ({process.returncode}):\n{log[-4000:]}")
        with open(path) as f:
            results[rank] = json.load(f)
    return results
