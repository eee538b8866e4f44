"""What ``fit`` leaves in the optimizer and model at the end, side by side with Keras:
``use_ema`` ends on the EMA weights, and a ``LossScaleOptimizer`` saves its whole state
(its own variables and the inner optimizer's)."""

import numpy as np
import pytest

import cornu as keras


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = rng.normal(size=(32, 2)).astype("float32")
    return x, y


def _fit(module, weights, optimizer):
    model = module.Sequential([module.Input((4,)), module.layers.Dense(2)])
    model.set_weights(weights)
    model.compile(optimizer=optimizer, loss="mse")
    x, y = _data()
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    return model


@pytest.mark.requires_trainable_backend
def test_use_ema_ends_fit_on_the_ema_weights_like_keras(keras_ref):
    rng = np.random.default_rng(1)
    weights = [rng.normal(size=(4, 2)).astype("float32"), np.zeros(2, "float32")]
    ours = _fit(keras, weights, keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5))
    theirs = _fit(keras_ref, weights, keras_ref.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5))
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    plain = _fit(keras, weights, keras.optimizers.SGD(0.1))
    assert not np.allclose(plain.get_weights()[0], ours.get_weights()[0])


def test_loss_scale_optimizer_state_is_saved_whole_like_keras(keras_ref, tmp_path):
    def build(module):
        model = module.Sequential([module.Input((4,)), module.layers.Dense(2)])
        optimizer = module.optimizers.LossScaleOptimizer(module.optimizers.SGD(0.1, momentum=0.5))
        optimizer.build(model.trainable_variables)
        return optimizer

    ours, theirs = build(keras), build(keras_ref)
    assert len(ours.variables) == len(theirs.variables) == 8
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]
    values = [np.full(v.shape, i + 1.0, dtype=np.asarray(v.numpy()).dtype) for i, v in enumerate(theirs.variables)]
    ours.set_weights(values)
    assert len(ours.get_weights()) == 8
    store = {}
    ours.save_own_variables(store)
    assert sorted(store, key=int) == [str(i) for i in range(8)]
    fresh = build(keras)
    fresh.load_own_variables(store)
    for a, b in zip(fresh.get_weights(), values):
        np.testing.assert_array_equal(a, b)
