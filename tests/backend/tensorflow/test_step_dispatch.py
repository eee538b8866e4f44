"""The TF step's direct dispatch: a batch of tensors calls its signature's concrete function
(skipping ``tf.function``'s argument binding), one per shape; other batches take the
``tf.function`` path. Results equal a plain NumPy computation either way."""

import numpy as np
import pytest

from cornu import backend

pytestmark = pytest.mark.skipif(backend.backend() != "tensorflow", reason="the TensorFlow backend's step functions")

if backend.backend() == "tensorflow":
    import tensorflow as tf

    from cornu.backend.tensorflow.step_functions import StepFunctions


def _functions():
    total = tf.Variable(0.0)

    def step(data):
        x, y = data
        total.assign_add(tf.reduce_sum(x))
        return {"loss": tf.reduce_mean(x * y), "total": tf.identity(total)}

    return StepFunctions(step, "train", jit_compile=False)


def test_tensor_batches_reuse_one_concrete_function_per_shape():
    functions = _functions()
    rng = np.random.default_rng(0)
    batches = [(rng.normal(size=(n, 3)).astype("float32"), rng.normal(size=(n, 3)).astype("float32"))
               for n in (4, 4, 2)]
    expected_total = 0.0
    for x, y in batches:
        logs = functions((tf.constant(x), tf.constant(y)))
        expected_total += x.sum(dtype="float64")
        np.testing.assert_allclose(logs["loss"].numpy(), (x * y).mean(), rtol=1e-6)
        np.testing.assert_allclose(logs["total"].numpy(), expected_total, rtol=1e-5)
    assert len(functions._concrete) == 2  # batch 4 once, then the smaller last batch


def test_numpy_batches_take_the_tf_function_path():
    functions = _functions()
    x = np.ones((3, 2), "float32")
    logs = functions((x, 2 * x))
    assert float(logs["loss"]) == 2.0 and float(logs["total"]) == 6.0
    assert functions._concrete == {}


def test_many_shapes_stop_adding_concrete_functions():
    functions = _functions()
    for n in range(1, 21):  # variable-length batches: past the cap, the tf.function path
        x = np.full((n, 3), 0.5, "float32")
        logs = functions((tf.constant(x), tf.constant(x)))
        assert float(logs["loss"]) == 0.25
    assert len(functions._concrete) == 16
