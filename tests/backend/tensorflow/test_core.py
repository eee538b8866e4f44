"""The TensorFlow backend's core (``cornu/backend/tensorflow/core.py`` and ``layer.py``): cornu
Variables inside ``tf.function`` and under ``tf.GradientTape``, Keras's TensorFlow conversion
rules, shape inference on graph placeholders (``None`` dims stay unknown), control flow with
traced predicates, and layers saved by ``tf.train.Checkpoint`` and ``tf.saved_model``."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import cornu
from cornu import backend, ops

pytestmark = pytest.mark.skipif(backend.backend() != "tensorflow", reason="the TensorFlow backend's core")

if backend.backend() == "tensorflow":
    import tensorflow as tf

    from cornu.backend.tensorflow import core


# ------------------------------------------------------------------------------- Variable

def test_variable_holds_a_tf_variable_that_tf_ops_accept():
    v = backend.Variable(np.array([1.0, 2.0], "float32"), trainable=False, name="w")
    assert isinstance(v.value, tf.Variable) and v.value.trainable is False
    np.testing.assert_allclose(tf.reduce_sum(v * 2.0).numpy(), 6.0)
    np.testing.assert_allclose(tf.matmul(tf.ones((1, 2)), tf.reshape(v, (2, 1))).numpy(), [[3.0]])
    np.testing.assert_allclose(tf.convert_to_tensor(v).numpy(), [1.0, 2.0])
    assert not ops.is_tensor(v) and ops.is_tensor(ops.convert_to_tensor(v))


def test_assign_inside_a_tf_function_updates_the_variable():
    v = backend.Variable(np.array([1.0, 2.0], "float32"))

    @tf.function
    def step(delta):
        v.assign_add(delta)
        v.assign(v.value * 2.0)
        return ops.convert_to_tensor(v) + 1.0

    np.testing.assert_allclose(step(tf.ones(2)).numpy(), [5.0, 7.0])
    np.testing.assert_allclose(v.numpy(), [4.0, 6.0])
    np.testing.assert_allclose(step(tf.ones(2)).numpy(), [11.0, 15.0])  # the trace reads the new value
    np.testing.assert_allclose(v.numpy(), [10.0, 14.0])


def test_a_variable_first_created_inside_a_tf_function_is_initialized_eagerly():
    made = []

    @tf.function
    def step(x):
        if not made:
            made.append(backend.Variable("ones", shape=(2,), dtype="float32", name="lazy"))
        made[0].assign_add(x)
        return ops.sum(made[0])

    assert float(step(tf.ones(2))) == 4.0
    assert float(step(tf.ones(2))) == 6.0
    np.testing.assert_allclose(made[0].numpy(), [3.0, 3.0])


def test_gradient_tape_reaches_a_cornu_variable_through_ops():
    v = backend.Variable(np.array([1.0, -2.0, 3.0], "float32"))
    with tf.GradientTape() as tape:
        loss = ops.sum(v * v) + ops.sum(ops.convert_to_tensor(v) * 3.0)
    np.testing.assert_allclose(tape.gradient(loss, v).numpy(), 2 * v.numpy() + 3.0)

    @tf.function(jit_compile=True)
    def gradient():
        with tf.GradientTape() as tape:
            loss = ops.sum(ops.tanh(v))
        return tape.gradient(loss, [v])[0]

    np.testing.assert_allclose(gradient().numpy(), 1 - np.tanh(v.numpy()) ** 2, rtol=1e-5, atol=1e-6)  # XLA tanh


def test_unfreezing_a_variable_lets_the_tape_watch_it():
    v = backend.Variable(np.ones(2, "float32"), trainable=False)
    with tf.GradientTape() as tape:
        loss = ops.sum(v * 3.0)
    assert tape.gradient(loss, v) is None
    v.trainable = True
    with tf.GradientTape() as tape:
        loss = ops.sum(v * 3.0)
    np.testing.assert_allclose(tape.gradient(loss, v).numpy(), [3.0, 3.0])


def test_autocast_reads_the_cast_value_and_the_gradient_stays_float32():
    v = backend.Variable(np.array([1.0, 2.0], "float32"))
    with backend.AutocastScope("float16"):
        assert v.dtype == "float16" and ops.convert_to_tensor(v).dtype == tf.float16
        with tf.GradientTape() as tape:
            loss = ops.sum(v * 2.0)
    gradient = tape.gradient(loss, v)
    assert gradient.dtype == tf.float32
    np.testing.assert_allclose(gradient.numpy(), [2.0, 2.0])


def test_stateless_scope_inside_a_tf_function():
    v = backend.Variable(np.zeros(2, "float32"))

    @tf.function
    def pure(value):
        with backend.StatelessScope(state_mapping=[(v, value)]) as scope:
            v.assign(v.value + 5.0)
            read = ops.convert_to_tensor(v)
        return read, scope.get_current_value(v)

    read, updated = pure(tf.ones(2))
    np.testing.assert_allclose(read.numpy(), [6.0, 6.0])
    np.testing.assert_allclose(updated.numpy(), [6.0, 6.0])
    np.testing.assert_allclose(v.numpy(), [0.0, 0.0])  # never mutated


# --------------------------------------------------------------------------- conversions

# What Keras 3.15.1 gives on its TensorFlow backend (`keras.ops.convert_to_tensor(value).dtype`).
KERAS_TF_DTYPES = {
    "int": (1, "int32"), "float": (1.5, "float32"), "bool": (True, "bool"),
    "int_list": ([1, 2], "int32"), "mixed_list": ([1, 2.5], "float32"), "bool_list": ([True, False], "bool"),
    "nested": ([[1, 2], [3, 4]], "int32"), "f64": (np.ones(2), "float64"), "i64": (np.ones(2, "int64"), "int64"),
    "u8": (np.ones(2, "uint8"), "uint8"), "np_scalar": (np.float32(2), "float32"), "big_int": (2**40, "int64"),
    "str": ("a", "string"),
}
# Keras's TF backend with a dtype: ints for bools and floats for ints are converted, then cast.
KERAS_TF_CASTS = [(1.7, "int32", 1), ([1.5, -2.5], "int32", [1, -2]), (300, "uint8", 44), (2, "bool", True),
                  ([0, 3], "bool", [False, True]), (1, "float32", 1.0), (-1, "uint8", 255)]


@pytest.mark.parametrize("name", sorted(KERAS_TF_DTYPES))
def test_convert_to_tensor_dtypes_follow_keras_tensorflow(name):
    value, expected = KERAS_TF_DTYPES[name]
    assert backend.standardize_dtype(ops.convert_to_tensor(value).dtype) == expected


@pytest.mark.parametrize("value, dtype, expected", KERAS_TF_CASTS)
def test_convert_to_tensor_with_a_dtype_casts_as_keras_tensorflow(value, dtype, expected):
    out = ops.convert_to_tensor(value, dtype=dtype)
    assert backend.standardize_dtype(out.dtype) == dtype
    np.testing.assert_array_equal(ops.convert_to_numpy(out), expected)


def test_the_dtype_table_is_what_keras_on_tensorflow_gives():
    code = (
        "import json, numpy as np, keras\n"
        f"cases = {{k: v for k, (v, _) in {_table_source()}.items()}}\n"
        "print(json.dumps({k: keras.backend.standardize_dtype(keras.ops.convert_to_tensor(v).dtype) "
        "for k, v in cases.items()}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("CORNU_BACKEND",)}
    env["KERAS_BACKEND"] = "tensorflow"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=180)
    assert out.returncode == 0, out.stderr
    keras_dtypes = json.loads(out.stdout.strip().splitlines()[-1])
    assert keras_dtypes == {k: expected for k, (_, expected) in KERAS_TF_DTYPES.items()}


def _table_source():
    items = []
    for key, (value, expected) in KERAS_TF_DTYPES.items():
        if isinstance(value, np.ndarray):
            source = f"np.ones({value.shape}, {str(value.dtype)!r})"
        elif isinstance(value, np.generic):
            source = f"np.{value.dtype}({value.item()!r})"
        else:
            source = repr(value)
        items.append(f"{key!r}: ({source}, {expected!r})")
    return "{" + ", ".join(items) + "}"


def test_floatx_applies_to_python_floats():
    previous = backend.floatx()
    backend.set_floatx("float16")
    try:
        assert ops.convert_to_tensor(1.5).dtype == tf.float16
        assert ops.convert_to_tensor([1.0, 2]).dtype == tf.float16
    finally:
        backend.set_floatx(previous)


def test_lists_of_tensors_and_variables_are_stacked():
    v = backend.Variable(np.float32(2.0))
    out = ops.convert_to_tensor([tf.constant(1.0), v, 3.0])
    np.testing.assert_allclose(out.numpy(), [1.0, 2.0, 3.0])


def test_bfloat16_round_trips_through_numpy():
    import ml_dtypes

    t = ops.convert_to_tensor(np.array([1.5, -2.0], ml_dtypes.bfloat16))
    assert t.dtype == tf.bfloat16
    back = ops.convert_to_numpy(ops.cast([1.5, -2.0], "bfloat16"))
    assert back.dtype == ml_dtypes.bfloat16 and back.tolist() == [1.5, -2.0]


def test_convert_to_numpy_of_variables_and_sparse_tensors():
    np.testing.assert_array_equal(ops.convert_to_numpy(tf.Variable([1, 2])), [1, 2])
    np.testing.assert_array_equal(ops.convert_to_numpy(backend.Variable(np.ones(2, "float32"))), [1.0, 1.0])
    sparse = tf.SparseTensor(indices=[[0, 1]], values=[5.0], dense_shape=[2, 2])
    np.testing.assert_array_equal(ops.convert_to_numpy(sparse), [[0.0, 5.0], [0.0, 0.0]])
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.convert_to_tensor(sparse)), [[0.0, 5.0], [0.0, 0.0]])


def test_a_symbolic_tensor_has_no_numpy_value():
    @tf.function
    def fn(x):
        return ops.convert_to_numpy(x)

    with pytest.raises(ValueError, match="symbolic tf.Tensor"):
        fn(tf.ones(2))


def test_shape_gives_a_tensor_for_dims_unknown_while_tracing():
    @tf.function(input_signature=[tf.TensorSpec((None, 3), tf.float32)])
    def fn(x):
        batch, features = ops.shape(x)
        assert features == 3 and tf.is_tensor(batch)
        return ops.reshape(x, (batch * features,))

    assert fn(tf.ones((4, 3))).shape == (12,)
    assert ops.shape(tf.ones((2, 5))) == (2, 5)


# ------------------------------------------------------------------------- shape inference

def test_compute_output_spec_keeps_none_dims():
    w = backend.Variable(np.ones((3, 4), "float32"))
    out = backend.compute_output_spec(lambda x: ops.matmul(x, w) + 1.0, backend.KerasTensor((None, 5, 3)))
    assert out.shape == (None, 5, 4) and out.dtype == "float32"
    out = ops.concatenate([backend.KerasTensor((None, 2)), backend.KerasTensor((None, 3))], axis=1)
    assert out.shape == (None, 5)


def test_compute_output_spec_falls_back_to_concrete_sizes_for_python_shape_code():
    def needs_static(x):
        return tf.reshape(x, (x.shape[0] * 2, -1))  # `None * 2` fails on the unknown dim

    out = backend.compute_output_spec(needs_static, backend.KerasTensor((None, 4, 6)))
    assert out.shape == (None, 12)


def test_compute_output_spec_leaks_no_graph_tensors_into_variables():
    layer = cornu.layers.Dense(3)
    out = layer(backend.KerasTensor((None, 2)))  # builds inside shape inference
    assert out.shape == (None, 3)
    assert isinstance(layer.kernel.value, tf.Variable)
    assert layer.kernel.numpy().shape == (2, 3)  # a real, eager value
    counter = backend.Variable(np.zeros((), "float32"))

    def updates(x):
        counter.assign_add(1.0)
        return x * counter

    assert backend.compute_output_spec(updates, backend.KerasTensor((2,))).shape == (2,)
    assert float(counter.numpy()) == 0.0


# -------------------------------------------------------------------------- control flow

def test_control_flow_with_traced_predicates_and_bounds():
    @tf.function(input_signature=[tf.TensorSpec((None,), tf.float32)])
    def fn(x):
        flipped = ops.cond(ops.sum(x) > 0, lambda: x, lambda: -x)
        n = ops.shape(x)[0]
        total = ops.fori_loop(0, n, lambda i, acc: acc + ops.cast(i, "float32"), 0.0)
        count, _ = ops.while_loop(lambda i, v: v < 100.0, lambda i, v: (i + 1, v * 2.0), (0, 1.0))
        return flipped, total, count

    flipped, total, count = fn(tf.constant([-1.0, -2.0, -3.0]))
    np.testing.assert_allclose(flipped.numpy(), [1.0, 2.0, 3.0])
    assert float(total) == 3.0 and int(count) == 7
    assert ops.cond(True, lambda: 1, lambda: 2) == 1  # a Python predicate picks a branch directly
    assert int(ops.while_loop(lambda i: i < 10, lambda i: i + 1, 0, maximum_iterations=4)) == 4


def test_stop_gradient_and_remat():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        cut = ops.sum(x * ops.stop_gradient(x))
        rematerialized = cornu.remat(lambda v, scale=1.0: ops.sum(ops.sin(v) * scale))(x, scale=3.0)
    np.testing.assert_allclose(tape.gradient(cut, x).numpy(), [1.0, 2.0])
    np.testing.assert_allclose(tape.gradient(rematerialized, x).numpy(), 3.0 * np.cos([1.0, 2.0]), rtol=1e-6)


def test_device_scope_and_batches():
    with core.device_scope("cpu:0"):
        assert core.get_device() == "CPU:0"
        assert ops.convert_to_tensor([1.0]).device.endswith("CPU:0")
    with pytest.raises(ValueError, match="Unknown device"):
        core.device_scope("tpu:7")
    x, names = core.device_put_batch((np.ones(2, "float32"), np.array(["a"])))
    assert tf.is_tensor(x) and isinstance(names, np.ndarray)
    t = tf.ones(2)
    assert core.device_put_batch({"x": t})["x"] is t


# ------------------------------------------------------------------ TF saving of layers

def _model():
    model = cornu.Sequential([cornu.Input((4,)), cornu.layers.Dense(3), cornu.layers.BatchNormalization(),
                              cornu.layers.Dropout(0.5, seed=1), cornu.layers.Dense(1)])
    model(np.ones((2, 4), "float32"))
    return model


def test_tf_checkpoint_saves_and_restores_layer_variables(tmp_path):
    model = _model()
    path = tf.train.Checkpoint(model=model).save(str(tmp_path / "ckpt"))
    names = [name for name, _ in tf.train.list_variables(path)]
    assert "model/0/kernel/.ATTRIBUTES/VARIABLE_VALUE" in names
    assert "model/1/moving_mean/.ATTRIBUTES/VARIABLE_VALUE" in names
    assert "model/2/seed_generator_state/.ATTRIBUTES/VARIABLE_VALUE" in names
    weights = model.get_weights()
    model.set_weights([np.zeros_like(w) for w in weights])
    tf.train.Checkpoint(model=model).restore(path).assert_existing_objects_matched()
    for restored, saved in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(restored, saved)


def test_tf_saved_model_save_keeps_variables_and_tf_function_attributes(tmp_path):
    model = _model()
    model.serve = tf.function(lambda x: model(x, training=False), input_signature=[tf.TensorSpec((None, 4), tf.float32)])
    tf.saved_model.save(model, str(tmp_path / "saved"))
    restored = tf.saved_model.load(str(tmp_path / "saved"))
    x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    np.testing.assert_allclose(restored.serve(x).numpy(), ops.convert_to_numpy(model(x)), rtol=1e-6)
