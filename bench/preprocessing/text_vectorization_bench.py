"""TextVectorization: ``adapt`` on 100k generated lines, then vectorizing them, cornu vs Keras+TF.

Each (library, threads) case runs in its own process, so the thread settings apply before
any library starts its pools; the processes of a round alternate libraries and thread
settings, and each time reported is the median over the rounds of a process's best of
``--repeats`` timings. The default case is ``int`` ids padded to 32; ``--modes`` adds the
other output modes, with and without bigrams (``multi_hot``/``count``/``tf_idf`` on
``max_tokens=1000``, as their outputs are dense ``(lines, max_tokens)`` arrays). Prints a
Markdown table of cornu's time over Keras's.

    .venv/bin/python -m bench.preprocessing.text_vectorization_bench [--lines 100000] [--rounds 3] [--modes]
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
    """Wall-clock seconds of ``fn()``; with ``BENCH_CPU_TIME=1``, this process's CPU seconds
    (all its threads: compare one-thread runs on a loaded machine)."""
    clock = time.process_time if os.environ.get("BENCH_CPU_TIME") == "1" else time.perf_counter
    start = clock()
    fn()
    return clock() - start


# name -> TextVectorization arguments
CASES = {
    "int, length 32": {"max_tokens": 20000, "output_sequence_length": 32},
    "int, pad to longest": {"max_tokens": 20000},
    "int, bigrams, length 32": {"max_tokens": 20000, "ngrams": 2, "output_sequence_length": 32},
    "multi_hot": {"max_tokens": 1000, "output_mode": "multi_hot"},
    "multi_hot, bigrams": {"max_tokens": 1000, "output_mode": "multi_hot", "ngrams": 2},
    "count": {"max_tokens": 1000, "output_mode": "count"},
    "count, bigrams": {"max_tokens": 1000, "output_mode": "count", "ngrams": 2},
    "tf_idf": {"max_tokens": 1000, "output_mode": "tf_idf"},
    "tf_idf, bigrams": {"max_tokens": 1000, "output_mode": "tf_idf", "ngrams": 2},
}
DEFAULT_CASE = "int, length 32"


def run_worker(library, lines, cases, repeats):
    """Times adapt and vectorize of each case in this process (the best of ``repeats``); prints JSON."""
    texts = generate_lines(lines)
    if library == "keras":
        os.environ["KERAS_BACKEND"] = "tensorflow"
        import keras
    else:
        import cornu as keras
    results = {}
    for case in cases:
        layer = keras.layers.TextVectorization(**CASES[case])
        layer.adapt(texts[:1000])  # warm-up: imports, tracing
        layer(texts[:1000])
        adapt = min(_time(lambda: layer.adapt(texts)) for _ in range(repeats))
        vectorize = min(_time(lambda: np.asarray(layer(texts))) for _ in range(repeats))
        results[case] = {"adapt": adapt, "vectorize": vectorize, "vocabulary": layer.vocabulary_size()}
        print(json.dumps({case: results[case]}), flush=True)  # progress, for a long run
    print(json.dumps(results))


def _run_case(library, lines, one_thread, cases, repeats):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **(_ONE_THREAD if one_thread else {}))
    command = [sys.executable, "-m", "bench.preprocessing.text_vectorization_bench", "--worker", library,
               "--lines", str(lines), "--cases", json.dumps(cases), "--repeats", str(repeats)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _table(medians, cases):
    print("| case | step | threads | cornu (s) | Keras+TF (s) | cornu / Keras |")
    print("|---|---|---|---:|---:|---:|")
    for case in cases:
        for step in ("adapt", "vectorize"):
            for threads in ("default", "1"):
                ours, ref = medians[("cornu", threads)][case][step], medians[("keras", threads)][case][step]
                print(f"| {case} | {step} | {threads} | {ours:.3f} | {ref:.3f} | {ref and ours / ref:.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3, help="timings per process; the best counts")
    parser.add_argument("--modes", action="store_true", help="also time the other output modes and bigrams")
    parser.add_argument("--worker", choices=("cornu", "keras"))
    parser.add_argument("--cases", default=json.dumps([DEFAULT_CASE]))
    args = parser.parse_args()
    if args.worker:
        run_worker(args.worker, args.lines, json.loads(args.cases), args.repeats)
        return
    cases = list(CASES) if args.modes else [DEFAULT_CASE]
    runs = {}
    for _ in range(args.rounds):
        for one_thread in (False, True):
            for library in ("cornu", "keras"):
                key = (library, "1" if one_thread else "default")
                runs.setdefault(key, []).append(_run_case(library, args.lines, one_thread, cases, args.repeats))
    medians = {key: {case: {step: float(np.median([run[case][step] for run in rounds]))
                            for step in ("adapt", "vectorize")} for case in cases}
               for key, rounds in runs.items()}
    for rounds in zip(*runs.values()):
        for case in cases:
            sizes = {run[case]["vocabulary"] for run in rounds}
            assert len(sizes) == 1, (case, sizes)
    print(f"TextVectorization on {args.lines} lines, median over {args.rounds} interleaved rounds of the best "
          f"of {args.repeats} (default case: max_tokens=20000, output_sequence_length=32)\n")
    _table(medians, cases)


if __name__ == "__main__":
    main()
