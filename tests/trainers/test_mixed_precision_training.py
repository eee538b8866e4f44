"""Training under ``mixed_float16`` / ``mixed_bfloat16``: compile wraps the optimizer in a
``LossScaleOptimizer`` for float16 (``auto_scale_loss``, as Keras), variables stay float32,
and the model learns."""

import numpy as np
import pytest

import cornu as keras

pytestmark = pytest.mark.requires_trainable_backend


@pytest.fixture
def policy():
    def use(name):
        keras.mixed_precision.set_global_policy(name)

    yield use
    keras.mixed_precision.set_global_policy("float32")


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 8)).astype("float32")
    y = (x[:, 0] - x[:, 1] > 0).astype("int32")
    return x, y


def _model():
    keras.utils.set_random_seed(0)
    return keras.Sequential([
        keras.Input((8,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(2),
        keras.layers.Activation("softmax", dtype="float32"),
    ])


@pytest.mark.parametrize("name", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_policy_trains_with_float32_variables(policy, name):
    policy(name)
    x, y = _data()
    model = _model()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    wrapped = isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    assert wrapped is (name == "mixed_float16")
    history = model.fit(x, y, batch_size=32, epochs=8, verbose=0)
    assert history.history["accuracy"][-1] >= 0.9, history.history
    assert all(v.dtype == "float32" for v in model.trainable_variables)
    assert model.predict(x[:4], verbose=0).dtype == np.float32
    if wrapped:
        # The dynamic scale starts at 2**15 and only moves by factors of two.
        scale = float(model.optimizer.dynamic_scale.numpy())
        assert scale > 0 and np.log2(scale) == int(np.log2(scale))


def test_auto_scale_loss_off_keeps_the_optimizer(policy):
    policy("mixed_float16")
    model = _model()
    optimizer = keras.optimizers.SGD(0.1)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", auto_scale_loss=False)
    assert model.optimizer is optimizer


def test_float32_policy_is_not_wrapped():
    model = _model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert not isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
