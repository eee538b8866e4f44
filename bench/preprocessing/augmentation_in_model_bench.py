"""How much an augmentation prefix inside the model adds to the bench CNN's train step (issue 15:
at most 10% on JAX and torch).

The bench CNN (``bench/workloads/cnn.py``, batch 128, 28x28x1) is trained with and without a
``RandomFlip + RandomTranslation + RandomContrast`` prefix inside the model, on each backend,
with the default threads and with one thread (the process pinned to one CPU). Each
(backend, threads) pair runs in its own process, which alternates the two models round by round
so background load hits both alike; a round times one epoch of ``fit`` after a warm-up epoch.

Usage:
    .venv/bin/python -m bench.preprocessing.augmentation_in_model_bench [--rounds 5] [--steps 10]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from bench.run import pin_to_cpus, subprocess_env
from bench.workloads import cnn, common

BACKENDS = ("jax", "torch")


def _model(keras, augment):
    model = cnn.build(keras, cnn.BENCH)
    if not augment:
        return model
    prefix = [
        keras.layers.RandomFlip("horizontal", seed=1),
        keras.layers.RandomTranslation(0.1, 0.1, seed=2),
        keras.layers.RandomContrast(0.2, seed=3),
    ]
    size = cnn.BENCH["image"]
    return keras.Sequential([keras.Input(shape=(size, size, 1))] + prefix + model.layers)


def _epoch_step_ms(keras, model, x, y, steps):
    """Step time of the second of two ``fit`` epochs (the first one absorbs the per-call setup)."""
    timer = common.make_epoch_timer(keras, sync=lambda logs: [float(v) for v in logs.values()])
    timer.fit_start = time.perf_counter()
    model.fit(x, y, batch_size=cnn.BENCH["batch_size"], epochs=2, shuffle=False, verbose=0, callbacks=[timer])
    return (timer.epoch_ends[1] - timer.epoch_ends[0]) / steps * 1e3


def worker(rounds, steps):
    """Runs in the child process: prints ``{"plain": ms, "augmented": ms}`` (medians over rounds)."""
    import numpy as np

    import cornu as keras

    rng = np.random.default_rng(0)
    x, y = cnn.data(cnn.BENCH, steps * cnn.BENCH["batch_size"], rng)
    models = {}
    for name in ("plain", "augmented"):
        keras.utils.set_random_seed(0)
        models[name] = common.compile_model(keras, _model(keras, augment=name == "augmented"))
        _epoch_step_ms(keras, models[name], x, y, steps)  # warm-up: tracing and compilation
    times = {name: [] for name in models}
    for round_index in range(rounds):
        order = list(models) if round_index % 2 == 0 else list(reversed(list(models)))
        for name in order:
            times[name].append(_epoch_step_ms(keras, models[name], x, y, steps))
    print(json.dumps({name: statistics.median(values) for name, values in times.items()}))


def run_pair(backend, threads, rounds, steps, timeout):
    cmd = [sys.executable, "-m", "bench.preprocessing.augmentation_in_model_bench", "--worker",
           "--rounds", str(rounds), "--steps", str(steps)]
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    proc = subprocess.run(cmd, cwd=repo, env=subprocess_env("cornu", backend, threads), preexec_fn=pin_to_cpus(threads),
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        return {"error": lines[-1] if lines else f"exit code {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def markdown(rows):
    lines = ["| backend | threads | CNN step (ms) | with augmentation (ms) | ratio | target <= 1.10 |",
             "|---|---:|---:|---:|---:|---|"]
    for backend, threads, result in rows:
        label = "default" if threads is None else str(threads)
        if "error" in result:
            lines.append(f"| {backend} | {label} | error: {result['error']} | | | |")
            continue
        ratio = result["augmented"] / result["plain"]
        lines.append(f"| {backend} | {label} | {result['plain']:.2f} | {result['augmented']:.2f} | {ratio:.3f} | "
                     f"{'ok' if ratio <= 1.10 else 'MISS'} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed epochs per model (median reported)")
    parser.add_argument("--steps", type=int, default=10, help="train steps per epoch")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per process")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.rounds, args.steps)
    rows = []
    for backend in args.backends.split(","):
        for threads in (None, 1):
            print(f"measuring {backend}, threads={threads or 'default'} ...", file=sys.stderr, flush=True)
            rows.append((backend, threads, run_pair(backend, threads, args.rounds, args.steps, args.timeout)))
    print(markdown(rows))


if __name__ == "__main__":
    main()
