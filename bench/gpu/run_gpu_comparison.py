"""The whole GPU comparison of issue 22 in one command, for one call of a lent GPU machine:
a GPT decoder (d=768, 12 layers, seq 1024, bf16, AdamW), ResNet50 at 224x224 (batch 128,
bf16) and LSTM(1024) over 256 steps, each on cornu, hand-written code and Keras 3, on JAX
and on PyTorch, one process per measurement, within a time budget (default 8 minutes).

Writes ``gpu_comparison.json`` and ``gpu_comparison.md`` into ``--out`` (default: the current
folder). ``--size tiny`` runs the same code at toy sizes on a CPU (the CI smoke test).

On a lent machine, whose image has JAX, PyTorch and optax but not cornu's other
dependencies, carry wheels of ``optree``, ``pyfarmhash`` and ``keras`` (see the device
tool's notes) and run, from the repository root:

    python -m bench.gpu.run_gpu_comparison --out $OUT

Example:
    python -m bench.gpu.run_gpu_comparison --size tiny --workloads gpt --impls cornu,native
"""

import argparse
import json
import os
import subprocess
import sys
import time

from bench.gpu import configs
from bench.gpu.measure_one import IMPLS

BACKENDS = ("jax", "torch")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def plan(workloads, backends, impls):
    """The measurements in priority order: each workload, each backend, the native baseline
    first so a ratio exists whenever cornu's row does."""
    order = ("native", "cornu", "cornu_compiled", "native_compiled", "keras")
    runs = []
    for workload in workloads:
        for backend in backends:
            for impl in order:
                if impl not in impls:
                    continue
                if backend == "jax" and impl in ("cornu_compiled", "native_compiled"):
                    continue  # the JAX step is always compiled
                runs.append((workload, backend, impl))
    return runs


def run_one(workload, backend, impl, size, steps, timeout):
    env = dict(os.environ, CORNU_BACKEND=backend, KERAS_BACKEND=backend,
               PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    command = [sys.executable, "-m", "bench.gpu.measure_one", "--workload", workload, "--impl", impl,
               "--size", size, "--steps", str(steps)]
    base = {"workload": workload, "backend": backend, "impl": impl, "size": size}
    try:
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {**base, "status": f"timed out after {timeout} s"}
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
    return {**base, "status": "failed: " + " | ".join(tail)[:500]}


def ratios(results):
    """Adds ``vs_native`` (step time over the same backend's eager native step) to each row."""
    native = {(r["workload"], r["backend"]): r["step_ms"] for r in results
              if r.get("impl") == "native" and r.get("status") == "ok"}
    for r in results:
        base = native.get((r["workload"], r["backend"]))
        r["vs_native"] = (r["step_ms"] / base) if base and r.get("status") == "ok" else None
    return results


def markdown(results, elapsed):
    device = next((r["device"] for r in results if r.get("device")), "unknown")
    lines = [f"GPU comparison on {device}, {elapsed:.0f} s in all. Step time of a warm training step;",
             "vs native = step / eager hand-written step on the same backend (lower is better).", "",
             "| workload | backend | impl | step ms | vs native | cold s | TFLOP/s | MFU | status |",
             "|---|---|---|---|---|---|---|---|---|"]

    def fmt(value, spec):
        return "" if value is None else format(value, spec)

    for r in results:
        lines.append(f"| {r['workload']} | {r['backend']} | {r['impl']} | {fmt(r.get('step_ms'), '.2f')} | "
                     f"{fmt(r.get('vs_native'), '.3f')} | {fmt(r.get('cold_s'), '.1f')} | "
                     f"{fmt(r.get('tflops'), '.1f')} | {fmt(r.get('mfu'), '.1%')} | {r['status']} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("full", "tiny"), default="full")
    parser.add_argument("--workloads", default=",".join(configs.WORKLOADS))
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--impls", default=",".join(IMPLS))
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--budget", type=float, default=480.0, help="seconds for all measurements")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds for one measurement")
    parser.add_argument("--out", default=".")
    args = parser.parse_args(argv)
    picked = {name: args.__dict__[name].split(",") for name in ("workloads", "backends", "impls")}
    for name, allowed in (("workloads", configs.WORKLOADS), ("backends", BACKENDS), ("impls", IMPLS)):
        unknown = [v for v in picked[name] if v not in allowed]
        if unknown:
            parser.error(f"unknown {name} {unknown}; choose from {list(allowed)}. "
                         f"Received: --{name}={args.__dict__[name]}")
    start, results = time.perf_counter(), []
    for workload, backend, impl in plan(picked["workloads"], picked["backends"], picked["impls"]):
        left = args.budget - (time.perf_counter() - start)
        if left < 10:
            results.append({"workload": workload, "backend": backend, "impl": impl, "size": args.size,
                            "status": "not run: time budget spent"})
            continue
        result = run_one(workload, backend, impl, args.size, args.steps, min(args.timeout, left))
        results.append(result)
        print(f"{workload} {backend} {impl}: {result.get('step_ms', '-')} ms {result['status']}", flush=True)
    results = ratios(results)
    elapsed = time.perf_counter() - start
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "gpu_comparison.json"), "w") as f:
        json.dump(results, f, indent=1)
    table = markdown(results, elapsed)
    with open(os.path.join(args.out, "gpu_comparison.md"), "w") as f:
        f.write(table)
    print(table)
    return 0 if all(r["status"] == "ok" or r["status"].startswith("not run") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
