"""Latency of exported ONNX files in onnxruntime, next to cornu's own ``model(x)`` / ``predict``.

For the MLP, CNN and LSTM of ``tests/helpers/export_models.py`` (the export tests' reference
models, deterministic weights), at batch 1 and batch 128, with default threads and with one
thread, each configuration in its own process:

- ``ort cornu-torch``: onnxruntime on cornu's ONNX export from the torch backend;
- ``ort cornu-jax``: onnxruntime on cornu's ONNX export from the JAX backend (when it exports);
- ``ort keras-torch``: onnxruntime on Keras 3.15's own ONNX export of the same model (same
  weights: cornu saves a ``.keras`` file that Keras loads) on its torch backend;
- ``cornu jax`` / ``cornu torch``: ``model(x)`` and ``model.predict(x)`` in cornu.

Rounds run every configuration once, in an order rotated each round; the table shows medians
over rounds of the per-call median. The machine's load is printed (``uptime``): compare ratios
from one run, not numbers between runs.

Run:
    .venv/bin/python -m bench.export.onnx_latency --rounds 3 --out bench/results/export-onnx.md
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
MODELS = ("mlp", "cnn", "lstm")
BATCHES = (1, 128)
THREADS = ("default", "1")


def _thread_env(threads, env):
    env = dict(env)
    if threads == "1":
        env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    else:
        for key in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "XLA_FLAGS"):
            env.pop(key, None)
    return env


def _run(code_args, env, timeout=900):
    result = subprocess.run([sys.executable, "-m", "bench.export.onnx_latency", *code_args], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=timeout)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    if result.returncode != 0 or not lines:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        return {"error": " | ".join(tail)[:300]}
    return json.loads(lines[-1][len("RESULT "):])


# -- the steps, each run in its own process ---------------------------------------------------

def _step_prepare(workdir):
    """cornu on torch: build the models, save .keras files and inputs, export ONNX."""
    import numpy as np

    sys.path.insert(0, str(REPO))
    from tests.helpers import export_models

    out = {}
    for name in MODELS:
        model = getattr(export_models, f"build_{name}")(seed=0)
        model.save(os.path.join(workdir, f"{name}.keras"))
        shape = tuple(model.inputs[0].shape[1:])
        for batch in BATCHES:
            x = np.random.default_rng(batch).normal(size=(batch,) + shape).astype("float32")
            np.save(os.path.join(workdir, f"{name}_x{batch}.npy"), x)
            np.save(os.path.join(workdir, f"{name}_y{batch}.npy"), model.predict(x, verbose=0))
        started = time.perf_counter()
        model.export(os.path.join(workdir, f"{name}.cornu-torch.onnx"), format="onnx", verbose=False)
        out[name] = time.perf_counter() - started
    return out


def _step_export_cornu_jax(workdir):
    import cornu

    out = {}
    for name in MODELS:
        model = cornu.saving.load_model(os.path.join(workdir, f"{name}.keras"))
        started = time.perf_counter()
        model.export(os.path.join(workdir, f"{name}.cornu-jax.onnx"), format="onnx", verbose=False)
        out[name] = time.perf_counter() - started
    return out


def _step_export_keras(workdir):
    import keras
    import numpy as np

    out = {}
    for name in MODELS:
        model = keras.saving.load_model(os.path.join(workdir, f"{name}.keras"))
        model(np.load(os.path.join(workdir, f"{name}_x1.npy")))  # Keras exports only a model called once
        started = time.perf_counter()
        model.export(os.path.join(workdir, f"{name}.keras-torch.onnx"), format="onnx", verbose=False)
        out[name] = time.perf_counter() - started
    return out


def _timed(fn, budget=0.4, least=5, most=2000):
    """Median seconds per call of ``fn`` after a warm-up."""
    for _ in range(3):
        fn()
    times = []
    started = time.perf_counter()
    while len(times) < least or (time.perf_counter() - started < budget and len(times) < most):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _step_ort(workdir, source, threads):
    import numpy as np
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1 if threads == "1" else 0
    if threads == "1":
        options.inter_op_num_threads = 1
    out = {}
    for name in MODELS:
        path = os.path.join(workdir, f"{name}.{source}.onnx")
        if not os.path.exists(path):
            continue
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        input_name = session.get_inputs()[0].name
        for batch in BATCHES:
            x = np.load(os.path.join(workdir, f"{name}_x{batch}.npy"))
            expected = np.load(os.path.join(workdir, f"{name}_y{batch}.npy"))
            got = session.run(None, {input_name: x})[0]
            out[f"{name}/{batch}/diff"] = float(np.max(np.abs(got - expected)))
            out[f"{name}/{batch}/run"] = _timed(lambda: session.run(None, {input_name: x}))
    return out


def _step_cornu(workdir):
    import numpy as np

    import cornu

    out = {}
    for name in MODELS:
        model = cornu.saving.load_model(os.path.join(workdir, f"{name}.keras"))
        for batch in BATCHES:
            x = np.load(os.path.join(workdir, f"{name}_x{batch}.npy"))
            tensor = cornu.ops.convert_to_tensor(x)
            out[f"{name}/{batch}/call"] = _timed(lambda: cornu.ops.convert_to_numpy(model(tensor, training=False)))
            out[f"{name}/{batch}/predict"] = _timed(lambda: model.predict(x, batch_size=batch, verbose=0))
    return out


STEPS = {"prepare": _step_prepare, "export-cornu-jax": _step_export_cornu_jax, "export-keras": _step_export_keras,
         "ort": _step_ort, "cornu": _step_cornu}


# -- the driver ---------------------------------------------------------------------------------

def _configs():
    configs = []
    for threads in THREADS:
        for source in ("cornu-torch", "cornu-jax", "keras-torch"):
            configs.append((f"ort {source}", threads, ["ort", source, threads], {}))
        for backend in ("jax", "torch"):
            configs.append((f"cornu {backend}", threads, ["cornu"], {"CORNU_BACKEND": backend}))
    return configs


def _milliseconds(value):
    return "—" if value is None else f"{value * 1e3:.3f}"


def _table(results, exports, load_before, load_after, rounds):
    lines = [f"Load (uptime) before: `{load_before}`; after: `{load_after}`. Rounds: {rounds} (medians).", "",
             "Export time (s): " + "; ".join(f"{src} " + ", ".join(f"{m} {t:.1f}" for m, t in times.items())
                                             if isinstance(times, dict) and "error" not in times
                                             else f"{src}: {times}" for src, times in exports.items()), ""]
    for threads in THREADS:
        lines += [f"### Threads: {threads}", "",
                  "| model | batch | ort cornu-torch | ort cornu-jax | ort keras-torch | cornu-torch / keras | "
                  "cornu jax model(x) | cornu jax predict | cornu torch model(x) | cornu torch predict | "
                  "max abs diff (cornu-torch, cornu-jax, keras) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for name in MODELS:
            for batch in BATCHES:
                def median(config, metric):
                    values = [r.get(f"{name}/{batch}/{metric}") for r in results.get((config, threads), [])]
                    values = [v for v in values if v is not None]
                    return statistics.median(values) if values else None
                ours, theirs = median("ort cornu-torch", "run"), median("ort keras-torch", "run")
                ratio = f"{ours / theirs:.2f}" if ours and theirs else "—"
                diffs = ", ".join("—" if median(c, "diff") is None else f"{median(c, 'diff'):.1e}"
                                  for c in ("ort cornu-torch", "ort cornu-jax", "ort keras-torch"))
                lines.append(
                    f"| {name} | {batch} | {_milliseconds(ours)} | {_milliseconds(median('ort cornu-jax', 'run'))} | "
                    f"{_milliseconds(theirs)} | {ratio} | {_milliseconds(median('cornu jax', 'call'))} | "
                    f"{_milliseconds(median('cornu jax', 'predict'))} | {_milliseconds(median('cornu torch', 'call'))} | "
                    f"{_milliseconds(median('cornu torch', 'predict'))} | {diffs} |")
        lines.append("")
    errors = {f"{c} (threads {t})": r for (c, t), rs in results.items() for r in rs if "error" in r}
    if errors:
        lines += ["Errors:", ""] + [f"- {k}: {v['error']}" for k, v in errors.items()] + [""]
    lines.append("Times in milliseconds per call (median); `cornu-torch / keras` below 1 means cornu's file is faster.")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default=None, help="write the Markdown table here too")
    parser.add_argument("--step", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        step, *rest = args.step
        print("RESULT " + json.dumps(STEPS[step](args.workdir, *rest)))
        return
    env = dict(os.environ, PYTHONPATH=str(REPO))
    load_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as workdir:
        step = ["--workdir", workdir, "--step"]
        exports = {"cornu-torch": _run(step + ["prepare"], dict(env, CORNU_BACKEND="torch"))}
        if "error" in exports["cornu-torch"]:
            raise SystemExit(f"preparing the models failed: {exports['cornu-torch']['error']}")
        exports["cornu-jax"] = _run(step + ["export-cornu-jax"], dict(env, CORNU_BACKEND="jax"))
        exports["keras-torch"] = _run(step + ["export-keras"], dict(env, KERAS_BACKEND="torch"))
        configs, results = _configs(), {}
        for round_index in range(args.rounds):
            shift = round_index % len(configs)
            for label, threads, step_args, extra in configs[shift:] + configs[:shift]:
                run_env = _thread_env(threads, dict(env, **extra))
                results.setdefault((label, threads), []).append(_run(step + step_args, run_env))
                print(f"round {round_index + 1}: {label} threads={threads}", file=sys.stderr)
    load_after = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    table = _table(results, exports, load_before, load_after, args.rounds)
    print(table)
    if args.out:
        pathlib.Path(args.out).write_text(table + "\n")


if __name__ == "__main__":
    main()
