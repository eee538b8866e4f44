"""The step contract of ``cornu/backend/common/step_protocol.py``: the selected backend's
``step.py`` provides it, and the trainer hands a step everything it needs explicitly."""

import numpy as np
import pytest

import cornu
from cornu import backend
from cornu.backend.common import step_protocol
from cornu.backend.common.eager_runner import EagerRunner


def test_the_backend_step_module_is_complete():
    assert step_protocol.missing_step_names(backend.step()) == []


def test_an_incomplete_module_is_reported():
    class Partial:
        SUPPORTS_TRAINING = True
        SKIPS_UNREAD_STEP_RESULTS = "yes"  # not a bool

        @staticmethod
        def train_step(*args):
            return None

    missing = step_protocol.missing_step_names(Partial)
    assert set(missing) == {"test_step", "predict_step", "Runner", "SUPPORTS_JIT_COMPILE",
                            "JIT_COMPILE_BY_DEFAULT", "SKIPS_UNREAD_STEP_RESULTS"}


def test_runners_follow_the_runner_protocol():
    model = cornu.Sequential([cornu.Input((2,)), cornu.layers.Dense(1)])
    runner = backend.step().Runner(model, "predict")
    assert isinstance(runner, step_protocol.StepRunner) and runner.kind == "predict"


def test_eager_runner_joins_predict_outputs_and_keeps_the_last_logs():
    class Runner(EagerRunner):
        concatenate = staticmethod(np.concatenate)

    predict = Runner(None, "predict")
    predict.start(lambda data: {"out": data * 2})
    joined = predict.run_group([np.ones((2, 1)), np.zeros((3, 1))])
    np.testing.assert_array_equal(joined["out"], [[2], [2], [0], [0], [0]])
    test = Runner(None, "test")
    test.start(lambda data: {"loss": float(data)})
    assert test.run_group([1.0, 2.0, 3.0]) == {"loss": 3.0}
    assert test.run(4.0) == {"loss": 4.0}


def test_jit_compile_resolves_from_the_backend_constants():
    steps = backend.step()
    model = cornu.Sequential([cornu.Input((2,)), cornu.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert model.jit_compile is (steps.SUPPORTS_JIT_COMPILE and steps.JIT_COMPILE_BY_DEFAULT)
    model.compile(optimizer="sgd", loss="mse", jit_compile=True, run_eagerly=True)
    assert model.jit_compile is False


@pytest.mark.skipif(backend.step().SUPPORTS_TRAINING, reason="an inference-only backend")
def test_an_inference_only_backend_refuses_fit_before_any_work():
    model = cornu.Sequential([cornu.Input((2,)), cornu.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(NotImplementedError, match="inference-only"):
        model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), verbose=0)


@pytest.mark.requires_trainable_backend
def test_the_default_train_step_trains_only_what_is_trainable_when_fit_starts():
    first, second = cornu.layers.Dense(1, name="first"), cornu.layers.Dense(1, name="second")
    model = cornu.Sequential([cornu.Input((2,)), first, second])
    second.trainable = False
    model.compile(optimizer=cornu.optimizers.SGD(0.1), loss="mse")
    frozen = [w.copy() for w in second.get_weights()]
    before = [w.copy() for w in first.get_weights()]
    model.fit(np.ones((8, 2), "float32"), np.full((8, 1), 3.0, "float32"), batch_size=4, verbose=0)
    for a, b in zip(frozen, second.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert any(not np.allclose(a, b) for a, b in zip(before, first.get_weights()))
    assert not hasattr(model, "_step_trainable")
