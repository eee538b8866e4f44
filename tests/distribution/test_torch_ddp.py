"""``keras.distribution`` on PyTorch: ``DataParallel`` through ``DistributedDataParallel``,
``ModelParallel`` through DTensors laid out by the ``LayoutMap``.

One real ``torchrun --nproc_per_node 2`` launch (gloo on loopback, a free port) runs every
multi-process case of ``torch_ddp_worker.py``; each case compares against the same model
trained on the whole global batch in one process. The rest checks the engine in this process.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from cornu.backend import backend
from tests.distribution.subprocess_runs import free_port
from tests.helpers.requirements import REPO

pytestmark = pytest.mark.skipif(backend() != "torch", reason="torch's DistributedDataParallel engine runs only "
                                "in the torch suite (CORNU_BACKEND=torch)")

TOLERANCE = 1e-5
HERE = os.path.dirname(os.path.abspath(__file__))


def _torchrun(folder, timeout=240):
    env = dict(os.environ, CORNU_BACKEND="torch", OMP_NUM_THREADS="1", PYTHONPATH=str(REPO))
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT", "KERAS_DISTRIBUTION_JOB_ADDRESSES",
                 "KERAS_DISTRIBUTION_NUM_PROCESSES", "KERAS_DISTRIBUTION_PROCESS_ID"):
        env.pop(name, None)
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_addr", "127.0.0.1",
               "--master_port", str(free_port()), os.path.join(HERE, "torch_ddp_worker.py"), folder]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    results = {}
    for rank in (0, 1):
        path = os.path.join(folder, f"results_{rank}.json")
        if done.returncode != 0 or not os.path.exists(path):
            log = "\n".join(line for line in (done.stdout + done.stderr).splitlines() if "[Gloo]" not in line)
            raise AssertionError(f"torchrun failed ({done.returncode}):\n{log[-4000:]}")
        with open(path) as f:
            results[rank] = json.load(f)
    return results


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("torchrun"))
    return folder, _torchrun(folder)


def _both(run, name):
    results = run[1]
    for rank in (0, 1):
        assert "error" not in results[rank][name], results[rank][name].get("trace")
    return results[0][name], results[1][name]


# ------------------------------------------------------------------ two processes (torchrun)
def test_cluster_has_one_device_per_process(run):
    for result in _both(run, "cluster"):
        assert result == {"devices": ["cpu:0", "cpu:1"], "count": 2, "processes": 2}


@pytest.mark.requires_trainable_backend
def test_data_parallel_over_two_processes_matches_one_process(run):
    first, second = _both(run, "data_parallel_arrays")
    for result in (first, second):
        assert result["wrapped_by"] == "DistributedDataParallel"
        assert result["weight_diff"] <= TOLERANCE
        for key, values in result["logs"].items():  # metrics of the global batch, on both processes
            assert values == pytest.approx(result["reference_logs"][key], abs=1e-5)
        assert result["evaluate"][0] == pytest.approx(result["evaluate"][1], abs=1e-5)
        assert result["predict_rows"] == 48 and result["predict_diff"] <= TOLERANCE
    assert first["logs"] == second["logs"]
    # CSVLogger and ModelCheckpoint write on process 0 only.
    assert first["files"] == ["best.keras", "log.csv"] and second["files"] == []


@pytest.mark.requires_trainable_backend
def test_loss_only_logs_are_the_global_loss_when_summed_once_an_epoch(run):
    first, second = _both(run, "loss_only_logs_added_up_at_epoch_end")
    for result in (first, second):
        assert result["weight_diff"] <= TOLERANCE
        assert list(result["logs"]) == ["loss"] and len(result["logs"]["loss"]) == 2
        assert result["logs"]["loss"] == pytest.approx(result["reference_logs"]["loss"], abs=1e-6)
        assert result["evaluate"] == pytest.approx(result["reference_evaluate"], abs=1e-6)
        assert result["local_sums_left"] is False
        assert result["all_reduce_calls"] == 3  # one per fit epoch and one for evaluate, not one per step (9)
    assert first["logs"] == second["logs"] and first["evaluate"] == second["evaluate"]


@pytest.mark.requires_trainable_backend
def test_gradients_of_both_processes_are_needed(run):
    # Without the other process's gradients the weights end far from the reference: the
    # equality above is DDP's averaging at work, not each process training alone.
    for result in _both(run, "each_process_alone_differs"):
        assert result["weight_diff"] > 1e-3


@pytest.mark.requires_trainable_backend
def test_pre_sharded_data_matches_one_process(run):
    for result in _both(run, "data_parallel_pre_sharded"):
        assert result["weight_diff"] <= TOLERANCE


@pytest.mark.requires_trainable_backend
def test_generators_data_loaders_and_step_groups_match_one_process(run):
    for result in _both(run, "generator_data_loader_and_steps_per_execution"):
        assert result == {"generator": pytest.approx(0, abs=TOLERANCE), "data_loader": pytest.approx(0, abs=TOLERANCE),
                          "steps_per_execution": pytest.approx(0, abs=TOLERANCE)}


@pytest.mark.requires_trainable_backend
def test_file_saved_on_rank_zero_loads_in_one_process(run):
    import cornu as keras

    folder = run[0]
    for result in _both(run, "saved_on_rank_zero"):
        assert result["weight_diff"] <= TOLERANCE and result["loaded_diff"] == 0.0
    trained = np.load(os.path.join(folder, "weights_0.npz"))
    loaded = keras.saving.load_model(os.path.join(folder, "trained.keras"))
    weights = loaded.get_weights()
    assert len(weights) == len(trained.files)
    for index, value in enumerate(weights):
        np.testing.assert_allclose(value, trained[f"arr_{index}"], atol=TOLERANCE, rtol=0)


def test_clear_errors_under_two_processes(run):
    for result in _both(run, "uneven_batch_error"):
        assert "Received: batch_size=15, data-parallel size=2" in result["message"]
    for result in _both(run, "model_parallel_uneven_layout_error"):
        assert "has 2 axes but the tensor has rank 1" in result["message"]


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("case, local_shape", [("model_parallel_split_columns", [6, 8]),
                                               ("model_parallel_split_batch", [6, 16])])
def test_model_parallel_over_two_processes_matches_one_process(run, case, local_shape):
    import cornu as keras

    first, second = _both(run, case)
    for result in (first, second):
        # The first kernel is a DTensor split by columns over the mesh axis "model".
        assert result["kernel_type"] == "DTensor" and result["kernel_local_shape"] == local_shape
        assert result["kernel_placements"] == ["R", "S(1)"]  # Replicate() over "batch", Shard(dim=1) over "model"
        assert result["weight_diff"] <= TOLERANCE
        for key, values in result["logs"].items():
            assert values == pytest.approx(result["reference_logs"][key], abs=1e-5)
        assert result["evaluate"][0] == pytest.approx(result["evaluate"][1], abs=1e-5)
        assert result["predict_diff"] <= TOLERANCE
        # Saved by every process together (process 0 writes): loads on one device and under the mesh.
        assert result["loaded_diff"] <= TOLERANCE and result["checkpoint_diff"] <= TOLERANCE
        assert result["reloaded_under_mesh_diff"] == 0.0
    assert first["files"] == ["checkpoint.keras", "trained.keras", "trained.weights.h5"]
    if case == "model_parallel_split_columns":  # keras.distribution.distribute_tensor: columns 0-2 / 3-5
        assert first["distribute_tensor"] == [[4, 3], 120.0, 276.0]
        assert second["distribute_tensor"] == [[4, 3], 156.0, 276.0]
    folder = os.path.join(run[0], case.replace("model_parallel_split_columns", "model_parallel_1x2")
                          .replace("model_parallel_split_batch", "model_parallel_2x1"))
    loaded = keras.saving.load_model(os.path.join(folder, "trained.keras"))
    assert loaded.layers[0].kernel.shape == (6, 16)


# ------------------------------------------------------------------ the engine in one process
def test_engine_in_one_process():
    from cornu import backend as cornu_backend
    from cornu import distribution

    engine = cornu_backend.distribution_lib()
    assert engine.__name__ == "cornu.backend.torch.distribution"
    assert distribution.list_devices("cpu") == ["cpu:0"] and distribution.get_device_count("cpu") == 1
    engine.initialize(None, None, None)  # no torchrun, nothing given: one process, a no-op
    assert engine.num_processes() == 1 and engine.process_id() == 0
    assert engine.agree_on_seed(1234) == 1234
    with pytest.raises(ValueError, match="Received: device_type='tpu'"):
        distribution.list_devices("tpu")
    with pytest.raises(ValueError, match="torchrun --nproc_per_node 2"):
        engine.check_mesh(distribution.DeviceMesh((2,), ("batch",), devices=["cpu:0", "cpu:1"]))


def test_initialize_needs_a_rank_and_an_address(monkeypatch):
    from cornu import backend as cornu_backend

    engine = cornu_backend.distribution_lib()
    for name in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="Received: process_id=None, num_processes=2"):
        engine.initialize(None, 2, None)
    with pytest.raises(ValueError, match="missing environment variables"):
        engine.initialize(None, 2, 0)
    with pytest.raises(ValueError, match="'host:port'"):
        engine.initialize("nohost", 2, 0)


@pytest.mark.requires_trainable_backend
def test_data_parallel_on_one_process_trains_as_without_it():
    import cornu as keras

    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(16, 3)).astype("float32"), rng.normal(size=(16, 2)).astype("float32")

    def trained(distribution=None):
        keras.utils.set_random_seed(3)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
        return model.get_weights()

    plain = trained()
    with keras.distribution.DataParallel().scope():
        distributed = trained()
    for a, b in zip(plain, distributed):
        np.testing.assert_array_equal(a, b)
