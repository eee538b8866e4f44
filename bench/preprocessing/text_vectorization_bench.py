"""TextVectorization: ``adapt`` on 100k generated lines, then vectorizing them, cornu vs Keras+TF.

Each (library, threads) case runs in its own process, so the thread settings apply before
any library starts its pools. Prints a Markdown table with cornu's time over Keras's.

    .venv/bin/python -m bench.preprocessing.text_vectorization_bench [--lines 100000]
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

_ONE_THREAD = {name: "1" for name in (
    "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS")}
_ONE_THREAD["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


def generate_lines(count, seed=0):
    """``count`` lines of 4-20 Zipf-distributed words, with capitals and punctuation."""
    rng = np.random.default_rng(seed)
    words = np.array([f"w{i}" for i in range(20000)] + ["The", "A", "Cat!", "dog,", "ran.", "Ünïcode"])
    ranks = np.minimum(rng.zipf(1.3, size=count * 20), len(words)) - 1
    lengths = rng.integers(4, 21, size=count)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    tokens = words[ranks].tolist()
    return np.array([" ".join(tokens[s:s + n]) for s, n in zip(starts.tolist(), lengths.tolist())])


def _time(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_worker(library, lines):
    """Times adapt and vectorize in this process; prints JSON."""
    texts = generate_lines(lines)
    if library == "keras":
        os.environ["KERAS_BACKEND"] = "tensorflow"
        import keras
    else:
        import cornu as keras
    layer = keras.layers.TextVectorization(max_tokens=20000, output_sequence_length=32)
    layer.adapt(texts[:1000])  # warm-up: imports, tracing
    layer(texts[:1000])
    adapt = _time(lambda: layer.adapt(texts))
    vectorize = _time(lambda: np.asarray(layer(texts)))
    print(json.dumps({"adapt": adapt, "vectorize": vectorize, "vocabulary": layer.vocabulary_size()}))


def _run_case(library, lines, one_thread):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **(_ONE_THREAD if one_thread else {}))
    command = [sys.executable, "-m", "bench.preprocessing.text_vectorization_bench", "--worker", library,
               "--lines", str(lines)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--worker", choices=("cornu", "keras"))
    args = parser.parse_args()
    if args.worker:
        run_worker(args.worker, args.lines)
        return
    rows = []
    for one_thread in (False, True):
        results = {library: _run_case(library, args.lines, one_thread) for library in ("cornu", "keras")}
        assert results["cornu"]["vocabulary"] == results["keras"]["vocabulary"], results
        for step in ("adapt", "vectorize"):
            ours, ref = results["cornu"][step], results["keras"][step]
            rows.append((step, "1" if one_thread else "default", ours, ref, ours / ref))
    print(f"TextVectorization on {args.lines} lines (max_tokens=20000, output_sequence_length=32)\n")
    print("| step | threads | cornu (s) | Keras+TF (s) | cornu / Keras |")
    print("|---|---|---|---|---|")
    for step, threads, ours, ref, ratio in rows:
        print(f"| {step} | {threads} | {ours:.3f} | {ref:.3f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
