"""cornu on torch: the compiled training step (``jit_compile=True``) against the eager one.

For each workload, one process builds the same model twice (same seed), once eager and once
compiled, and times ``fit`` steps in interleaved rounds (eager round, compiled round, ...), so
background load hits both alike; the table shows medians over rounds. It also reports the
compiled step's cold compile time (the first compiled step, tracing and code generation
included, less one warm step) and checks that both models end with the same loss.

Usage (from the repository root):
    .venv/bin/python -m bench.compiled_step                       # every workload, bench sizes
    .venv/bin/python -m bench.compiled_step --workloads mlp --rounds 3
    .venv/bin/python -m bench.compiled_step --tiny                # tiny sizes (a smoke test)

Each workload runs in its own process (``CORNU_BACKEND=torch``); ``--threads N`` sets
``OMP_NUM_THREADS``/``torch.set_num_threads`` there (default: torch's own default).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

WORKLOAD_NAMES = ("mlp", "cnn", "lstm", "transformer")


def measure(name, rounds, steps, tiny):
    """Times eager and compiled steps of one workload in this process; returns a result dict."""
    import numpy as np

    import cornu
    from bench.workloads import WORKLOADS, common

    workload = WORKLOADS[name]
    cfg = dict(workload.TINY if tiny else workload.BENCH)
    batch_size = cfg["batch_size"]
    x, y = workload.data(cfg, batch_size * steps, np.random.default_rng(0))

    def build(jit_compile):
        cornu.utils.set_random_seed(0)
        model = common.compile_model(cornu, workload.build(cornu, cfg))
        model.jit_compile = jit_compile
        return model

    def fit(model, num_steps):
        start = time.perf_counter()
        history = model.fit(x, y, batch_size=batch_size, epochs=1, steps_per_epoch=num_steps, shuffle=False,
                            verbose=0)
        return time.perf_counter() - start, history.history["loss"][-1]

    eager, compiled = build(False), build(True)
    fit(eager, 1)
    fit(eager, 1)  # the same batches as the compiled model's first two steps
    fit(compiled, 1)  # the first step runs eagerly: it builds the optimizer and the metrics
    first_compiled_s, _ = fit(compiled, 1)  # traces and compiles
    eager_times, compiled_times = [], []
    for _ in range(rounds):
        seconds, eager_loss = fit(eager, steps)
        eager_times.append(seconds / steps)
        seconds, compiled_loss = fit(compiled, steps)
        compiled_times.append(seconds / steps)
    eager_step, compiled_step = statistics.median(eager_times), statistics.median(compiled_times)
    return {
        "workload": name,
        "eager_step_ms": eager_step * 1e3,
        "compiled_step_ms": compiled_step * 1e3,
        "compiled_over_eager": compiled_step / eager_step,
        "cold_compile_s": first_compiled_s - compiled_step,
        "eager_loss": float(eager_loss),
        "compiled_loss": float(compiled_loss),
        "rounds": rounds,
        "steps_per_round": steps,
    }


def table(results):
    """The Markdown table of ``results`` (one row per workload)."""
    lines = ["| workload | eager step (ms) | compiled step (ms) | compiled / eager | cold compile (s) | "
             "loss eager / compiled |", "|---|---:|---:|---:|---:|---|"]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['workload']} | error: {r['error']} | | | | |")
            continue
        lines.append(
            f"| {r['workload']} | {r['eager_step_ms']:.2f} | {r['compiled_step_ms']:.2f} | "
            f"{r['compiled_over_eager']:.2f}x | {r['cold_compile_s']:.1f} | "
            f"{r['eager_loss']:.5f} / {r['compiled_loss']:.5f} |"
        )
    return "\n".join(lines)


def run_child(name, args):
    env = dict(os.environ, CORNU_BACKEND="torch")
    if args.threads:
        env["OMP_NUM_THREADS"] = str(args.threads)
    command = [sys.executable, "-m", "bench.compiled_step", "--child", name, "--rounds", str(args.rounds),
               "--steps", str(args.steps)] + (["--tiny"] if args.tiny else []) + (
                   ["--threads", str(args.threads)] if args.threads else [])
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=args.timeout)
    for line in reversed(done.stdout.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    error = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return {"workload": name, "error": error[:200]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default=",".join(WORKLOAD_NAMES))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=10, help="steps per timed round")
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--out", default=None, help="JSON results path (the table goes to stdout)")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        if args.threads:
            import torch

            torch.set_num_threads(args.threads)
        print(json.dumps(measure(args.child, args.rounds, args.steps, args.tiny)))
        return 0
    names = [n for n in args.workloads.split(",") if n]
    unknown = sorted(set(names) - set(WORKLOAD_NAMES))
    if unknown:
        parser.error(f"unknown workloads {unknown}; choose from {list(WORKLOAD_NAMES)}")
    results = []
    for name in names:
        print(f"[compiled_step] {name} ...", file=sys.stderr, flush=True)
        results.append(run_child(name, args))
        print(f"[compiled_step] {json.dumps(results[-1])}", file=sys.stderr, flush=True)
    print(table(results))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"results": results, "load_average": os.getloadavg()}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
