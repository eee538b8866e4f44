"""``jit_compile=True`` on torch: the default training step is captured by ``torch.compile`` as
ONE graph (forward, gradients, optimizer update and metric updates), with no graph break and
no recompilation, and it trains to the eager step's numbers.

Graph capture is checked with the "aot_eager" compile backend (the same graph, without code
generation, which costs tens of seconds per model on a busy CPU); one test runs inductor's
generated code on the MLP."""

import numpy as np
import pytest

from cornu import backend

if backend.backend() != "torch":
    pytest.skip("the compiled training step is torch's (CORNU_BACKEND=torch)", allow_module_level=True)

import torch  # noqa: E402
from torch._dynamo.utils import counters  # noqa: E402

import cornu  # noqa: E402
from bench.workloads import cnn, lstm, mlp, transformer  # noqa: E402
from cornu.backend.torch import compiled_step  # noqa: E402

pytestmark = pytest.mark.requires_trainable_backend

STEPS = 4  # the first runs eagerly (it builds and settles everything), the next three compiled
WORKLOADS = {"mlp": mlp, "cnn": cnn, "lstm": lstm, "transformer": transformer}


@pytest.fixture
def capture_only(monkeypatch):
    """Graph capture without code generation, and any graph break an error."""
    monkeypatch.setattr(compiled_step, "COMPILE_BACKEND", "aot_eager")
    monkeypatch.setattr(compiled_step, "FULL_GRAPH", True)
    counters.clear()
    yield
    torch._dynamo.reset()


def _train(workload, jit_compile, metrics=("accuracy",)):
    cornu.utils.set_random_seed(3)
    cfg = workload.TINY
    model = workload.build(cornu, cfg)
    model.compile(
        optimizer=cornu.optimizers.Adam(learning_rate=1e-2),
        loss=cornu.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=list(metrics),
        jit_compile=jit_compile,
    )
    x, y = workload.data(cfg, cfg["batch_size"] * STEPS, np.random.default_rng(0))
    history = model.fit(x, y, batch_size=cfg["batch_size"], epochs=STEPS, steps_per_epoch=1, shuffle=False,
                        verbose=0)
    return model, history.history


def _assert_one_graph_without_breaks():
    assert sum(counters["graph_break"].values()) == 0, dict(counters["graph_break"])
    assert counters["stats"]["unique_graphs"] == 1, dict(counters["stats"])


@pytest.mark.parametrize("name", sorted(WORKLOADS))
def test_compiled_step_is_one_graph_with_eager_numbers(name, capture_only):
    workload = WORKLOADS[name]
    eager_model, eager_history = _train(workload, jit_compile=False)
    assert counters["stats"]["unique_graphs"] == 0
    compiled_model, compiled_history = _train(workload, jit_compile=True)
    _assert_one_graph_without_breaks()
    for key in ("loss", "accuracy"):
        np.testing.assert_allclose(compiled_history[key], eager_history[key], rtol=1e-5, atol=1e-5)
    for eager_weight, compiled_weight in zip(eager_model.weights, compiled_model.weights):
        np.testing.assert_allclose(compiled_weight.numpy(), eager_weight.numpy(), rtol=1e-5, atol=1e-5)
    # The optimizer's state came out of the graph into its variables too.
    assert int(compiled_model.optimizer.iterations.numpy()) == STEPS
    for eager_slot, compiled_slot in zip(eager_model.optimizer.variables, compiled_model.optimizer.variables):
        np.testing.assert_allclose(compiled_slot.numpy(), eager_slot.numpy(), rtol=1e-5, atol=1e-6)


def test_dropout_and_batch_norm_run_in_the_graph(capture_only):
    """Dropout draws from torch's generator inside a compiled graph (not the eager masks), so
    this model checks capture and state updates, not equality with eager."""
    cornu.utils.set_random_seed(0)
    model = cornu.Sequential([
        cornu.Input((6,)),
        cornu.layers.Dense(8, activation="relu"),
        cornu.layers.BatchNormalization(),
        cornu.layers.Dropout(0.5),
        cornu.layers.Dense(1),
    ])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"], jit_compile=True)
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((32, 6)).astype("float32"), rng.standard_normal((32, 1)).astype("float32")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)  # the first step builds and runs eagerly
    moving_mean = model.layers[1].moving_mean.numpy().copy()
    kernel = model.layers[0].kernel.numpy().copy()
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    _assert_one_graph_without_breaks()
    assert np.all(np.isfinite(history.history["loss"]))
    assert not np.allclose(model.layers[1].moving_mean.numpy(), moving_mean)
    assert not np.allclose(model.layers[0].kernel.numpy(), kernel)
    # Two compiled steps on the same batch draw different dropout masks.
    first = model.train_on_batch(x[:8], y[:8], return_dict=True)["loss"]
    kernel_before = model.layers[0].kernel.numpy().copy()
    model.optimizer.learning_rate.assign(0.0)
    losses = [model.train_on_batch(x[:8], y[:8], return_dict=True)["loss"] for _ in range(2)]
    np.testing.assert_allclose(model.layers[0].kernel.numpy(), kernel_before)
    assert np.isfinite(first) and losses[0] != losses[1]


def test_inductor_step_gives_eager_numbers(monkeypatch):
    """The generated code (inductor, C++ on CPU) trains to the eager step's numbers."""
    monkeypatch.setattr(compiled_step, "FULL_GRAPH", True)
    counters.clear()
    try:
        eager_model, eager_history = _train(mlp, jit_compile=False, metrics=())
        compiled_model, compiled_history = _train(mlp, jit_compile=True, metrics=())
        _assert_one_graph_without_breaks()
    finally:
        torch._dynamo.reset()
    np.testing.assert_allclose(compiled_history["loss"], eager_history["loss"], rtol=1e-5, atol=1e-5)
    for eager_weight, compiled_weight in zip(eager_model.weights, compiled_model.weights):
        np.testing.assert_allclose(compiled_weight.numpy(), eager_weight.numpy(), rtol=1e-5, atol=1e-5)


def _train_gpu_workload(name, jit_compile, precision):
    from bench.gpu import configs, keras_models
    cornu.utils.set_random_seed(3)
    cfg = dict(configs.size(name, "tiny"), precision=precision)
    model = keras_models.compile_model(cornu, keras_models.build(cornu, name, cfg), jit_compile=jit_compile)
    x, y = keras_models.data(name, dict(cfg, batch_size=cfg["batch_size"] * STEPS))
    history = model.fit(x, y, batch_size=cfg["batch_size"], epochs=STEPS, steps_per_epoch=1, shuffle=False,
                        verbose=0)
    return model, history.history


def test_an_lstm_on_float_inputs_compiles_with_eager_numbers(capture_only):
    """An LSTM straight on the model's float inputs, which need no gradient (torch's own
    unrolling of its LSTM kernel fails to differentiate that case)."""
    eager_model, eager_history = _train_gpu_workload("lstm", False, "float32")
    compiled_model, compiled_history = _train_gpu_workload("lstm", True, "float32")
    _assert_one_graph_without_breaks()
    np.testing.assert_allclose(compiled_history["loss"], eager_history["loss"], rtol=1e-5, atol=1e-5)
    for eager_weight, compiled_weight in zip(eager_model.weights, compiled_model.weights):
        np.testing.assert_allclose(compiled_weight.numpy(), eager_weight.numpy(), rtol=1e-4, atol=1e-4)


def test_a_mixed_precision_step_is_one_graph_that_never_recompiles(capture_only):
    """bench/gpu's GPT (causal attention, bf16 autocast) at toy size. Each of the STEPS
    epochs calls the compiled step again: a guard that a later epoch fails (a type first met
    after the first step, say) would show as a second graph."""
    _, history = _train_gpu_workload("gpt", True, "mixed_bfloat16")
    _assert_one_graph_without_breaks()
    assert np.all(np.isfinite(history["loss"]))


def test_a_new_batch_shape_compiles_a_second_graph_with_eager_numbers(capture_only):
    """Dynamo guards the step's data and state arguments only (not the model's Python
    attributes): a last, smaller batch must still fail the shape guards and get its own graph."""
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((10, 3)).astype("float32"), rng.standard_normal((10, 1)).astype("float32")

    def fit(jit_compile):
        cornu.utils.set_random_seed(1)
        model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(4, activation="relu"), cornu.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse", metrics=["mae"], jit_compile=jit_compile)
        return model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history

    eager = fit(False)
    compiled = fit(True)
    assert counters["stats"]["unique_graphs"] == 2, dict(counters["stats"])
    assert sum(counters["graph_break"].values()) == 0, dict(counters["graph_break"])
    for key in ("loss", "mae"):
        np.testing.assert_allclose(compiled[key], eager[key], rtol=1e-5, atol=1e-6)


def test_an_lstm_keeps_the_fused_onednn_kernels_in_the_graph(capture_only, monkeypatch):
    """On CPU the compiled step calls oneDNN's LSTM kernels (as eager does), not a time loop."""
    from cornu.backend.torch import rnn

    if not rnn._HAS_MKLDNN:
        pytest.skip("this torch build has no oneDNN")
    calls = []

    def counted(*args):
        calls.append(1)
        return rnn_mkldnn_lstm(*args)

    rnn_mkldnn_lstm = rnn.mkldnn_lstm
    monkeypatch.setattr(rnn, "mkldnn_lstm", counted)
    _train(lstm, jit_compile=True, metrics=())
    _assert_one_graph_without_breaks()
    assert calls, "the compiled LSTM step did not use the fused kernels"
