"""How per-step and per-call overhead behave as the MLP grows: the ``mlp`` workload with its
hidden width swept (default 256 -> 4096), cornu against the hand-written model, on JAX and
PyTorch, each configuration in its own process, rounds interleaved (issue 22).

As the matrix products grow, cornu's fixed Python cost per step and per call becomes a
smaller share, so cornu/native should tend to 1.0.

Usage:
    .venv/bin/python -m bench.width_sweep                       # 256..4096, jax+torch, 2 rounds
    .venv/bin/python -m bench.width_sweep --widths 256,1024 --backends torch --repeats 3 --threads 1

Prints a Markdown table: per width and backend, the step (ms) and ``model(x)`` latency (ms)
of cornu and native (median over rounds) and their ratios.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

from bench.run import REPO_ROOT, pin_to_cpus, subprocess_env

DEFAULT_WIDTHS = (256, 512, 1024, 2048, 4096)
STEPS, EPOCHS = 8, 2  # per timed epoch: enough for a median at 4096 wide within seconds


def measure_width(width, impl, backend):
    """In this process: the MLP workload with ``hidden=width``, fewer steps (see STEPS)."""
    from bench import measure
    from bench.workloads import WORKLOADS

    WORKLOADS["mlp"].BENCH = dict(WORKLOADS["mlp"].BENCH, hidden=width)
    plan = measure.Plan("mlp", quick=True)
    plan.steps, plan.epochs = STEPS, EPOCHS
    plan.num_samples = plan.steps * plan.batch_size
    plan.latency_budget_s = 0.5
    original = measure.Plan
    measure.Plan = lambda *args, **kwargs: plan
    try:
        return measure.measure("mlp", impl, backend)
    finally:
        measure.Plan = original


def run_child(width, impl, backend, threads, timeout):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "result.json")
        cmd = [sys.executable, "-m", "bench.width_sweep", "--child", str(width), impl, backend, out]
        proc = subprocess.run(cmd, cwd=REPO_ROOT, env=subprocess_env(impl, backend, threads),
                              preexec_fn=pin_to_cpus(threads), capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0 or not os.path.exists(out):
            return {"status": "failed", "error": (proc.stderr.strip().splitlines() or [""])[-1]}
        with open(out) as f:
            return json.load(f)


def sweep(widths, backends, repeats, threads, timeout=900):
    configs = [(w, b, i) for w in widths for b in backends for i in ("cornu", "native")]
    results = {c: [] for c in configs}
    for r in range(repeats):
        shift = r % len(configs)
        for config in configs[shift:] + configs[:shift]:
            print(f"round {r + 1}/{repeats}: width {config[0]} {config[1]} {config[2]}", file=sys.stderr, flush=True)
            width, backend, impl = config
            results[config].append(run_child(width, impl, backend, threads=threads, timeout=timeout))
    return results


def _median(runs, key):
    values = [run[key] for run in runs if run.get("status") == "ok" and key in run]
    return statistics.median(values) if values else None


def table(results, widths, backends):
    lines = ["| width | backend | step cornu (ms) | step native (ms) | step cornu/native | model(x) cornu (ms) "
             "| model(x) native (ms) | model(x) cornu/native |", "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for width in widths:
        for backend in backends:
            cells = []
            for key in ("step_ms", "latency_ms"):
                cornu, native = _median(results[(width, backend, "cornu")], key), _median(
                    results[(width, backend, "native")], key)
                ratio = f"{cornu / native:.2f}" if cornu and native else "-"
                cells += [f"{cornu:.3f}" if cornu else "-", f"{native:.3f}" if native else "-", ratio]
            lines.append(f"| {width} | {backend} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", default=",".join(map(str, DEFAULT_WIDTHS)))
    parser.add_argument("--backends", default="jax,torch")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, help="pin each process to this many CPUs (1 on a busy machine)")
    parser.add_argument("--out", help="write the raw results as JSON here")
    parser.add_argument("--child", nargs=4, metavar=("WIDTH", "IMPL", "BACKEND", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        width, impl, backend, out = args.child
        with open(out, "w") as f:
            json.dump(measure_width(int(width), impl, backend), f)
        return
    widths = [int(w) for w in args.widths.split(",")]
    backends = args.backends.split(",")
    results = sweep(widths, backends, args.repeats, args.threads)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({f"{w}/{b}/{i}": runs for (w, b, i), runs in results.items()}, f)
    print(table(results, widths, backends))


if __name__ == "__main__":
    main()
