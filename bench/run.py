"""Runs the benchmark suite: every chosen (workload, backend, implementation) in its own
subprocess, interleaved and repeated, then prints a Markdown table and writes JSON.

Usage:
    python -m bench.run                       # everything, 3 rounds
    python -m bench.run --quick               # the MLP row for every impl, one round
    python -m bench.run --workloads mlp,cnn --backends torch --impls cornu,native --repeats 5
    python -m bench.run --impls cornu --baseline /path/to/other/checkout   # before/after a change

Each subprocess runs ``python -m bench.measure`` with the backend chosen by the environment:
``CORNU_BACKEND`` for cornu, ``KERAS_BACKEND`` for keras (both are removed otherwise).
"""

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

from bench import report
from bench.measure import BACKENDS, IMPLS
from bench.workloads import WORKLOADS

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS_DIR = os.path.join(REPO_ROOT, "bench", "results")


def parse_list(text, allowed, what):
    items = [item.strip() for item in text.split(",") if item.strip()]
    unknown = [item for item in items if item not in allowed]
    if unknown or not items:
        raise SystemExit(f"Unknown {what}: {unknown or text!r}. Choose from {', '.join(allowed)}. "
                         f"Received: {what}={text!r}")
    return items


def configurations(workloads, backends, impls):
    return [(w, b, i) for w in workloads for b in backends for i in impls]


def interleaved(configs, repeats):
    """Each round runs every configuration once, the order rotated by one each round so no
    configuration always runs at the same point of a round (slow drifts in background load
    spread over all of them)."""
    order = []
    for r in range(repeats):
        shift = r % len(configs)
        order.extend(configs[shift:] + configs[:shift])
    return order


def subprocess_env(impl, backend, threads=None, baseline_path=None):
    env = dict(os.environ)
    env.pop("CORNU_BACKEND", None)
    env.pop("KERAS_BACKEND", None)
    if impl in ("cornu", "baseline"):
        env["CORNU_BACKEND"] = backend
    elif impl == "keras":
        env["KERAS_BACKEND"] = backend
    # The baseline's `cornu` package comes first; `bench` itself is always this checkout's.
    first = [baseline_path] if impl == "baseline" else []
    env["PYTHONPATH"] = os.pathsep.join(first + [REPO_ROOT] + [env.get("PYTHONPATH", "")])
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if threads:
        env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(threads)
    return env


def pin_to_cpus(threads):
    """A ``preexec_fn`` that restricts the child to ``threads`` CPUs, so every framework sizes
    its thread pool to them (torch via OMP_NUM_THREADS too; XLA reads the affinity mask)."""
    if not threads:
        return None
    cpus = sorted(os.sched_getaffinity(0))[:threads]
    return lambda: os.sched_setaffinity(0, cpus)


def baseline_package_path(checkout, tmp):
    """A folder holding only a link to the baseline checkout's ``cornu`` package, so that
    putting it first on ``PYTHONPATH`` swaps cornu and nothing else."""
    package = os.path.join(os.path.abspath(checkout), "cornu")
    if not os.path.isfile(os.path.join(package, "__init__.py")):
        raise SystemExit(f"--baseline must be a cornu checkout (a folder with cornu/__init__.py). "
                         f"Received: baseline={checkout!r}")
    os.symlink(package, os.path.join(tmp, "cornu"))
    return tmp


def run_one(workload, backend, impl, quick, timeout, threads=None, baseline_path=None, tiny=False):
    """Runs one configuration in a fresh process; returns its result dict (never raises)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "result.json")
        measured = "cornu" if impl == "baseline" else impl
        cmd = [sys.executable, "-m", "bench.measure", "--workload", workload, "--impl", measured,
               "--backend", backend, "--out", out] + (["--quick"] if quick else []) + (["--tiny"] if tiny else [])
        base = {"workload": workload, "backend": backend, "impl": impl}
        try:
            # Run from the temporary folder so the current directory does not put this
            # checkout's cornu ahead of the baseline's.
            proc = subprocess.run(cmd, cwd=tmp, env=subprocess_env(impl, backend, threads, baseline_path),
                                  preexec_fn=pin_to_cpus(threads), capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return {**base, "status": "timeout", "error": f"no result within {timeout} s"}
        if os.path.exists(out):
            with open(out) as f:
                return {**json.load(f), "impl": impl}
        tail = (proc.stderr or proc.stdout or "").strip().splitlines()
        return {**base, "status": "failed",
                "error": f"exit code {proc.returncode}: {tail[-1] if tail else 'no output'}"}


def machine_info():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = {}
    for name in ("jax", "torch", "tensorflow", "tensorflow-cpu", "keras", "numpy"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "versions": versions,
            "load_before": _load()}


def _load():
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


def _progress(i, total, result):
    text = f"[{i}/{total}] {result['workload']} {result['impl']}/{result['backend']}: "
    if result.get("status") == "ok":
        text += f"step {result['step_ms']:.2f} ms, first epoch {result['first_epoch_s']:.2f} s"
        if result.get("latency_ms") is not None:
            text += f", model(x) {result['latency_ms']:.3f} ms"
    else:
        text += f"{result.get('status')}: {result.get('error')}"
    print(text, file=sys.stderr, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run cornu's benchmark suite.")
    parser.add_argument("--workloads", help=f"comma-separated, from {','.join(WORKLOADS)} "
                        "(default: all; mlp with --quick)")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--impls", default=",".join(IMPLS))
    parser.add_argument("--repeats", type=int, help="rounds over all configurations "
                        "(default 3; 1 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="fewer timed epochs and one round; the MLP row unless --workloads")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per subprocess")
    parser.add_argument("--threads", type=int, help="pin each process to this many CPUs "
                        "(default: all; 1 gives steadier numbers on a busy machine)")
    parser.add_argument("--out", help="JSON results path (default bench/results/<time>.json)")
    parser.add_argument("--baseline", help="another cornu checkout (e.g. a `git worktree` of the commit "
                        "before a change): adds a `baseline` implementation, run interleaved with the rest")
    args = parser.parse_args(argv)

    workloads = parse_list(args.workloads or ("mlp" if args.quick else ",".join(WORKLOADS)),
                           list(WORKLOADS), "workloads")
    backends = parse_list(args.backends, BACKENDS, "backends")
    impls = parse_list(args.impls, IMPLS, "impls")
    repeats = args.repeats or (1 if args.quick else 3)
    if repeats < 1:
        raise SystemExit(f"--repeats must be at least 1. Received: repeats={repeats}")

    if args.threads is not None and not 1 <= args.threads <= len(os.sched_getaffinity(0)):
        raise SystemExit(f"--threads must be between 1 and the {len(os.sched_getaffinity(0))} usable "
                         f"CPUs. Received: threads={args.threads}")
    machine = machine_info()
    machine["threads"] = args.threads or len(os.sched_getaffinity(0))
    baseline_dir = tempfile.mkdtemp(prefix="cornu-baseline-") if args.baseline else None
    baseline_path = baseline_package_path(args.baseline, baseline_dir) if args.baseline else None
    if baseline_path:
        impls = impls + ["baseline"]
        machine["baseline"] = os.path.abspath(args.baseline)
    order = interleaved(configurations(workloads, backends, impls), repeats)
    runs = []
    start = time.perf_counter()
    for i, (workload, backend, impl) in enumerate(order, 1):
        result = run_one(workload, backend, impl, args.quick, args.timeout, args.threads, baseline_path)
        result["round"] = (i - 1) // (len(order) // repeats)
        runs.append(result)
        _progress(i, len(order), result)
    machine["load_after"] = _load()
    summary = report.summarize(runs)
    text = report.markdown(summary, machine)
    print(text)

    out = args.out
    if out is None:
        os.makedirs(RESULTS_DIR, exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = os.path.join(RESULTS_DIR, f"bench-{stamp}.json")
    payload = {"command": " ".join(sys.argv), "machine": machine, "quick": args.quick,
               "repeats": repeats, "wall_s": time.perf_counter() - start, "summary": summary,
               "ratios": report.ratios(summary), "runs": runs}
    with open(out, "w") as f:
        json.dump(payload, f, indent=1)
    with open(os.path.splitext(out)[0] + ".md", "w") as f:
        f.write(text + "\n")
    print(f"\nResults: {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
