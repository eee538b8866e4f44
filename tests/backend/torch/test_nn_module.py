"""On torch every cornu layer and model is a real ``torch.nn.Module``: PyTorch code (``.to()``,
``state_dict``, ``torch.optim``, ``torch.nn.Sequential``, ``torch.compile``, DDP) takes cornu
models as they are, and the module tree stays in step with cornu's own variables."""


import numpy as np
import pytest

from cornu import backend

if backend.backend() != "torch":
    pytest.skip("cornu layers are torch.nn.Modules only under the torch backend (CORNU_BACKEND=torch)",
                allow_module_level=True)

import torch  # noqa: E402

import cornu  # noqa: E402
from cornu import layers  # noqa: E402


def _mlp(seed=0):
    cornu.utils.set_random_seed(seed)
    return cornu.Sequential([
        cornu.Input((3,)),
        layers.Dense(4, activation="relu"),
        layers.BatchNormalization(),
        layers.Dropout(0.5),
        layers.Dense(2),
    ])


class _Block(cornu.Model):
    def __init__(self):
        super().__init__()
        self.encoder = layers.Dense(4, activation="relu")
        self.heads = [layers.Dense(2), layers.Dense(2)]

    def call(self, x):
        h = self.encoder(x)
        return self.heads[0](h) + self.heads[1](h)


def _x(n=5):
    return np.random.default_rng(1).normal(size=(n, 3)).astype("float32")


def _numpy_mlp(model, x):
    """The MLP's inference output computed with NumPy from its weights."""
    k1, b1, gamma, beta, mean, var, k2, b2 = model.get_weights()
    h = np.maximum(x @ k1 + b1, 0)
    h = (h - mean) / np.sqrt(var + 1e-3) * gamma + beta
    return h @ k2 + b2


def _predict(model, x):
    return backend.convert_to_numpy(model(x))


def test_layers_and_every_kind_of_model_are_modules():
    inputs = cornu.Input((3,))
    functional = cornu.Model(inputs, layers.Dense(2)(inputs))
    for obj in (layers.Dense(2), _mlp(), functional, _Block()):
        assert isinstance(obj, torch.nn.Module)


def test_state_dict_keys_are_stable_names():
    model = _mlp()
    assert list(model.state_dict()) == [
        "0.kernel", "0.bias", "1.gamma", "1.beta", "1.moving_mean", "1.moving_variance",
        "2.seed_generator_state", "3.kernel", "3.bias",
    ]
    # A second model built the same way (its layers auto-named differently) has the same keys.
    assert list(_mlp(seed=1).state_dict()) == list(model.state_dict())
    block = _Block()
    block(_x())
    assert list(block.state_dict()) == [
        "encoder.kernel", "encoder.bias", "heads.0.kernel", "heads.0.bias", "heads.1.kernel", "heads.1.bias",
    ]
    assert block.get_parameter("heads.1.kernel") is block.heads[1].kernel.value
    assert block.get_submodule("heads.0") is block.heads[0]


def test_state_dict_values_are_the_variables():
    model = _mlp()
    tensors = list(model.state_dict(keep_vars=True).values())
    # Weights and seed states, each once: the very tensors the variables hold.
    assert sorted(map(id, tensors)) == sorted(id(v.value) for v in model.variables)


def test_torch_save_round_trip_gives_identical_predictions(tmp_path):
    model, fresh = _mlp(seed=0), _mlp(seed=1)
    x = _x()
    # Change the BatchNormalization statistics too, so that they must travel.
    model.layers[1].moving_mean.assign(np.array([0.5, -0.5, 1.0, 0.0], "float32"))
    model.layers[1].moving_variance.assign(np.array([2.0, 0.5, 1.0, 3.0], "float32"))
    expected = _numpy_mlp(model, x)
    np.testing.assert_allclose(_predict(model, x), expected, rtol=1e-5, atol=1e-6)
    assert not np.allclose(_predict(fresh, x), expected)
    path = tmp_path / "model.pt"
    torch.save(model.state_dict(), path)
    result = fresh.load_state_dict(torch.load(path, weights_only=True))
    assert not result.missing_keys and not result.unexpected_keys
    np.testing.assert_array_equal(_predict(fresh, x), _predict(model, x))
    for a, b in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_load_state_dict_refuses_assign_and_unknown_keys():
    model = _mlp()
    state = model.state_dict()
    with pytest.raises(ValueError, match="assign"):
        model.load_state_dict(state, assign=True)
    with pytest.raises(RuntimeError, match="Unexpected key"):
        model.load_state_dict({**state, "9.kernel": torch.zeros(1)})


def test_to_device_and_same_dtype_keep_variables_and_numbers():
    model = _mlp()
    x = _x()
    before = _predict(model, x)
    values = [v.value for v in model.variables]
    assert model.to("cpu") is model
    assert model.to(torch.float32) is model
    assert [v.value for v in model.variables] == values  # same Parameter objects
    assert all(v.value.device.type == "cpu" for v in model.variables)
    assert [v.dtype for v in model.variables] == ["float32"] * 8 + ["int32"]
    np.testing.assert_array_equal(_predict(model, x), before)


def test_named_modules_children_and_parameters_without_duplicates():
    shared = layers.Dense(3, name="shared")
    inputs = cornu.Input((3,))
    functional = cornu.Model(inputs, shared(shared(inputs)))
    assert [name for name, _ in functional.named_modules()] == ["", "0", "1"]
    assert list(functional.children()) == functional.layers
    assert [p.shape for p in functional.parameters()] == [(3, 3), (3,)]

    class Twice(cornu.Model):
        def __init__(self):
            super().__init__()
            self.first = shared
            self.second = shared

        def call(self, x):
            return self.second(self.first(x))

    twice = Twice()
    assert len(list(twice.parameters())) == 2
    assert [name for name, _ in twice.named_modules()] == ["", "first"]
    assert list(twice.state_dict()) == ["first.kernel", "first.bias", "second.kernel", "second.bias"]


def test_sublayers_stay_plain_attributes():
    block = _Block()
    assert block.__dict__["encoder"] is block._modules["encoder"]
    replacement = layers.Dense(4)
    block.encoder = replacement
    assert block.__dict__["encoder"] is replacement and block._modules["encoder"] is replacement
    block.encoder = None
    assert "encoder" not in block._modules
    del block.encoder
    assert "encoder" not in block.__dict__
    assert "encoder" not in dict(block.named_children())


def test_train_and_eval_set_flags_but_training_follows_keras():
    model = _mlp()
    x = np.ones((4, 3), "float32")
    model.eval()
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    # As in Keras 3 on torch, `module.training` does not switch Dropout on: `training=True` does.
    np.testing.assert_allclose(_predict(model, x), _numpy_mlp(model, x), rtol=1e-5, atol=1e-6)
    hidden = cornu.Sequential([cornu.Input((1000,)), layers.Dropout(0.5)])
    ones = np.ones((1, 1000), "float32")
    np.testing.assert_array_equal(_predict(hidden, ones), ones)
    dropped = backend.convert_to_numpy(hidden(ones, training=True))
    assert 0.3 < float(np.mean(dropped == 0)) < 0.7


def test_plain_torch_training_loop_reaches_the_variables():
    model = _mlp()
    x, y = torch.tensor(_x(16)), torch.tensor(_x(16)[:, :2])
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    kernel = model.layers[0].kernel
    before = kernel.numpy()
    losses = []
    for _ in range(5):
        model.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        assert kernel.value.grad is not None
        optimizer.step()
        losses.append(float(loss))
    assert losses[-1] < losses[0]
    assert not np.allclose(kernel.numpy(), before)
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_inside_torch_sequential():
    model = _mlp()
    x = _x()
    stack = torch.nn.Sequential(model, torch.nn.ReLU())
    np.testing.assert_allclose(stack(torch.tensor(x)).detach().numpy(), np.maximum(_numpy_mlp(model, x), 0),
                               rtol=1e-5, atol=1e-6)
    assert [name for name, _ in stack.named_parameters()][:2] == ["0.0.kernel", "0.0.bias"]
    assert len(list(stack.parameters())) == len(model.variables)
    state = {k: v.clone() for k, v in stack.state_dict().items()}
    for variable in model.variables:
        if variable.dtype == "float32":
            variable.assign(np.zeros(variable.shape, "float32"))
    stack.load_state_dict(state)  # an outer torch module loads into the cornu variables
    np.testing.assert_array_equal(model.layers[0].kernel.numpy(), state["0.0.kernel"].numpy())


@pytest.mark.requires_trainable_backend
def test_state_dict_follows_fit_and_load_weights(tmp_path):
    model = _mlp()
    model.compile(optimizer="adam", loss="mse")
    keys = list(model.state_dict())
    model.fit(_x(8), _x(8)[:, :2], epochs=2, batch_size=4, verbose=0)
    assert list(model.state_dict()) == keys  # compile's metrics and the optimizer add no keys
    weights = [t for key, t in model.state_dict().items() if not key.endswith("seed_generator_state")]
    assert len(weights) == len(model.get_weights())
    for tensor, weight in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(tensor.numpy(), weight)
    path = str(tmp_path / "w.weights.h5")
    model.save_weights(path)
    other = _mlp(seed=3)
    other.load_weights(path)
    loaded, saved = other.state_dict(), model.state_dict()
    for key in saved:
        if not key.endswith("seed_generator_state"):  # weight files hold weights only
            np.testing.assert_array_equal(loaded[key].numpy(), saved[key].numpy())


def test_torch_compile_gives_the_same_numbers():
    model = _mlp()
    x = torch.tensor(_x())
    compiled = torch.compile(model, backend="eager")
    np.testing.assert_allclose(compiled(x).detach().numpy(), _numpy_mlp(model, _x()), rtol=1e-5, atol=1e-6)


def test_distributed_data_parallel_forward_backward(tmp_path):
    import torch.distributed as dist

    store = dist.FileStore(str(tmp_path / "store"), 1)
    dist.init_process_group("gloo", store=store, rank=0, world_size=1)
    try:
        model = _mlp()
        ddp = torch.nn.parallel.DistributedDataParallel(model)
        x = torch.tensor(_x())
        out = ddp(x)
        np.testing.assert_allclose(out.detach().numpy(), _numpy_mlp(model, _x()), rtol=1e-5, atol=1e-6)
        out.sum().backward()
        kernel = model.layers[0].kernel.value
        assert kernel.grad is not None and kernel.grad.shape == kernel.shape
    finally:
        dist.destroy_process_group()


def test_requires_grad_follows_trainable():
    model = _mlp()
    model.requires_grad_(False)
    assert model.trainable_weights == []
    assert not any(p.requires_grad for p in model.parameters())
    model.requires_grad_(True)
    assert len(model.trainable_weights) == 6  # the moving statistics stay non-trainable
    assert [k for k, p in model.named_parameters() if p.requires_grad] == [
        "0.kernel", "0.bias", "1.gamma", "1.beta", "3.kernel", "3.bias"]


def test_a_torch_module_attribute_is_wrapped():
    class WithTorch(cornu.Model):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(3, 2)

        def call(self, x):
            return self.linear(x)

    model = WithTorch()
    assert isinstance(model.linear, layers.TorchModuleWrapper)
    x = _x()
    linear = model.linear.module
    expected = x @ linear.weight.detach().numpy().T + linear.bias.detach().numpy()
    np.testing.assert_allclose(_predict(model, x), expected, rtol=1e-5, atol=1e-6)
    # The module's parameters appear once, under the torch module's own names.
    assert list(model.state_dict()) == ["linear.module.weight", "linear.module.bias"]
    assert len(list(model.parameters())) == 2
    loss = model(torch.tensor(x)).sum()
    loss.backward()
    assert all(v.value.grad is not None for v in model.trainable_variables)
