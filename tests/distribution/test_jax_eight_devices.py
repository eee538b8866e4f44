"""``DataParallel`` and ``ModelParallel`` on 8 simulated CPU devices
(``XLA_FLAGS=--xla_force_host_platform_device_count=8``), all cases in one subprocess
(``eight_devices_worker.py``): training under a distribution ends with the weights of
training on one device, variables keep their layouts, checkpoints move between meshes."""

import pytest

from cornu.backend import backend
from tests.distribution.subprocess_runs import run_eight_devices

pytestmark = pytest.mark.skipif(backend() != "jax", reason="keras.distribution's multi-device engine is JAX's "
                                "(jax.sharding); the torch engine (DDP, DTensor) is tested in the torch suite")

TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return run_eight_devices(str(tmp_path_factory.mktemp("eight_devices")))


def _case(results, name):
    result = results[name]
    assert "error" not in result, result.get("trace", result)
    return result


def _assert_logs_close(logs, reference):
    assert logs.keys() == reference.keys()
    for key in logs:
        assert logs[key] == pytest.approx(reference[key], abs=1e-5), key


def test_devices(results):
    result = _case(results, "devices")
    assert result["list"] == [f"cpu:{i}" for i in range(8)] == result["cpu"] and result["count"] == 8


def test_data_parallel_matches_one_device(results):
    result = _case(results, "data_parallel")
    assert result["weight_diff"] <= TOLERANCE
    _assert_logs_close(result["logs"], result["reference_logs"])  # metrics over the global batch
    assert result["evaluate"][0] == pytest.approx(result["evaluate"][1], abs=1e-5)
    assert result["predict_diff"] <= TOLERANCE
    # Variables replicated on all 8 devices; each batch split 2 rows per device.
    assert all(all(axis is None for axis in spec) for spec in result["variable_specs"])
    assert set(result["variable_device_counts"]) == {8}
    assert result["batch_spec"] == ["batch", None] and result["batch_shard_rows"] == [2] * 8
    # The compiled step only reduces gradients: it never gathers anything.
    assert result["all_gathers"] == 0 and result["all_reduces"] > 0
    assert result["compiles"] == 1  # the laid-out state is exactly what the compiled step returns


def test_data_parallel_shuffle_grouped_steps_generator(results):
    result = _case(results, "data_parallel_shuffled_grouped_and_generator")
    for key in ("shuffled", "steps_per_execution", "generator"):
        assert result[key] <= TOLERANCE, key


def test_model_parallel_matches_one_device_and_keeps_layouts(results):
    result = _case(results, "model_parallel_mlp")
    assert result["weight_diff"] <= TOLERANCE
    _assert_logs_close(result["logs"], result["reference_logs"])
    assert result["evaluate"][0] == pytest.approx(result["evaluate"][1], abs=1e-5)
    # After training, every variable is still laid out as the LayoutMap says (None: replicated).
    assert result["specs"] == result["expected"]
    assert sum(spec == [None, "model"] for spec in result["specs"].values()) == 2
    # Optimizer slots follow their variables' layouts.
    assert result["slot_specs"] and all(
        spec == result["expected"][next(p for p in result["expected"] if p.replace("/", "_") in slot)]
        for slot, spec in result["slot_specs"].items())


def test_model_parallel_transformer_matches_one_device(results):
    result = _case(results, "model_parallel_transformer")
    assert result["weight_diff"] <= TOLERANCE
    assert len(result["sharded"]) >= 6 and all("model" in spec for spec in result["sharded"].values())


def test_checkpoint_loads_on_one_device_and_another_mesh(results):
    result = _case(results, "checkpoint_round_trip")
    assert result["single_diff"] == 0.0 and set(result["single_devices"]) == {1}
    assert result["single_predict_diff"] <= TOLERANCE
    assert result["remeshed_diff"] == 0.0 and result["remeshed_predict_diff"] <= TOLERANCE
    assert result["remeshed_mesh"] == [{"batch": 4, "model": 2}]
    assert result["remeshed_specs"].count([None, "model"]) == 2
    assert result["replicated_diff"] == 0.0


def test_distribute_tensor(results):
    result = _case(results, "distribute_tensor")
    assert result["eager_spec"] == ["batch", None] and result["eager_shards"] == 8
    assert result["jit_spec"][0] == "batch" and result["keras_tensor"] == "KerasTensor"


def test_clear_errors(results):
    errors = _case(results, "errors")
    assert errors["mesh_shape"].startswith("ValueError") and "Received: shape=(3,), devices.shape=(8,)" in errors[
        "mesh_shape"]
    assert errors["batch"].startswith("ValueError") and "Received: batch_size=12, data-parallel size=8" in errors[
        "batch"]
    assert errors["rank"].startswith("ValueError") and "Received: layout.axes=('model',), shape=(6, 16)" in errors[
        "rank"]
    assert errors["last_batch"].startswith("ValueError") and (
        "Received: num_samples=36, batch_size=16, data-parallel size=8" in errors["last_batch"])
    assert "Received: axes=('nope',)" in errors["unknown_axis"]
    assert "Received: batch_dim_name='data'" in errors["batch_dim_name"]
