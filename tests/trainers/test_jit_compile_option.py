"""``compile(jit_compile=...)``: how each backend resolves it, and a compiled train step
(``jax.jit`` on JAX, ``torch.compile`` on torch) trains exactly like the eager one."""

import numpy as np
import pytest

import cornu as keras


def _fit(jit_compile, run_eagerly=False):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(24, 5)).astype("float32")
    y = rng.normal(size=(24, 1)).astype("float32")
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", jit_compile=jit_compile, run_eagerly=run_eagerly)
    history = model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    return model, history.history["loss"][0]


@pytest.mark.requires_trainable_backend
def test_compiled_step_trains_like_eager_step():
    eager, eager_loss = _fit(False, run_eagerly=True)
    compiled, compiled_loss = _fit(True)
    assert compiled.jit_compile is True
    assert eager.jit_compile is False
    np.testing.assert_allclose(compiled_loss, eager_loss, rtol=1e-5)
    for a, b in zip(compiled.get_weights(), eager.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _tensorflow_sees_an_accelerator():
    import tensorflow as tf

    return any(device.device_type != "CPU" for device in tf.config.list_physical_devices())


def test_auto_resolves_like_keras():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    # Keras: "auto" compiles on JAX (XLA), stays eager on torch; numpy never compiles; on
    # TensorFlow XLA only where a GPU/TPU is visible.
    expected = {"jax": True, "torch": False, "numpy": False,
                "tensorflow": _tensorflow_sees_an_accelerator()}[keras.backend.backend()]
    assert model.jit_compile is expected
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    assert model.jit_compile is False
