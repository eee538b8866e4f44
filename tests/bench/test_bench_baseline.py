"""``bench.run --baseline DIR``: a configuration measured on another cornu checkout imports
that checkout's cornu (and this checkout's bench), and the report puts cornu/baseline ratios
beside the others."""

import os
import shutil
import sys

import pytest

from cornu.backend import config

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from bench import report, run  # noqa: E402

pytestmark = pytest.mark.requires_trainable_backend


def test_a_baseline_run_imports_the_baseline_checkouts_cornu(tmp_path):
    checkout = tmp_path / "checkout"
    shutil.copytree(os.path.join(REPO_ROOT, "cornu"), checkout / "cornu",
                    ignore=shutil.ignore_patterns("__pycache__"))
    link_dir = tmp_path / "links"
    link_dir.mkdir()
    path = run.baseline_package_path(str(checkout), str(link_dir))
    backend = config.backend()
    result = run.run_one("mlp", backend, "baseline", quick=True, timeout=300, baseline_path=path, tiny=True)
    assert result["status"] == "ok", result
    assert result["impl"] == "baseline"
    assert result["library_path"] == os.path.realpath(checkout / "cornu")

    current = run.run_one("mlp", backend, "cornu", quick=True, timeout=300, tiny=True)
    assert current["library_path"] == os.path.realpath(os.path.join(REPO_ROOT, "cornu"))


def test_a_folder_without_cornu_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="cornu checkout.*Received: baseline="):
        run.baseline_package_path(str(tmp_path), str(tmp_path))


def test_the_report_shows_cornu_against_the_baseline():
    runs = [
        {"workload": "mlp", "backend": "torch", "impl": impl, "status": "ok", "step_ms": step,
         "first_epoch_s": 1.0, "latency_ms": 0.1, "peak_rss_mb": 300.0}
        for impl, step in [("cornu", 4.0), ("baseline", 5.0), ("keras", 10.0)]
    ]
    summary = report.summarize(runs)
    [row] = report.ratios(summary)
    assert row["step cornu/baseline"] == {"value": 0.8, "target": None, "met": None}
    lines = report.markdown(summary, {}).splitlines()
    header = next(line for line in lines if line.startswith("| workload | backend | step cornu"))
    column = [cell.strip() for cell in header.split("|")].index("step cornu/baseline")
    values = next(line for line in lines if line.startswith("| mlp | torch |") and "ok" in line)
    assert [cell.strip() for cell in values.split("|")][column] == "0.80"
