"""``cornu.Function``: a graph of ops and layers replayed on new values, checked against NumPy
and the real Keras; Functional models are Functions."""

import numpy as np
import pytest

import cornu
from cornu import ops


def _np(x):
    return cornu.ops.convert_to_numpy(x)


def test_ops_graph_on_bare_keras_tensors_matches_numpy():
    a = cornu.KerasTensor(shape=(None, 3))
    b = cornu.KerasTensor(shape=(None, 3))
    fn = cornu.Function(inputs=[a, b], outputs=ops.sigmoid(a + b))
    x1, x2 = np.random.RandomState(0).normal(size=(2, 4, 3)).astype("float32")
    np.testing.assert_allclose(_np(fn([x1, x2])), 1 / (1 + np.exp(-(x1 + x2))), rtol=1e-5, atol=1e-6)
    assert fn.inputs == [a, b] and len(fn.outputs) == 1


def test_layers_and_ops_with_nested_structures_match_keras(keras_ref):
    def build(lib):
        x = lib.Input((4,), name="x")
        y = lib.Input((2,), name="y")
        dense = lib.layers.Dense(3, activation="tanh", name="proj")
        h = dense(x)
        outputs = {"total": lib.ops.sum(h, axis=-1), "joined": lib.ops.concatenate([h, y * 2.0], axis=-1)}
        return lib.Function({"x": x, "y": y}, outputs, name="fn"), dense

    fn, dense = build(cornu)
    ref_fn, ref_dense = build(keras_ref)
    rng = np.random.RandomState(1)
    kernel, bias = rng.normal(size=(4, 3)).astype("float32"), rng.normal(size=(3,)).astype("float32")
    dense.set_weights([kernel, bias])
    ref_dense.set_weights([kernel, bias])
    inputs = {"x": rng.normal(size=(5, 4)).astype("float32"), "y": rng.normal(size=(5, 2)).astype("float32")}
    got, want = fn(inputs), ref_fn(inputs)
    assert sorted(got) == ["joined", "total"]
    for key in want:
        np.testing.assert_allclose(_np(got[key]), np.asarray(want[key]), rtol=1e-5, atol=1e-5)
    assert [op.name for op in fn.operations] == [op.name for op in ref_fn.operations]
    assert fn.name == "fn"

    spec = fn.compute_output_spec({"x": cornu.KerasTensor((7, 4)), "y": cornu.KerasTensor((7, 2))})
    ref_spec = ref_fn.compute_output_spec({"x": keras_ref.KerasTensor((7, 4)), "y": keras_ref.KerasTensor((7, 2))})
    assert {k: (v.shape, v.dtype) for k, v in spec.items()} == {k: (v.shape, v.dtype) for k, v in ref_spec.items()}
    assert fn.compute_output_shape({"x": (None, 4), "y": (None, 2)}) == ref_fn.compute_output_shape(
        {"x": (None, 4), "y": (None, 2)})


def test_tuple_outputs_and_single_tensor_input():
    x = cornu.KerasTensor(shape=(2, 3))
    fn = cornu.Function(x, (ops.max(x, axis=0), ops.square(x)))
    value = np.arange(6, dtype="float32").reshape(2, 3)
    biggest, squared = fn(value)
    np.testing.assert_allclose(_np(biggest), value.max(axis=0))
    np.testing.assert_allclose(_np(squared), value ** 2)


def test_a_function_is_an_operation_in_a_larger_graph():
    inner_in = cornu.KerasTensor(shape=(None, 3))
    inner = cornu.Function(inner_in, ops.relu(inner_in) * 3.0)
    x = cornu.Input((3,))
    y = inner(x)
    assert y.shape == (None, 3)
    outer = cornu.Function(x, ops.sum(y, axis=-1))
    value = np.array([[-1.0, 2.0, 0.5]], "float32")
    np.testing.assert_allclose(_np(outer(value)), [7.5])


def test_functional_models_are_functions():
    x = cornu.Input((3,))
    model = cornu.Model(x, cornu.layers.Dense(2)(x))
    assert isinstance(model, cornu.Function)
    assert [type(op).__name__ for op in model.operations] == ["InputLayer", "Dense"]
    assert model.compute_output_shape((None, 3)) == (None, 2)
    # The Layer call path (not Function's) still runs the model.
    assert tuple(model(np.ones((4, 3), "float32")).shape) == (4, 2)


def test_errors_name_what_is_wrong():
    a = cornu.KerasTensor(shape=(None, 3))
    fn = cornu.Function([a], [a * 2])
    with pytest.raises(ValueError, match="invalid input structure"):
        fn({"a": np.ones((1, 3))})
    with pytest.raises(ValueError, match="incompatible inputs"):
        fn([np.ones((1, 4))])
    with pytest.raises(ValueError, match="cannot be empty"):
        cornu.Function([], [a])
    with pytest.raises(ValueError, match="must be KerasTensors"):
        cornu.Function([a], [np.ones(3)])
    other = cornu.KerasTensor(shape=(None, 3))
    with pytest.raises(ValueError, match="Graph disconnected"):
        cornu.Function([a], [a + ops.exp(other)])
