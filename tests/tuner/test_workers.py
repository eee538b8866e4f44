"""Several worker processes on one study (SQLite, then a real PostgreSQL server) share the trials.

No chief process: each worker runs the same script. Every trial id is run exactly once, every grid
point exactly once, and the totals are exact (max_trials for the random search, the whole grid).
"""

import collections
import json
import os
import subprocess
import sys

import pytest

from cornu.backend import backend

from tests.helpers.postgres_server import postgres_url  # noqa: F401 - a fixture
from tests.helpers.requirements import REPO, require

require("optuna")

# Backend-independent (the workers train no model): run once, in the torch suite (the jax suite
# already runs the other backend-independent tuner tests).
pytestmark = pytest.mark.skipif(backend() != "torch", reason="backend-independent: runs in the torch suite only")


def _run_workers(tmp_path, storage, n_workers=2):
    log_file, ready = tmp_path / "log.jsonl", tmp_path / "ready"
    ready.mkdir()
    env = dict(os.environ, CORNU_BACKEND="numpy", OMP_NUM_THREADS="1", PYTHONPATH=str(REPO))
    args = [sys.executable, "-m", "tests.tuner.worker_script", str(tmp_path / "search"), storage or "",
            str(log_file), str(ready), str(n_workers)]
    workers = [subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for _ in range(n_workers)]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert all(w.returncode == 0 for w in workers), "\n".join(o[-3000:] for o in outputs)
    return [json.loads(line) for line in log_file.read_text().splitlines()]


def _check_shared(records):
    by_kind = collections.defaultdict(list)
    for r in records:
        by_kind[r["kind"]].append(r)
    random_ids = [r["id"] for r in by_kind["random"]]
    assert len(random_ids) == 12 == len(set(random_ids)), random_ids  # max_trials exactly, no duplicate
    grid_points = [(r["values"]["a"], r["values"]["b"]) for r in by_kind["grid"]]
    assert sorted(grid_points) == sorted((a, b) for a in range(5) for b in "uv")  # each point once
    assert len({r["id"] for r in by_kind["grid"]}) == len(grid_points)
    assert len({r["pid"] for r in records}) == 2, "both workers should have run trials"


def test_two_workers_share_a_sqlite_study(tmp_path):
    _check_shared(_run_workers(tmp_path, storage=None))
    assert (tmp_path / "search" / "random" / "study.db").exists()


def test_two_workers_share_a_postgresql_study(tmp_path, postgres_url):  # noqa: F811 - the fixture
    _check_shared(_run_workers(tmp_path, storage=postgres_url))
    import optuna

    study = optuna.load_study(study_name="random", storage=postgres_url)
    finished = [t for t in study.trials if t.state.is_finished() and not t.user_attrs.get("cornu_surplus")]
    assert len(finished) == 12
