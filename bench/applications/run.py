"""Inference throughput of ResNet50 and MobileNetV2 (issue 20): cornu, Keras 3.15.1 and hand-written
PyTorch / JAX, per backend, all with the same weights.

Per backend (jax, torch) and thread setting (default; one), each in its own process:
- ``cornu``: ``cornu.applications.<Model>(weights=None)`` with the shared weights, timed as
  ``model.predict(x, batch_size=batch)`` and ``model(x, training=False)`` on a backend tensor
  (on JAX a repeated ``model(x)`` runs compiled);
- ``keras``: the same with the real Keras 3.15.1 (``KERAS_BACKEND``);
- ``native``: the hand-written model of ``torch_models.py`` (``torch.inference_mode()``,
  channels-last) or ``jax_models.py`` (one ``jax.jit`` forward).

First the real Keras (torch backend) builds each model, draws its weights (``weights.py``) and
records its ``predict`` output on the input batch; every configuration checks its own output
against that (max abs difference <= 1e-3 on the probabilities, printed in the table) before
timing. The output check's call and one more are the warm-up (JAX compiles at the first; cornu's
torch call plan fills its kernel cache at the second; on JAX ``model(x)`` gets two more calls:
cornu compiles a repeated call at the third, Keras's eager call compiles each op at the first);
then at least ``--min-calls`` calls are timed, more while under ``--budget``
seconds. The table shows the median over rounds of each process's median; images/s = batch /
seconds per call. Rounds run every configuration once, in an order rotated each round. "1"
thread pins the process to one CPU and sets OMP_NUM_THREADS=MKL_NUM_THREADS=1,
``torch.set_num_threads(1)`` and XLA's one-thread flags; "default" leaves every library its own
thread pool.

Run:
    .venv/bin/python -m bench.applications.run --rounds 2 --min-calls 2 --budget 0 \
        --workdir /tmp/apps-bench --out bench/results/2026-12-07-issue20-applications.md
    .venv/bin/python -m bench.applications.run --size 32 --batch 2 --rounds 1 --budget 0   # quick check
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

from bench.applications import weights as weights_lib
from bench.applications.measure import BACKENDS, IMPLS

REPO = pathlib.Path(__file__).resolve().parents[2]
THREADS = ("default", "1")
NATIVE_TARGET, KERAS_TARGET = 1.10, 1.00  # cornu time / other time, at most
MODES = {"native": ("forward",), "cornu": ("predict", "call"), "keras": ("predict", "call")}


def thread_env(threads, env):
    env = dict(env)
    if threads == "1":
        env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    else:
        for key in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "XLA_FLAGS"):
            env.pop(key, None)
    return env


def library_env(impl, backend, env):
    env = {k: v for k, v in env.items() if k not in ("CORNU_BACKEND", "KERAS_BACKEND")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if impl == "keras":
        env["KERAS_BACKEND"] = backend
    else:
        env["CORNU_BACKEND"] = backend  # native imports cornu nowhere; harmless
    return env


def _pin(threads):
    if threads != "1":
        return None
    cpu = sorted(os.sched_getaffinity(0))[0]
    return lambda: os.sched_setaffinity(0, {cpu})


def run_step(args, env, threads="default", timeout=1200):
    """Runs ``python -m bench.applications.measure <args>`` and returns its RESULT dict."""
    try:
        proc = subprocess.run([sys.executable, "-m", "bench.applications.measure", *args], cwd=REPO, env=env,
                              preexec_fn=_pin(threads), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"no result within {timeout} s"}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-2:]
        return {"error": f"exit code {proc.returncode}: {' | '.join(tail)[:300]}"}
    return json.loads(lines[-1][len("RESULT "):])


def configurations(models, backends, impls, threads):
    return [(t, b, m, i) for t in threads for b in backends for m in models for i in impls]


def run_rounds(workdir, configs, rounds, budget, min_calls=3, log=print, after_each=None):
    """{config: [result per round]}, each round over every config in a rotated order;
    ``after_each(results, rounds_done)`` runs after every configuration (to save partial tables)."""
    results = {config: [] for config in configs}
    for r in range(rounds):
        shift = (r * 5) % len(configs)  # rotate by a stride so neighbours change too
        for config in configs[shift:] + configs[:shift]:
            threads, backend, model, impl = config
            env = thread_env(threads, library_env(impl, backend, os.environ))
            started = time.time()
            result = run_step(["measure", "--workdir", workdir, "--model", model, "--impl", impl,
                               "--backend", backend, "--budget", str(budget), "--min-calls", str(min_calls)],
                              env, threads)
            results[config].append(result)
            log(f"round {r + 1}/{rounds} threads={threads} {backend} {model} {impl}: "
                f"{_summary(result)} ({time.time() - started:.0f} s)")
            if after_each is not None:
                after_each(results, r)
    return results


def _summary(result):
    if "error" in result:
        return result["error"]
    return ", ".join(f"{mode} " + (row["error"] if "error" in row else
                                   f"{row['images_per_s']:.1f} img/s diff {row['max_abs_diff']:.1e}")
                     for mode, row in result["modes"].items())


def medians(results):
    """{(threads, backend, model, impl, mode): summary dict} over rounds."""
    table = {}
    for (threads, backend, model, impl), runs in results.items():
        for mode in MODES[impl]:
            rows = [r["modes"][mode] for r in runs if "modes" in r and mode in r["modes"]]
            ok = [row for row in rows if "images_per_s" in row]
            errors = [r.get("error") or r["modes"].get(mode, {}).get("error") for r in runs
                      if "error" in r or "error" in r.get("modes", {}).get(mode, {})]
            entry = {"rounds": len(ok), "error": errors[0] if errors and not ok else None}
            if ok:
                speeds = [row["images_per_s"] for row in ok]
                entry.update(images_per_s=statistics.median(speeds), low=min(speeds), high=max(speeds),
                             max_abs_diff=max(row["max_abs_diff"] for row in ok),
                             match=all(row["match"] for row in ok),
                             first_s=statistics.median(row["first_s"] for row in ok))
            table[(threads, backend, model, impl, mode)] = entry
    return table


def _ratio(table, key, other_key, target):
    """cornu time / other time (= other's images/s / cornu's) with ok/MISS, or a dash."""
    ours, theirs = table.get(key, {}).get("images_per_s"), table.get(other_key, {}).get("images_per_s")
    if not ours or not theirs:
        return "—"
    ratio = theirs / ours
    return f"{ratio:.2f} {'ok' if ratio <= target else 'MISS'}"


def markdown(table, header, models, backends, threads_list):
    lines = [header, "", "### Throughput (images/s, median over rounds; range in brackets)", "",
             "| threads | backend | model | impl | mode | images/s | first call (s) | max abs diff vs Keras |",
             "|---|---|---|---|---|---:|---:|---:|"]
    for threads in threads_list:
        for backend in backends:
            for model in models:
                for impl in IMPLS:
                    for mode in MODES[impl]:
                        entry = table.get((threads, backend, model, impl, mode))
                        if entry is None:
                            continue
                        if "images_per_s" not in entry and entry["error"] is None:
                            cells = "not measured (run stopped first) | — | —"
                        elif "images_per_s" not in entry:
                            cells = f"unsupported: {entry['error']} | — | —"
                        else:
                            flag = "" if entry["match"] else " MISMATCH"
                            cells = (f"{entry['images_per_s']:.1f} ({entry['low']:.1f}-{entry['high']:.1f}) | "
                                     f"{entry['first_s']:.1f} | {entry['max_abs_diff']:.1e}{flag}")
                        lines.append(f"| {threads} | {backend} | {model} | {impl} | {mode} | {cells} |")
    lines += ["", "### Ratios: cornu time / other time (target: <= 1.10 vs hand-written, <= 1.00 vs Keras)", "",
              "| threads | backend | model | predict / native | model(x) / native | predict / Keras predict | "
              "model(x) / Keras model(x) |", "|---|---|---|---:|---:|---:|---:|"]
    for threads in threads_list:
        for backend in backends:
            for model in models:
                def key(impl, mode):
                    return (threads, backend, model, impl, mode)
                cells = [_ratio(table, key("cornu", "predict"), key("native", "forward"), NATIVE_TARGET),
                         _ratio(table, key("cornu", "call"), key("native", "forward"), NATIVE_TARGET),
                         _ratio(table, key("cornu", "predict"), key("keras", "predict"), KERAS_TARGET),
                         _ratio(table, key("cornu", "call"), key("keras", "call"), KERAS_TARGET)]
                lines.append(f"| {threads} | {backend} | {model} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def merge(json_paths):
    """The results of several runs' ``.json`` files as one ``{config: [result, ...]}``, with each
    run's header (the first line of the ``.md`` beside it)."""
    results, headers = {}, []
    for path in json_paths:
        data = json.loads(pathlib.Path(path).read_text())
        # A file written by a run, or one gathering several: {"runs": {name: {"header", "results"}}}.
        markdown_path = pathlib.Path(path).with_suffix(".md")
        header = markdown_path.read_text().splitlines()[0] if markdown_path.exists() else ""
        for name, run in data.get("runs", {pathlib.Path(path).stem: dict(data, header=header)}).items():
            for key, runs in run["results"].items():
                results.setdefault(tuple(key.split(" ")), []).extend(runs)
            headers.append(f"`{name}`: {run['header']}")
    return results, headers


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(weights_lib.MODELS))
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--impls", default=",".join(IMPLS))
    parser.add_argument("--threads", default=",".join(THREADS), help="'default', '1' or both")
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--budget", type=float, default=6.0, help="seconds of timed calls per mode")
    parser.add_argument("--min-calls", type=int, default=3, help="timed calls per mode, at least")
    parser.add_argument("--workdir", help="keep the prepared weights here and reuse them when present")
    parser.add_argument("--out", help="Markdown file (a .json of the raw results is written beside it)")
    parser.add_argument("--merge", nargs="+", metavar="JSON",
                        help="write one table (to --out, or print it) from these runs' .json files; runs nothing")
    args = parser.parse_args(argv)
    models, backends = args.models.split(","), args.backends.split(",")
    impls, threads_list = args.impls.split(","), args.threads.split(",")
    if args.merge:
        results, headers = merge(args.merge)
        text = markdown(medians(results), "Merged runs:\n\n" + "\n".join(f"- {h}" for h in headers),
                        models, backends, threads_list)
        if args.out:
            pathlib.Path(args.out).write_text(text)
        print(text)
        return

    def log(message):
        print(message, file=sys.stderr, flush=True)

    load_before, started = uptime(), time.time()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or tmp
        os.makedirs(workdir, exist_ok=True)
        info_path = os.path.join(workdir, "prepared.json")
        wanted = {"size": args.size, "batch": args.batch, "models": models}
        saved = json.loads(pathlib.Path(info_path).read_text()) if os.path.exists(info_path) else {}
        if saved.get("for") == wanted:
            info = saved["info"]
        else:
            env = library_env("keras", "torch", os.environ)
            info = run_step(["prepare", "--workdir", workdir, "--models", ",".join(models), "--size",
                             str(args.size), "--batch", str(args.batch)], env)
            if "error" in info:
                raise SystemExit(f"preparing the weights with Keras failed: {info['error']}")
            pathlib.Path(info_path).write_text(json.dumps({"for": wanted, "info": info}))
        log(f"prepared: {info}")
        configs = configurations(models, backends, impls, threads_list)

        def report(results, rounds_done):
            header = (f"Batch {args.batch}, {args.size}x{args.size}x3 float32, {rounds_done} of {args.rounds} rounds "
                      f"(medians over the rounds each configuration completed), "
                      f"{(time.time() - started) / 60:.0f} min. Load (uptime) before: `{load_before}`; "
                      f"now: `{uptime()}`. Models (Keras parameter count, mean top probability): "
                      + "; ".join(f"{m} {v['params']:,} ({v['top_probability']:.2f})" for m, v in info.items()) + ".")
            text = markdown(medians(results), header, models, backends, threads_list)
            if args.out:
                pathlib.Path(args.out).write_text(text)
                raw = {" ".join(config): runs for config, runs in results.items()}
                pathlib.Path(args.out).with_suffix(".json").write_text(
                    json.dumps({"info": info, "results": raw}, indent=1))
            return text

        results = run_rounds(workdir, configs, args.rounds, args.budget, args.min_calls, log,
                             after_each=lambda results, r: report(results, r) if args.out else None)
    print(report(results, args.rounds))


if __name__ == "__main__":
    main()
