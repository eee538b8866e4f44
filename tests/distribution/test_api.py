"""The backend-free part of ``keras.distribution`` (meshes, layouts, the layout map's regex
matching, the distribution in force), side by side with the real Keras 3.15.1. Runs on every
backend: on torch and NumPy the one-device stand-in engine answers."""

import numpy as np
import pytest

import cornu
from cornu import distribution as dist

DEVICES = [f"cpu:{i}" for i in range(8)]  # names only: no array is placed in these tests


def _mesh(module, shape=(2, 4), names=("batch", "model")):
    return module.distribution.DeviceMesh(shape, list(names), devices=DEVICES)


PATHS = ["dense_1/kernel", "dense_1/bias", "my_model/conv2d_123/kernel", "my_model/conv2d_123/bias",
         "my_model/conv3d_1/kernel", "sequential/dense/kernel", "exact/key"]


def _fill(module, layout_map):
    layout_map[".*dense.*kernel"] = (None, "model")
    layout_map[".*dense.*bias"] = ("model",)
    layout_map[".*conv2d.*kernel"] = module.distribution.TensorLayout((None, None, None, "model"))
    layout_map[".*conv2d.*bias"] = ("model",)
    layout_map["exact/key"] = ("batch", None)


def test_layout_map_matches_like_keras(keras_ref):
    ours, theirs = dist.LayoutMap(_mesh(cornu)), keras_ref.distribution.LayoutMap(_mesh(keras_ref))
    _fill(cornu, ours)
    _fill(keras_ref, theirs)
    for path in PATHS:
        mine, ref = ours[path], theirs[path]
        assert (mine is None) == (ref is None), path
        if ref is not None:
            assert mine.axes == ref.axes, path
            assert mine.device_mesh is ours.device_mesh
    assert list(ours) == list(theirs) and len(ours) == len(theirs) == 5
    del ours["exact/key"]
    assert ours["exact/key"] is None and len(ours) == 4


def test_layout_map_refuses_what_keras_refuses(keras_ref):
    for module, layout_map in ((cornu, dist.LayoutMap(_mesh(cornu))),
                               (keras_ref, keras_ref.distribution.LayoutMap(_mesh(keras_ref)))):
        layout_map["dense.*"] = (None, "model")
        layout_map[".*kernel"] = ("model", None)
        with pytest.raises(ValueError, match="matches multiple|matches several"):
            layout_map["dense/kernel"]
        with pytest.raises(ValueError):
            layout_map["dense.*"] = ("model",)  # a key is set once
        with pytest.raises(ValueError):
            layout_map["other"] = 3
    with pytest.raises(ValueError, match="Received: layout=3"):
        dist.LayoutMap(_mesh(cornu))["x"] = 3


def test_mesh_and_layout_validation_match_keras(keras_ref):
    for module in (cornu, keras_ref):
        mesh = _mesh(module)
        assert mesh.shape == (2, 4) and mesh.axis_names == ["batch", "model"]
        assert np.array(mesh.devices).shape == (2, 4) and mesh.devices[1, 0] == "cpu:4"
        with pytest.raises(ValueError):
            module.distribution.DeviceMesh((3, 2), ["batch", "model"], devices=DEVICES)
        with pytest.raises(ValueError):
            module.distribution.DeviceMesh((8,), ["batch", "model"], devices=DEVICES)
        with pytest.raises(ValueError):
            module.distribution.TensorLayout(("batch", "nope"), mesh)
        layout = module.distribution.TensorLayout((None, "model"))
        layout.device_mesh = mesh
        with pytest.raises(ValueError):
            layout.device_mesh = mesh  # set once
    with pytest.raises(ValueError, match=r"Received: shape=\(3, 2\), devices.shape=\(8,\)"):
        dist.DeviceMesh((3, 2), ["batch", "model"], devices=DEVICES)


def test_distributions_report_their_layouts_like_keras(keras_ref):
    class FakeVariable:
        def __init__(self, path, shape):
            self.path, self.shape, self._layout = path, shape, None

    for module in (cornu, keras_ref):
        mesh = _mesh(module)
        layout_map = module.distribution.LayoutMap(mesh)
        _fill(module, layout_map)
        model_parallel = module.distribution.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
        assert model_parallel.num_model_replicas == 2 and model_parallel.batch_dim_name == "batch"
        assert model_parallel.get_data_layout((16, 3, 5)).axes == ("batch", None, None)
        assert model_parallel.get_variable_layout(FakeVariable("d/dense/kernel", (4, 8))).axes == (None, "model")
        assert model_parallel.get_variable_layout(FakeVariable("d/norm/gamma", (8,))).axes == (None,)
        assert model_parallel.get_tensor_layout("nothing") is None
        data_parallel = module.distribution.DataParallel(devices=DEVICES)
        assert data_parallel.device_mesh.shape == (8,) and data_parallel.batch_dim_name == "batch"
        assert data_parallel.num_model_replicas == 8
        assert data_parallel.get_variable_layout(FakeVariable("d/dense/kernel", (4, 8))).axes == (None, None)
        assert data_parallel.get_tensor_layout("x") is None
        with pytest.raises(ValueError):
            module.distribution.ModelParallel(layout_map=None)
    with pytest.warns(UserWarning, match="first one \\('batch'\\) splits the batch"):
        assert dist.DataParallel(device_mesh=_mesh(cornu)).batch_dim_name == "batch"


def test_scope_and_set_distribution_nest():
    first = dist.DataParallel(devices=["cpu:0"])
    second = dist.DataParallel(devices=["cpu:0"])
    assert dist.distribution() is None
    with first.scope():
        assert dist.distribution() is first
        with second.scope():
            assert dist.distribution() is second
        assert dist.distribution() is first
    assert dist.distribution() is None
    dist.set_distribution(second)
    try:
        assert dist.distribution() is second
    finally:
        dist.set_distribution(None)


def test_list_devices_and_symbolic_tensors():
    devices = dist.list_devices()
    assert devices and all(":" in d for d in devices)
    assert dist.get_device_count() == len(devices)
    symbolic = cornu.KerasTensor((None, 3))
    assert dist.distribute_tensor(symbolic, dist.TensorLayout((None, None))) is symbolic


def test_initialize_reads_and_checks_the_environment(monkeypatch):
    monkeypatch.setenv("KERAS_DISTRIBUTION_NUM_PROCESSES", "two")
    with pytest.raises(ValueError, match="KERAS_DISTRIBUTION_NUM_PROCESSES='two'"):
        dist.initialize()
    with pytest.raises(ValueError, match="Received: process_id=2, num_processes=2"):
        dist.initialize("127.0.0.1:1", num_processes=2, process_id=2)


@pytest.mark.requires_trainable_backend
def test_one_device_data_parallel_trains_as_without_it():
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = x @ np.ones((3, 1), "float32")

    def trained():
        cornu.utils.set_random_seed(1)
        model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
        return model.get_weights()

    plain = trained()
    with dist.DataParallel(devices=dist.list_devices()[:1]).scope():
        distributed = trained()
    for a, b in zip(plain, distributed):
        np.testing.assert_allclose(a, b, atol=1e-6)
