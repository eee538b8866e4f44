"""Does memory stay flat over many ``fit``/``evaluate``/``predict`` calls and save/load cycles?

Runs ``--cycles`` cycles of one kind in this process and prints the resident memory (RSS, after
``gc.collect()``) every ``--every`` cycles, plus the peak RSS. A leak shows as RSS that keeps
rising after the first cycles (warm-up: compilation, caches filled once).

Kinds:
    train  one tiny model; each cycle calls fit (1 epoch, 2 batches), evaluate and predict
    save   each cycle saves the model (.keras and .weights.h5), loads it back with
           load_model (a new model every cycle) and load_weights, then drops the copy

Usage:
    CORNU_BACKEND=jax python -m bench.faults.memory_flatness --kind train --cycles 1000
    CORNU_BACKEND=torch python -m bench.faults.memory_flatness --kind save --cycles 1000 --json
"""

import argparse
import gc
import json
import os
import resource
import sys
import tempfile
import time

import numpy as np


def rss_mb():
    """The resident memory of this process now, in MB (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # ru_maxrss is in KiB


def make_model(keras):
    model = keras.Sequential([
        keras.Input((8,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dropout(0.1),
        keras.layers.Dense(2),
    ])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def train_cycle(keras, state):
    model, x, y = state["model"], state["x"], state["y"]
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    model.evaluate(x, y, batch_size=8, verbose=0)
    model.predict(x, batch_size=8, verbose=0)


def save_cycle(keras, state):
    model, folder = state["model"], state["folder"]
    archive = os.path.join(folder, "m.keras")
    weights = os.path.join(folder, "m.weights.h5")
    model.save(archive)
    model.save_weights(weights)
    copy = keras.saving.load_model(archive)
    copy.load_weights(weights)
    del copy


CYCLES = {"train": train_cycle, "save": save_cycle}


def cornu_object_count():
    """How many objects of cornu's own classes (layers, variables, nodes, ...) are alive."""
    gc.collect()
    modules = (type(o).__module__ for o in gc.get_objects())
    return sum(1 for module in modules if isinstance(module, str) and module.startswith("cornu."))


def run(kind, cycles, every, report=print, count_objects=False, count_objects_from=0):
    """Runs the cycles; returns ``[(cycle, rss_mb, cornu objects or None)]`` measured at 0,
    every, 2*every, ..., cycles. Objects are counted (a slow walk of every Python object) when
    ``count_objects`` is true, at the measurements from cycle ``count_objects_from`` on."""
    import cornu as keras

    keras.utils.set_random_seed(0)
    rng = np.random.RandomState(0)
    state = {
        "model": make_model(keras),
        "x": rng.rand(16, 8).astype("float32"),
        "y": rng.rand(16, 2).astype("float32"),
        "folder": tempfile.mkdtemp(prefix="cornu-memory-"),
    }
    state["model"].fit(state["x"], state["y"], batch_size=8, epochs=1, verbose=0)  # builds the optimizer
    cycle_fn = CYCLES[kind]
    def measure(cycle):
        gc.collect()
        objects = cornu_object_count() if count_objects and cycle >= count_objects_from else None
        figures.append((cycle, rss_mb(), objects))
        counted = f"  cornu objects {objects}" if count_objects else ""
        report(f"{kind} cycle {cycle:5d}  rss {figures[-1][1]:8.1f} MB{counted}  ({time.perf_counter() - start:6.1f} s)")

    figures = []
    start = time.perf_counter()
    measure(0)
    for cycle in range(1, cycles + 1):
        cycle_fn(keras, state)
        if cycle % every == 0 or cycle == cycles:
            measure(cycle)
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", default="train", help="train, save, or both: train,save")
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--json", action="store_true", help="print one JSON line per kind with the figures")
    parser.add_argument("--count-objects", action="store_true", help="also count live cornu objects (slower)")
    args = parser.parse_args(argv)
    for kind in args.kind.split(","):
        if kind not in CYCLES:
            parser.error(f"unknown --kind {kind!r}; choose from {sorted(CYCLES)}")
        figures = run(kind, args.cycles, args.every, report=lambda line: print(line, file=sys.stderr, flush=True),
                      count_objects=args.count_objects)
        summary = {
            "backend": os.environ.get("CORNU_BACKEND", "jax"),
            "kind": kind,
            "cycles": args.cycles,
            "rss_mb": [(cycle, round(rss, 1)) for cycle, rss, _ in figures],
            "cornu_objects": [(cycle, count) for cycle, _, count in figures] if args.count_objects else None,
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }
        if args.json:
            print(json.dumps(summary), flush=True)
        else:
            print(f"{summary['backend']} {kind}: peak RSS {summary['peak_rss_mb']:.1f} MB; growth from cycle "
                  f"{figures[1][0]} to {figures[-1][0]}: {figures[-1][1] - figures[1][1]:+.1f} MB")


if __name__ == "__main__":
    main()
