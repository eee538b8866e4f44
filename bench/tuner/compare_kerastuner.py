"""cornu.tuner against KerasTuner 1.4.8 on Keras 3.15.1: the same search space and budget.

The task: an MLP on scikit-learn's digits (8x8 images, 10 classes; 1437 training and 360
validation images, a fixed split). The space: units (32..256 step 32), layers (1..2), dropout
(0..0.4 step 0.1), learning rate (1e-4..1e-2, log). The budget: 20 trials x 10 epochs, batch 64.

Runs, each in its own subprocess (so none pays another's imports or compilations):
  kerastuner-jax    KerasTuner RandomSearch on Keras 3.15.1 (JAX backend)
  cornu-jax         cornu.tuner RandomSearch on JAX
  cornu-torch       cornu.tuner RandomSearch on PyTorch
  cornu-jax-pruned  the same with Optuna's MedianPruner (5 startup trials, 2 warm-up epochs)
  cornu-torch-pruned
Each reports the best validation accuracy found and the wall time of the search (tuner
construction included, process start and imports excluded). With --rounds N the runs are
interleaved N times and the medians reported.

Usage: python -m bench.tuner.compare_kerastuner [--rounds 1] [--out bench/results/2026-12-07-tuner.md]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

TRIALS, EPOCHS, BATCH = 20, 10, 64
RUNS = ["kerastuner-jax", "cornu-jax", "cornu-torch", "cornu-jax-pruned", "cornu-torch-pruned"]


def _data():
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int32")
    order = __import__("numpy").random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    return (x[:1437], y[:1437]), (x[1437:], y[1437:])


def _build_with(keras):
    def build(hp):
        model = keras.Sequential([keras.Input((64,))])
        for i in range(hp.Int("layers", 1, 2)):
            model.add(keras.layers.Dense(hp.Int("units", 32, 256, step=32), activation="relu"))
            model.add(keras.layers.Dropout(hp.Float("dropout", 0.0, 0.4, step=0.1)))
        model.add(keras.layers.Dense(10, activation="softmax"))
        model.compile(keras.optimizers.Adam(hp.Float("lr", 1e-4, 1e-2, sampling="log")),
                      "sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    return build


def run_one(name):
    (x, y), (xv, yv) = _data()
    folder = tempfile.mkdtemp(prefix="tuner-bench-")
    if name.startswith("kerastuner"):
        import keras
        import keras_tuner

        start = time.perf_counter()
        tuner = keras_tuner.RandomSearch(_build_with(keras), objective="val_accuracy", max_trials=TRIALS, seed=1,
                                         directory=folder, project_name="bench")
    else:
        import cornu as keras
        import cornu.tuner as kt

        kwargs = {}
        if name.endswith("pruned"):
            import optuna

            kwargs["pruner"] = optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=2)
        start = time.perf_counter()
        tuner = kt.RandomSearch(_build_with(keras), objective="val_accuracy", max_trials=TRIALS, seed=1,
                                directory=folder, project_name="bench", **kwargs)
    tuner.search(x, y, epochs=EPOCHS, batch_size=BATCH, validation_data=(xv, yv), verbose=0)
    wall = time.perf_counter() - start
    best = tuner.oracle.get_best_trials(1)[0]
    return {"run": name, "wall_s": wall, "best_val_accuracy": float(best.score),
            "best_hp": dict(best.hyperparameters.values), "trials": len(tuner.oracle.trials)}


def _subprocess(name):
    backend = "torch" if "torch" in name else "jax"
    env = dict(os.environ, CORNU_BACKEND=backend, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([sys.executable, "-m", "bench.tuner.compare_kerastuner", "--run", name], env=env,
                         capture_output=True, text=True, timeout=3600)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT="):
            return json.loads(line[len("RESULT="):])
    raise RuntimeError(f"{name} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")


def _table(results, load):
    reference = statistics.median(r["wall_s"] for r in results["kerastuner-jax"])
    lines = [
        "# cornu.tuner vs KerasTuner 1.4.8 (Keras 3.15.1): random search, MLP on digits",
        "",
        f"{TRIALS} trials x {EPOCHS} epochs, batch {BATCH}, objective val_accuracy; the search space and data "
        "are in `bench/tuner/compare_kerastuner.py`. Each run in its own process; wall time of the search "
        "(tuner construction included, imports excluded); medians over the rounds.",
        "",
        f"Load while measuring (`uptime` before / after): {load[0]} / {load[1]}. The machine is shared "
        "(2 cores), so the times are noisy: compare the ratios.",
        "",
        "| run | best val accuracy | wall time (s) | time / KerasTuner | trials |",
        "|---|---|---|---|---|",
    ]
    for name in RUNS:
        rows = results[name]
        wall = statistics.median(r["wall_s"] for r in rows)
        acc = statistics.median(r["best_val_accuracy"] for r in rows)
        lines.append(f"| {name} | {acc:.4f} | {wall:.1f} | {wall / reference:.2f} | {rows[0]['trials']} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--run")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--out", default="bench/results/2026-12-07-tuner.md")
    parser.add_argument("--only", default=",".join(RUNS))
    args = parser.parse_args()
    if args.run:
        print("RESULT=" + json.dumps(run_one(args.run)))
        return
    names = args.only.split(",")
    load = [os.popen("uptime").read().strip()]
    results = {name: [] for name in names}
    for _ in range(args.rounds):
        for name in names:
            result = _subprocess(name)
            print(json.dumps(result), flush=True)
            results[name].append(result)
    load.append(os.popen("uptime").read().strip())
    if set(names) == set(RUNS):
        text = _table(results, load)
        with open(args.out, "w") as f:
            f.write(text)
        with open(args.out.replace(".md", ".json"), "w") as f:
            json.dump({"results": results, "load": load}, f, indent=1)
        print(text)


if __name__ == "__main__":
    main()
