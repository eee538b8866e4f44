"""Runs loads of crafted files in a child process with a memory limit, and reports for each
the error it raised, the seconds it took and the peak memory of the child.

One child runs a batch of cases (starting the interpreter and a backend costs seconds).
Each case is a snippet of Python run with ``path`` bound to its file; the child imports
``cornu`` and NumPy (as ``np``) first, so the baseline memory is measured after the imports.

Example:
>>> results = run_guarded([("bomb", "cornu.saving.load_model(path)", "/tmp/bomb.keras")])
>>> results["bomb"]["error_type"]
'LoadBudgetExceeded'
"""

import json
import os
import resource
import subprocess
import sys

_CHILD = r"""
import json, resource, sys, time, traceback
import numpy as np
import cornu
cases = json.loads(sys.stdin.read())
def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
baseline = rss_mb()
for name, snippet, path in cases:
    start = time.perf_counter()
    error_type = message = None
    try:
        exec(snippet, {"cornu": cornu, "np": np, "path": path})
    except BaseException as e:
        error_type, message = type(e).__name__, str(e)
    print(json.dumps({"name": name, "error_type": error_type, "message": message,
                      "seconds": time.perf_counter() - start, "peak_rss_mb": rss_mb(),
                      "baseline_rss_mb": baseline}), flush=True)
"""

ADDRESS_LIMIT_BYTES = 3 << 30


def _limit_memory(limit):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


def run_guarded(cases, backend=None, address_limit=ADDRESS_LIMIT_BYTES, timeout=120, env=None):
    """Runs ``cases`` (``(name, snippet, path)`` triples) in one memory-limited child.

    Returns ``{name: {"error_type", "message", "seconds", "peak_rss_mb", "baseline_rss_mb"}}``;
    a case missing from the result means the child died on it (the exception says which).
    """
    child_env = dict(os.environ)
    child_env["CORNU_BACKEND"] = backend or os.environ.get("CORNU_BACKEND", "jax")
    child_env.setdefault("OMP_NUM_THREADS", "1")
    child_env["PYTHONPATH"] = os.pathsep.join(
        [os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))]
        + [p for p in child_env.get("PYTHONPATH", "").split(os.pathsep) if p])
    child_env.update(env or {})
    payload = json.dumps([[name, snippet, os.fspath(path)] for name, snippet, path in cases])
    proc = subprocess.run([sys.executable, "-c", _CHILD], input=payload, capture_output=True, text=True,
                          timeout=timeout, env=child_env, preexec_fn=_limit_memory(address_limit))
    results = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            results[row["name"]] = row
    missing = [name for name, _, _ in cases if name not in results]
    if missing:
        raise AssertionError(f"The guarded child died (exit {proc.returncode}) before reporting {missing}; "
                             f"stderr tail:\n{proc.stderr[-2000:]}")
    return results
