"""Many ``fit``/``evaluate``/``predict`` calls and save/load cycles in one process keep memory
flat: after a warm-up, the resident memory grows by less than a generous bound and no cornu
object (layer, variable, node, model, ...) accumulates. Runs bench/faults/memory_flatness.py's
cycles in one child process; the full 1,000-cycle figures come from running that script.
"""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RSS_GROWTH_BOUND_MB = 50

# (kind, cycles, every): measured at 0, every, 2 * every, ...; compared between the last two.
PLAN = [("train", 60, 30), ("save", 12, 6)]

_CHILD = r"""
import json, sys
from bench.faults.memory_flatness import run
for kind, cycles, every in json.loads(sys.argv[1]):
    figures = run(kind, cycles, every, report=lambda line: None, count_objects=True, count_objects_from=every)
    print(json.dumps({"kind": kind, "figures": figures}), flush=True)
"""


@pytest.fixture(scope="module")
def figures():
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=ROOT)
    env.setdefault("CORNU_BACKEND", "jax")
    done = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(PLAN)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    return {case["kind"]: case["figures"] for case in map(json.loads, filter(None, done.stdout.splitlines()))}


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("kind", [kind for kind, _, _ in PLAN])
def test_memory_stays_flat(figures, kind):
    (_, rss_warm, objects_warm), (last_cycle, rss_last, objects_last) = figures[kind][-2:]
    assert last_cycle == dict((k, c) for k, c, _ in PLAN)[kind]
    assert rss_last - rss_warm < RSS_GROWTH_BOUND_MB, figures[kind]
    # Exact bookkeeping: every model, layer, variable and node made by a cycle is freed again.
    assert objects_last <= objects_warm, figures[kind]
