"""Summarises the per-run results of ``bench.run`` and formats them as Markdown tables.

Example:
    >>> summary = summarize(runs)
    >>> print(markdown(summary, machine))
"""

import statistics

METRICS = ("step_ms", "samples_per_s", "build_s", "first_epoch_s", "predict_samples_per_s", "latency_ms",
           "peak_rss_mb")
IMPL_ORDER = ("cornu", "baseline", "keras", "native")

# The targets of issue 7, as (ratio name, numerator impl, denominator impl, metric, limit).
# A ratio is "met" when it is at most the limit; None means "report only".
RATIOS = (
    ("step cornu/native", "cornu", "native", "step_ms", 1.10),
    ("step cornu/keras", "cornu", "keras", "step_ms", 1.0),
    ("model(x) cornu/native", "cornu", "native", "latency_ms", 2.0),
    ("model(x) cornu/keras", "cornu", "keras", "latency_ms", 1.0),
    ("first epoch cornu/keras", "cornu", "keras", "first_epoch_s", 1.0),
    ("peak RSS cornu/keras", "cornu", "keras", "peak_rss_mb", 1.0),
    # Against another cornu checkout (``--baseline DIR``): a change must not slow cornu down.
    ("step cornu/baseline", "cornu", "baseline", "step_ms", None),
    ("model(x) cornu/baseline", "cornu", "baseline", "latency_ms", None),
    ("first epoch cornu/baseline", "cornu", "baseline", "first_epoch_s", None),
)
# Issue 7 asks cornu to be 1.5x faster than Keras on torch for these workloads.
FASTER_ON_TORCH = {"mlp": 1 / 1.5, "lstm": 1 / 1.5}


def summarize(runs):
    """Groups runs by (workload, backend, impl) and takes the median of each metric over
    the successful runs. Returns a list of dicts in a stable order."""
    groups = {}
    for run in runs:
        groups.setdefault((run["workload"], run["backend"], run["impl"]), []).append(run)
    summary = []
    for (workload, backend, impl), group in groups.items():
        ok = [r for r in group if r.get("status") == "ok"]
        row = {"workload": workload, "backend": backend, "impl": impl, "runs": len(group),
               "ok_runs": len(ok)}
        if ok:
            row["status"] = "ok"
            for metric in METRICS:
                values = [r[metric] for r in ok if r.get(metric) is not None]
                if values:
                    row[metric] = statistics.median(values)
                    row[metric + "_min"] = min(values)
                    row[metric + "_max"] = max(values)
            errors = {k: v for r in ok for k, v in r.get("errors", {}).items()}
            if errors:
                row["errors"] = errors
        else:
            row["status"] = group[-1].get("status", "failed")
            row["error"] = group[-1].get("error", "no result")
        summary.append(row)
    return sorted(summary, key=_order)


def _order(row):
    impl = IMPL_ORDER.index(row["impl"]) if row["impl"] in IMPL_ORDER else len(IMPL_ORDER)
    return (row["workload"], row["backend"], impl)


def ratios(summary):
    """Per (workload, backend): each ratio of RATIOS, with whether it meets its target."""
    by_key = {(r["workload"], r["backend"], r["impl"]): r for r in summary}
    out = []
    for workload, backend in sorted({(r["workload"], r["backend"]) for r in summary}):
        row = {"workload": workload, "backend": backend}
        for name, num, den, metric, limit in RATIOS:
            a = by_key.get((workload, backend, num), {}).get(metric)
            b = by_key.get((workload, backend, den), {}).get(metric)
            if a is None or not b:
                continue
            if name == "step cornu/keras" and backend == "torch":
                limit = FASTER_ON_TORCH.get(workload, limit)
            row[name] = {"value": a / b, "target": limit, "met": None if limit is None else a / b <= limit}
        out.append(row)
    return out


def _fmt(value, digits):
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _results_table(summary):
    lines = [
        "| workload | backend | impl | step (ms) | samples/s | build (s) | first epoch (s) "
        "| predict (samples/s) | model(x) (ms) | peak RSS (MB) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in summary:
        head = f"| {r['workload']} | {r['backend']} | {r['impl']} |"
        if r["status"] != "ok":
            lines.append(f"{head} {r['status']}: {r.get('error', '')} | | | | | | |")
            continue
        step = _fmt(r.get("step_ms"), 2)
        if r.get("ok_runs", 0) > 1 and r.get("step_ms") is not None:
            step += f" ({_fmt(r['step_ms_min'], 2)}-{_fmt(r['step_ms_max'], 2)})"
        cells = [step, _fmt(r.get("samples_per_s"), 0), _fmt(r.get("build_s"), 2),
                 _fmt(r.get("first_epoch_s"), 2),
                 _fmt(r.get("predict_samples_per_s"), 0), _fmt(r.get("latency_ms"), 3),
                 _fmt(r.get("peak_rss_mb"), 0)]
        lines.append(head + " " + " | ".join(cells) + " |")
    return lines


def _ratios_table(ratio_rows):
    present = {name for row in ratio_rows for name in row}
    names = [name for name, *_ in RATIOS if name in present]
    lines = ["| workload | backend | " + " | ".join(names) + " |",
             "|---|---|" + "---:|" * len(names)]
    for row in ratio_rows:
        cells = []
        for name in names:
            r = row.get(name)
            if r is None:
                cells.append("-")
            else:
                verdict = {None: "", True: " ok", False: " MISS"}[r["met"]]
                cells.append(f"{r['value']:.2f}{verdict}")
        lines.append(f"| {row['workload']} | {row['backend']} | " + " | ".join(cells) + " |")
    return lines


def markdown(summary, machine):
    """The Markdown report: the machine, the results table and the ratios table."""
    lines = [
        f"Machine: {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores "
        f"({machine.get('threads', machine.get('cores', '?'))} used per process); Python "
        f"{machine.get('python', '?')}; "
        + ", ".join(f"{k} {v}" for k, v in machine.get("versions", {}).items()),
        f"Load average before/after: {machine.get('load_before', '?')} / {machine.get('load_after', '?')}",
        "",
        "Medians over runs (step: median, with the range over runs in brackets).",
        "",
        *_results_table(summary),
        "",
        "Ratios (lower is better for cornu; `ok`/`MISS` against issue 7's targets: step vs native "
        "<= 1.10, vs Keras <= 1.0 (<= 0.67 on torch for mlp and lstm), model(x) vs native <= 2.0, "
        "first epoch and peak RSS <= Keras's; against a `--baseline` checkout, report only).",
        "",
        *_ratios_table(ratios(summary)),
    ]
    return "\n".join(lines)
