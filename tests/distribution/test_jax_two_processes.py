"""Two JAX processes (2 CPU devices each) joined on loopback with
``keras.distribution.initialize`` (``jax.distributed``), all cases in one run of
``two_process_worker.py`` per process: each process feeds its rows of every global batch,
training ends with the weights of one device, and only process 0 writes files."""

import pytest

from cornu.backend import backend
from tests.distribution.subprocess_runs import run_two_processes

pytestmark = pytest.mark.skipif(backend() != "jax", reason="the multi-process engine tested here is JAX's "
                                "(jax.distributed); torchrun is tested in the torch suite")

TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return run_two_processes(str(tmp_path_factory.mktemp("two_processes")))


def _both(results, name):
    for rank in (0, 1):
        assert "error" not in results[rank][name], results[rank][name].get("trace")
    return results[0][name], results[1][name]


def test_cluster_of_two_processes(results):
    for result in _both(results, "cluster"):
        assert result["count"] == 4 and len(result["devices"]) == 4 and result["processes"] == 2


def test_data_parallel_over_processes_matches_one_device(results):
    first, second = _both(results, "data_parallel_arrays")
    for result in (first, second):
        assert result["weight_diff"] <= TOLERANCE
        for key, values in result["logs"].items():  # metrics are global: the same on both processes
            assert values == pytest.approx(result["reference_logs"][key], abs=1e-5)
        assert result["evaluate"][0] == pytest.approx(result["evaluate"][1], abs=1e-5)
        assert result["predict_diff"] <= TOLERANCE  # every process gets all the predictions
    assert first["logs"] == second["logs"]
    # CSVLogger and ModelCheckpoint write on process 0 only.
    assert first["files"] == ["best.keras", "log.csv"] and second["files"] == []


@pytest.mark.parametrize("case", ["data_parallel_shuffled", "data_parallel_pre_sharded",
                                  "model_parallel_batch_over_processes", "model_parallel_model_over_processes"])
def test_every_case_matches_one_device(results, case):
    for result in _both(results, case):
        assert result["weight_diff"] <= TOLERANCE


def test_generators_and_py_datasets_are_split_per_process(results):
    for result in _both(results, "data_parallel_generator_and_py_dataset"):
        assert result["generator"] <= TOLERANCE and result["py_dataset"] <= TOLERANCE


def test_model_axis_across_processes_keeps_variables_split(results):
    for result in _both(results, "model_parallel_model_over_processes"):
        assert result["kernel_spec"] == [None, "model"] and result["kernel_fully_addressable"] is False
        # Saved by both processes together (process 0 writes), loaded on one device.
        assert result["loaded_diff"] <= TOLERANCE and result["checkpoint_diff"] <= TOLERANCE
        assert result["files"] == ["checkpoint.keras", "trained.keras"]
