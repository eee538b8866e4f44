"""DataLayer: preprocessing math written once, run on NumPy for host data and on the backend in models."""

import importlib
import threading

import numpy as np
import pytest

import cornu
from cornu import backend
from cornu.backend import namespaces
from cornu.layers.preprocessing.data_layer import DataLayer, holds_only_host_data
from cornu.random import SeedGenerator


class AddUniformNoise(DataLayer):
    """Adds U[0, 1) noise: random and numeric, enough to exercise both paths."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = SeedGenerator(seed)

    def call(self, x):
        noise = self.backend.random.uniform(self.backend.shape(x), seed=self.draw_seed(), dtype=self.compute_dtype)
        return self.backend.numpy.add(x, noise)


def test_host_data_is_computed_on_numpy_and_returned_as_numpy():
    out = AddUniformNoise(seed=3)(np.zeros((4, 5)))
    assert type(out) is np.ndarray and out.dtype == np.float32
    assert np.all((out >= 0.0) & (out < 1.0)) and out.std() > 0.0


def test_backend_tensors_stay_on_the_backend():
    x = cornu.ops.zeros((4, 5))
    out = AddUniformNoise(seed=3)(x)
    assert backend.is_tensor(out)
    assert out.shape == (4, 5)


def test_inside_a_model_the_layer_runs_on_the_backend():
    inputs = cornu.Input((5,))
    model = cornu.Model(inputs, cornu.layers.Rescaling(2.0, offset=1.0)(inputs))
    x = np.arange(10, dtype="float32").reshape(2, 5)
    np.testing.assert_allclose(model.predict(x, verbose=0), x * 2.0 + 1.0)
    assert backend.is_tensor(model(x))


def test_existing_preprocessing_layers_return_numpy_on_host_data():
    x = np.array([[0.0, 255.0], [51.0, 102.0]])
    out = cornu.layers.Rescaling(1.0 / 255)(x)
    assert type(out) is np.ndarray
    np.testing.assert_allclose(out, x / 255.0, rtol=1e-6)

    norm = cornu.layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    np.testing.assert_allclose(norm(np.array([[3.0, 8.0]])), [[1.0, 2.0]], rtol=1e-6)
    assert type(norm(np.array([[3.0, 8.0]]))) is np.ndarray

    counts = cornu.layers.CategoryEncoding(num_tokens=4, output_mode="count")(np.array([[0, 1, 1], [3, 3, 2]]))
    np.testing.assert_array_equal(counts, [[1, 2, 0, 0], [0, 0, 1, 2]])
    multi = cornu.layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot")(np.array([[0, 1, 1], [3, 3, 2]]))
    np.testing.assert_array_equal(multi, [[1, 1, 0, 0], [0, 0, 1, 1]])
    assert type(multi) is np.ndarray


def test_adapted_statistics_are_read_on_numpy():
    data = np.random.default_rng(0).normal(3.0, 2.0, size=(256, 3)).astype("float32")
    norm = cornu.layers.Normalization()
    norm.adapt(data)
    expected = (data - data.mean(0)) / data.std(0)
    out = norm(data)
    assert type(out) is np.ndarray
    np.testing.assert_allclose(out, expected, atol=1e-4)
    np.testing.assert_allclose(backend.convert_to_numpy(norm(backend.convert_to_tensor(data))), expected, atol=1e-4)


def test_numpy_computation_is_per_thread():
    seen = []
    with namespaces.compute_on_numpy():
        thread = threading.Thread(target=lambda: seen.append(namespaces.current_namespace().name))
        thread.start()
        thread.join()
        assert namespaces.current_namespace().name == "numpy"
    assert seen == [backend.backend()]


def test_loading_the_numpy_namespace_keeps_the_chosen_backend_numpy_module():
    chosen = cornu.backend.numpy
    namespaces.numpy_namespace()
    importlib.import_module("cornu.backend.numpy.image")  # a direct import must not rebind it either

    assert cornu.backend.numpy is chosen
    assert cornu.backend.numpy.__name__ == f"cornu.backend.{backend.backend()}.numpy"


def test_only_numpy_and_the_chosen_backend_can_run_preprocessing():
    other = "torch" if backend.backend() != "torch" else "jax"
    with pytest.raises(ValueError, match="Only the chosen backend and NumPy"):
        namespaces.namespace(other)


def test_host_data_detection():
    assert holds_only_host_data((np.zeros(2),), {})
    assert holds_only_host_data((["a b", "c"],), {})
    assert holds_only_host_data(({"images": np.zeros((1, 2, 2, 3)), "labels": np.zeros(1)},))
    assert not holds_only_host_data((cornu.KerasTensor((2,)),))
    if backend.backend() != "numpy":  # on NumPy, backend tensors are host data
        assert not holds_only_host_data((cornu.ops.zeros(2),))
        assert not holds_only_host_data((np.zeros(2), cornu.ops.zeros(2)))


def test_seeded_layers_repeat_on_host_data():
    a = AddUniformNoise(seed=7)(np.zeros((3, 3)))
    b = AddUniformNoise(seed=7)(np.zeros((3, 3)))
    np.testing.assert_array_equal(a, b)
