"""Structure walks remembered during fit/evaluate/predict still see every change of structure."""

import numpy as np
import pytest

import cornu
from cornu import layers
from cornu.backend.common.global_state import structure_cache


def _model():
    cornu.utils.set_random_seed(0)
    return cornu.Sequential([cornu.Input((3,)), layers.Dense(4, name="first"), layers.Dense(1, name="second")])


def test_memo_sees_new_variables_and_trainable_changes():
    model = _model()
    with structure_cache():
        assert len(model.trainable_weights) == 4
        model.get_layer("first").trainable = False
        assert len(model.trainable_weights) == 2
        model.get_layer("second").kernel.trainable = False
        assert len(model.trainable_weights) == 1
        with model.get_layer("second")._state_unlocked():
            extra = model.get_layer("second").add_weight(shape=(2,), name="extra")
        assert any(v is extra for v in model.weights)


def test_outside_fit_nothing_is_remembered():
    model = _model()
    before = model.get_layer("first").trainable_weights
    with model.get_layer("first")._state_unlocked():
        model.get_layer("first")._extra = cornu.backend.Variable(np.zeros(2, "float32"), name="late")
    assert len(model.get_layer("first").trainable_weights) == len(before) + 1


@pytest.mark.skipif(cornu.backend.backend() not in ("torch", "tensorflow"),
                    reason="eager (or per-epoch traced) training only: a compiled JAX step keeps "
                    "the optimizer's variable list until compile() is called again, as in Keras")
def test_freezing_a_layer_from_a_callback_stops_its_updates():
    model = _model()
    model.compile("sgd", "mse")
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)

    class Freeze(cornu.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                self.model.get_layer("first").trainable = False
                self.frozen = [w.numpy().copy() for w in self.model.get_layer("first").weights]

    freeze = Freeze()
    model.fit(x, y, batch_size=8, epochs=3, verbose=0, callbacks=[freeze])
    for before, after in zip(freeze.frozen, model.get_layer("first").weights):
        np.testing.assert_array_equal(before, after.numpy())


@pytest.mark.requires_trainable_backend
def test_batch_hooks_reach_the_callbacks_that_define_them():
    model = _model()
    model.compile("sgd", "mse")
    x = np.ones((16, 3), "float32")
    seen = {"train_end": [], "old_name": [], "test_begin": []}

    class TrainEnd(cornu.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen["train_end"].append((batch, sorted(logs)))

    class OldName(cornu.callbacks.Callback):  # on_batch_end is called by on_train_batch_end
        def on_batch_end(self, batch, logs=None):
            seen["old_name"].append(batch)

    class TestBegin(cornu.callbacks.Callback):
        def on_test_batch_begin(self, batch, logs=None):
            seen["test_begin"].append(batch)

    model.fit(x, x[:, :1], batch_size=8, epochs=1, verbose=0, validation_data=(x, x[:, :1]),
              callbacks=[TrainEnd(), OldName(), TestBegin()])
    assert seen["train_end"] == [(0, ["loss"]), (1, ["loss"])]
    assert seen["old_name"] == [0, 1]
    assert seen["test_begin"] == [0, 1]


@pytest.mark.skipif(cornu.backend.backend() != "jax", reason="the compiled JAX step's rule")
def test_jax_asks_for_a_recompile_when_trainable_changes_mid_fit():
    model = _model()
    model.compile("sgd", "mse")
    x = np.ones((16, 3), "float32")

    class Freeze(cornu.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.get_layer("first").trainable = False

    with pytest.raises(ValueError, match=r"call `model.compile\(...\)` again"):
        model.fit(x, x[:, :1], batch_size=8, epochs=2, verbose=0, callbacks=[Freeze()])
    model.compile("sgd", "mse")  # as the message says: then training goes on
    before = [w.numpy().copy() for w in model.get_layer("first").weights]
    model.fit(x, x[:, :1], batch_size=8, epochs=1, verbose=0)
    for b, w in zip(before, model.get_layer("first").weights):
        np.testing.assert_array_equal(b, w.numpy())
