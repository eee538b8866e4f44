"""TorchModuleWrapper: a torch.nn.Module whose parameters are the layer's variables (torch backend only).

Every number is checked against the wrapped module's own torch forward pass.
"""

import numpy as np
import pytest

import cornu
from cornu import layers

pytestmark = pytest.mark.skipif(
    cornu.backend.backend() != "torch", reason="TorchModuleWrapper wraps torch modules: torch backend only"
)


@pytest.fixture
def torch():
    import torch

    torch.manual_seed(0)
    return torch


def _forward(module, x):
    import torch

    with torch.no_grad():
        return module(torch.as_tensor(x)).numpy()


def _numpy(x):
    return cornu.ops.convert_to_numpy(x)


def test_functional_model_trains_the_wrapped_module(torch):
    linear = torch.nn.Linear(3, 4)
    start = linear.weight.detach().clone()
    inputs = layers.Input((3,))
    wrapper = layers.TorchModuleWrapper(linear)
    hidden = wrapper(inputs)
    assert hidden.shape == (None, 4)
    model = cornu.Model(inputs, layers.Dense(1)(hidden))
    model.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(0)
    x = rng.random((32, 3), dtype="float32")
    y = x.sum(axis=1, keepdims=True)
    losses = model.fit(x, y, epochs=4, batch_size=8, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    # fit trained the torch module itself, and the layer computes exactly what the module does.
    assert not torch.allclose(linear.weight, start)
    np.testing.assert_allclose(_numpy(wrapper(x)), _forward(linear, x), rtol=1e-6)
    dense = model.layers[-1]
    expected = _forward(linear, x) @ dense.kernel.numpy() + dense.bias.numpy()
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_variables_are_the_module_parameters_and_share_its_storage(torch):
    linear = torch.nn.Linear(3, 2)
    original_weight = linear.weight
    wrapper = layers.TorchModuleWrapper(linear)
    assert [tuple(v.shape) for v in wrapper.weights] == [(2, 3), (2,)]
    assert all(v.trainable for v in wrapper.weights)
    # The module computes with the variables' tensors (so gradients reach them) ...
    assert wrapper.weights[0].value is linear.weight
    assert list(wrapper.parameters()) == list(linear.parameters())
    # ... and a reference taken before wrapping still sees the values the optimizer writes.
    wrapper.weights[0].assign(np.full((2, 3), 0.5, "float32"))
    np.testing.assert_array_equal(original_weight.detach().numpy(), np.full((2, 3), 0.5))


def test_frozen_and_tied_parameters(torch):
    class Tied(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encode = torch.nn.Linear(3, 3, bias=False)
            self.decode = torch.nn.Linear(3, 3, bias=False)
            self.decode.weight = self.encode.weight
            self.scale = torch.nn.Parameter(torch.ones(3), requires_grad=False)

        def forward(self, x):
            return self.decode(self.encode(x)) * self.scale

    module = Tied()
    wrapper = layers.TorchModuleWrapper(module)
    assert [v.trainable for v in wrapper.weights] == [True, False]  # one variable for the tied pair
    assert module.encode.weight is module.decode.weight is wrapper.weights[0].value
    x = np.random.default_rng(1).random((2, 3), dtype="float32")
    np.testing.assert_allclose(_numpy(wrapper(x)), _forward(module, x), rtol=1e-6)


def test_lazy_module_is_materialized_from_the_input_shape(torch):
    wrapper = layers.TorchModuleWrapper(torch.nn.LazyLinear(5))
    assert not wrapper.built
    output = wrapper(layers.Input((7,)))
    assert output.shape == (None, 5)
    assert wrapper.built and [tuple(v.shape) for v in wrapper.weights] == [(5, 7), (5,)]
    x = np.random.default_rng(2).random((3, 7), dtype="float32")
    np.testing.assert_allclose(_numpy(wrapper(x)), _forward(wrapper.module, x), rtol=1e-6)
    assert wrapper.get_build_config() == {"input_shape": [None, 7]}

    eager = layers.TorchModuleWrapper(torch.nn.Sequential(torch.nn.LazyConv2d(4, 3), torch.nn.ReLU()))
    images = np.random.default_rng(3).random((2, 1, 6, 6), dtype="float32")
    np.testing.assert_allclose(_numpy(eager(images)), _forward(eager.module, images), rtol=1e-5)
    assert [tuple(v.shape) for v in eager.weights] == [(4, 1, 3, 3), (4,)]


def test_output_shape_argument_and_inferred_specs(torch):
    given = layers.TorchModuleWrapper(torch.nn.Linear(3, 4), output_shape=(None, 4))
    assert given.compute_output_shape((None, 3)) == (None, 4)
    assert given(layers.Input((3,))).shape == (None, 4)

    conv = torch.nn.Sequential(torch.nn.Conv2d(2, 5, 3), torch.nn.BatchNorm2d(5), torch.nn.Flatten())
    wrapper = layers.TorchModuleWrapper(conv)
    running_mean = conv[1].running_mean.clone()
    spec = wrapper.compute_output_spec(cornu.KerasTensor((None, 2, 8, 8)))
    assert spec.shape == (None, 5 * 6 * 6) and spec.dtype == "float32"
    assert wrapper.compute_output_shape((4, 2, 8, 8)) == (4, 180)
    # Shape inference neither updates batch statistics nor leaves the module in another mode.
    assert torch.equal(conv[1].running_mean, running_mean) and conv.training


def test_training_argument_selects_the_module_mode(torch):
    module = torch.nn.Sequential(torch.nn.Dropout(0.5))
    wrapper = layers.TorchModuleWrapper(module)
    x = np.ones((4, 50), "float32")
    np.testing.assert_array_equal(_numpy(wrapper(x, training=False)), x)
    assert not module.training
    dropped = _numpy(wrapper(x, training=True))
    assert module.training and (dropped == 0).any() and set(np.unique(dropped)) <= {0.0, 2.0}


def test_config_round_trip_refuses_pickles_in_safe_mode(torch):
    linear = torch.nn.Linear(3, 2)
    wrapper = layers.TorchModuleWrapper(linear, name="wrapped", output_shape=(None, 2))
    config = wrapper.get_config()
    # Keras's keys: the module is base64 of `torch.save` output.
    assert sorted(config) == ["dtype", "module", "name", "output_shape", "trainable"]
    assert config["output_shape"] == (None, 2)
    with pytest.raises(ValueError, match="safe_mode=False"):
        layers.TorchModuleWrapper.from_config(config)
    with pytest.raises(ValueError, match="arbitrary code"):
        cornu.layers.deserialize(cornu.layers.serialize(wrapper))
    restored = layers.TorchModuleWrapper.from_config(config, safe_mode=False)
    assert restored.name == "wrapped" and restored.output_shape == (None, 2)
    x = np.random.default_rng(4).random((3, 3), dtype="float32")
    np.testing.assert_allclose(_numpy(restored(x)), _forward(linear, x), rtol=1e-6)
    assert restored.module is not linear


def test_weights_file_holds_the_state_dict(torch, tmp_path):
    def build():
        module = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
        inputs = layers.Input((3,))
        return cornu.Model(inputs, layers.TorchModuleWrapper(module)(inputs)), module

    model, module = build()
    module[1].running_mean.fill_(0.25)  # a buffer: saved through `state_dict`, not `parameters()`
    path = str(tmp_path / "model.weights.h5")
    model.save_weights(path)
    fresh, fresh_module = build()
    fresh.load_weights(path)
    for key, value in module.state_dict().items():
        assert torch.equal(fresh_module.state_dict()[key], value), key
    x = np.random.default_rng(5).random((4, 3), dtype="float32")
    np.testing.assert_allclose(fresh.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)

    import h5py

    with h5py.File(path) as f:
        group = f["layers/torch_module_wrapper/vars"]
        assert sorted(group) == sorted(module.state_dict())


def test_keras_file_loads_only_with_safe_mode_off(torch, tmp_path):
    inputs = layers.Input((3,))
    outputs = layers.Dense(2)(layers.TorchModuleWrapper(torch.nn.Linear(3, 4))(inputs))
    model = cornu.Model(inputs, outputs)
    path = str(tmp_path / "model.keras")
    model.save(path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        cornu.saving.load_model(path)
    loaded = cornu.saving.load_model(path, safe_mode=False)
    x = np.random.default_rng(6).random((4, 3), dtype="float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_rejects_what_is_not_a_torch_module(torch):
    with pytest.raises(ValueError, match="torch.nn.Module"):
        layers.TorchModuleWrapper(layers.Dense(2))
    with pytest.raises(ValueError, match="torch.nn.Module"):
        layers.TorchModuleWrapper(lambda x: x)


def test_subclassed_model_builds_a_lazy_module_during_fit(torch):
    class Regressor(cornu.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.TorchModuleWrapper(torch.nn.Linear(3, 8))
            self.head = layers.TorchModuleWrapper(torch.nn.LazyLinear(1))

        def call(self, x):
            return self.head(torch.relu(self.hidden(x)))

    model = Regressor()
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(7)
    x = rng.random((32, 3), dtype="float32")
    y = x.sum(axis=1, keepdims=True)
    # fit builds the model symbolically first (shape inference on meta tensors materializes the lazy head).
    losses = model.fit(x, y, epochs=3, batch_size=8, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    assert len(model.trainable_weights) == 4
    head = model.head.module
    assert head.weight.device.type != "meta" and head.weight is model.head.weights[0].value
    expected = _forward(head, np.maximum(_forward(model.hidden.module, x), 0))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


_KERAS_ON_TORCH = """
import os, sys
os.environ["KERAS_BACKEND"] = "torch"
import numpy as np, torch, keras
x = np.linspace(0, 1, 12, dtype="float32").reshape(4, 3)
if sys.argv[1] == "save":
    torch.manual_seed(0)
    inputs = keras.Input((3,))
    hidden = keras.layers.TorchModuleWrapper(torch.nn.Linear(3, 4), output_shape=(None, 4))(inputs)
    model = keras.Model(inputs, keras.layers.Dense(2)(hidden))
    model.save(sys.argv[2])
else:
    model = keras.saving.load_model(sys.argv[2], safe_mode=False)
np.save(sys.argv[3], model.predict(x, verbose=0))
"""


def test_keras_files_move_both_ways_with_keras_on_torch(torch, tmp_path):
    """A model saved by the real Keras (torch backend) loads in cornu, and cornu's file loads back in Keras."""
    import subprocess
    import sys

    from tests.helpers.requirements import require_installed

    require_installed("keras", "keras==3.15.1")

    def keras_run(*args):
        out = subprocess.run([sys.executable, "-c", _KERAS_ON_TORCH, *map(str, args)], capture_output=True,
                             text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-3000:]

    x = np.linspace(0, 1, 12, dtype="float32").reshape(4, 3)
    keras_file, keras_out = tmp_path / "keras.keras", tmp_path / "keras.npy"
    keras_run("save", keras_file, keras_out)
    model = cornu.saving.load_model(str(keras_file), safe_mode=False)
    np.testing.assert_allclose(model.predict(x, verbose=0), np.load(keras_out), rtol=1e-6)

    cornu_file, back_out = tmp_path / "cornu.keras", tmp_path / "back.npy"
    model.save(str(cornu_file))
    keras_run("load", cornu_file, back_out)
    np.testing.assert_allclose(np.load(back_out), np.load(keras_out), rtol=1e-6)
