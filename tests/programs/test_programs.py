"""Runs the corpus of Keras programs (one per Keras 3 developer guide topic) on cornu and on
the real Keras 3, on the JAX and torch backends.

Each ``*.py`` file beside this one is an ordinary Keras program (``import keras``) that ends with
asserts on real numbers. For every program and backend it runs twice in a subprocess:
``python -m cornu <program>`` with ``CORNU_BACKEND=<backend>`` (``keras`` resolves to cornu), and
plain ``python <program>`` with ``KERAS_BACKEND=<backend>`` against the installed Keras. A
program whose first line is ``# backends: jax`` (or ``torch``) runs only on that backend. A
program failing on the real Keras is a wrong program; one failing only on cornu is a cornu bug,
listed with its diagnosis in ``KNOWN_CORNU_FAILURES`` (strict xfail: fixing the bug makes the
mark fail, so remove the entry then).

Each program's real-Keras run is recorded, not repeated in every suite run:
``tests/fixtures/programs/keras_passes.json`` holds, per program, the SHA-256 of the file and the
backends it passed on with Keras 3.15.1, written by ``python -m tests.programs._keras_record``
(which runs them). A program changed or added without recording fails
``test_every_program_passed_on_the_real_keras``; ``CORNU_PROGRAMS_ON_KERAS=1`` runs the Keras side
live as well.

The runner picks its backends itself, so the file runs only in the ``CORNU_BACKEND=jax`` pass
of the suite. The subprocesses run two at a time (``CORNU_PROGRAM_WORKERS`` changes it), each in
its own temporary working directory. Run it alone with::

    CORNU_BACKEND=jax .venv/bin/python -m pytest tests/programs -q
"""

import concurrent.futures
import hashlib
import json
import os
import pathlib
import subprocess
import sys
import time

import pytest

from cornu.backend import config
from tests.helpers.requirements import REPO, require_installed

HERE = pathlib.Path(__file__).resolve().parent
KERAS_RECORD = REPO / "tests" / "fixtures" / "programs" / "keras_passes.json"
BACKENDS = ("jax", "torch")
IMPLEMENTATIONS = ("cornu", "keras") if os.environ.get("CORNU_PROGRAMS_ON_KERAS") == "1" else ("cornu",)
TIMEOUT_S = 300
OUTPUT_TAIL_LINES = 40

pytestmark = pytest.mark.skipif(
    config.backend() != "jax",
    reason="the program corpus picks its backends itself (jax and torch, cornu and real Keras); "
           "it runs once, in the CORNU_BACKEND=jax pass of the suite",
)

# (program, backend) -> why it fails on cornu (it passes on the real Keras). Strict xfail.
KNOWN_CORNU_FAILURES = {}


def program_names():
    return sorted(p.name for p in HERE.glob("*.py") if not p.name.startswith(("test_", "_")))


def declared_backends(name):
    """The backends a program runs on: its first line ``# backends: jax, torch``, else both."""
    first_line = (HERE / name).read_text().split("\n", 1)[0]
    prefix = "# backends:"
    if not first_line.startswith(prefix):
        return BACKENDS
    declared = tuple(b.strip() for b in first_line[len(prefix):].split(","))
    unknown = [b for b in declared if b not in BACKENDS]
    if unknown:
        raise ValueError(f"{name}: unknown backend(s) {unknown} in its first line; use {BACKENDS}")
    return declared


def cases():
    params = []
    for name in program_names():
        for backend in declared_backends(name):
            for implementation in IMPLEMENTATIONS:
                marks = []
                reason = KNOWN_CORNU_FAILURES.get((name, backend))
                if implementation == "cornu" and reason:
                    marks.append(pytest.mark.xfail(strict=True, reason=reason))
                params.append(pytest.param((name, backend, implementation), marks=marks,
                                           id=f"{name[:-3]}-{backend}-{implementation}"))
    return params


def run_program(name, backend, implementation, workdir):
    """Runs one program in a subprocess; returns (exit code, seconds, output)."""
    env = {k: v for k, v in os.environ.items() if k not in ("CORNU_BACKEND", "KERAS_BACKEND")}
    env.update(
        OMP_NUM_THREADS="1",
        JAX_PLATFORMS="cpu",
        KERAS_HOME=str(workdir / ".keras_home"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
    )
    program = str(HERE / name)
    if implementation == "cornu":
        env["CORNU_BACKEND"] = backend
        command = [sys.executable, "-m", "cornu", program]
    else:
        env["KERAS_BACKEND"] = backend
        command = [sys.executable, program]
    log_path = workdir / "output.log"
    start = time.perf_counter()
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
        code, cpu_seconds = _wait_with_usage(process, TIMEOUT_S)
    seconds = time.perf_counter() - start
    output = log_path.read_text(errors="replace")
    if code == "timeout":
        output = f"timed out after {TIMEOUT_S} s\n{output}"
    _record_time(name, backend, implementation, code, seconds, cpu_seconds)
    return code, seconds, output


def _wait_with_usage(process, timeout):
    """Waits for ``process``; returns (exit code or "timeout", CPU seconds it used)."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage.ru_utime + usage.ru_stime
        if time.monotonic() > deadline:
            process.kill()
            _, _, usage = os.wait4(process.pid, 0)
            process.returncode = -9
            return "timeout", usage.ru_utime + usage.ru_stime
        time.sleep(0.05)


def _record_time(name, backend, implementation, code, seconds, cpu_seconds):
    """Appends a line to the file named by CORNU_PROGRAM_TIMES, when set (to measure the corpus)."""
    path = os.environ.get("CORNU_PROGRAM_TIMES")
    if path:
        with open(path, "a") as f:
            f.write(f"{name}\t{backend}\t{implementation}\t{code}\t{seconds:.2f}\t{cpu_seconds:.2f}\n")


def _prelaunch_allowed(config):
    """Launching every selected case up front is safe unless pytest-xdist splits this file's tests
    across workers (then each worker runs its own cases as they come)."""
    if not hasattr(config, "workerinput"):
        return True
    return config.getoption("dist", "no") in ("loadfile", "loadscope", "no")


def program_digest(name):
    """The SHA-256 of a program file, as the Keras record keeps it."""
    return hashlib.sha256((HERE / name).read_bytes()).hexdigest()


def test_every_program_passed_on_the_real_keras():
    record = json.loads(KERAS_RECORD.read_text())
    assert record["keras_version"] == "3.15.1"
    stale = []
    for name in program_names():
        entry = record["programs"].get(name)
        if entry is None or entry["sha256"] != program_digest(name) or entry["backends"] != list(
                declared_backends(name)):
            stale.append(name)
    assert not stale, (f"programs changed or added since they were last run on the real Keras: {stale}. Run "
                       "`python -m tests.programs._keras_record` (it runs them on Keras 3.15.1 and records the passes)")
    assert sorted(record["programs"]) == program_names(), "the record lists programs that no longer exist"


@pytest.fixture(scope="module")
def program_runs(request, tmp_path_factory):
    """case -> Future of its result. Cases selected in this session start at once, a few at a time."""
    workers = int(os.environ.get("CORNU_PROGRAM_WORKERS", min(2, os.cpu_count() or 1)))
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers))
    futures = {}

    def submit(case):
        if case not in futures:
            workdir = tmp_path_factory.mktemp("-".join(case).replace(".py", ""))
            futures[case] = pool.submit(run_program, *case, workdir)
        return futures[case]

    if _prelaunch_allowed(request.config):
        for item in request.session.items:
            callspec = getattr(item, "callspec", None)
            if item.module is request.module and callspec is not None and "case" in callspec.params:
                submit(callspec.params["case"])
    yield submit
    pool.shutdown(wait=True, cancel_futures=True)


@pytest.mark.parametrize("case", cases())
def test_program(case, program_runs):
    name, backend, implementation = case
    if implementation == "keras":
        require_installed("keras", install="keras==3.15.1")
    code, seconds, output = program_runs(case).result()
    tail = "\n".join(output.rstrip().splitlines()[-OUTPUT_TAIL_LINES:])
    how = ("python -m cornu" if implementation == "cornu" else "python (real Keras)")
    assert code == 0, (
        f"{name} failed on {implementation}/{backend} (exit {code}, {seconds:.1f} s): "
        f"{how} {name} with {'CORNU' if implementation == 'cornu' else 'KERAS'}_BACKEND={backend}\n{tail}"
    )
