import numpy as np
import pytest

import cornu
from cornu import layers

from tests.helpers.layer_compare import assert_close, assert_same_config, comparable_config, copy_weights, mask_of, to_numpy

ELEMENTWISE = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]


def _rand(*shape):
    return np.random.normal(size=shape).astype("float32")


@pytest.mark.parametrize("name", ELEMENTWISE + ["Concatenate"])
def test_two_inputs_match_keras(keras_ref, name):
    a, b = _rand(2, 3, 4), _rand(2, 3, 4)
    assert_close(getattr(layers, name)()([a, b]), getattr(keras_ref.layers, name)()([a, b]))


@pytest.mark.parametrize("name", ["Add", "Multiply", "Average", "Maximum", "Minimum"])
def test_three_inputs_and_broadcasting_match_keras(keras_ref, name):
    inputs = [_rand(2, 3), _rand(2, 4, 3), _rand(2, 1, 3)]
    out = getattr(layers, name)()(inputs)
    assert out.shape == (2, 4, 3)
    assert_close(out, getattr(keras_ref.layers, name)()(inputs))


@pytest.mark.parametrize("axis", [-1, 1, 0])
def test_concatenate_axes_match_keras(keras_ref, axis):
    shapes = {-1: [(2, 3, 4), (2, 3, 1)], 1: [(2, 3, 4), (2, 5, 4)], 0: [(2, 3), (1, 3)]}[axis]
    inputs = [_rand(*s) for s in shapes]
    layer = layers.Concatenate(axis=axis)
    out = layer(inputs)
    assert_close(out, keras_ref.layers.Concatenate(axis=axis)(inputs))
    assert layer.compute_output_shape(shapes) == tuple(out.shape)


@pytest.mark.parametrize("axes, shapes", [
    (1, [(2, 3), (2, 3)]),
    (-1, [(2, 3), (2, 3)]),
    ((1, 2), [(2, 3), (2, 4, 3)]),
    ((2, 1), [(2, 4, 3), (2, 3)]),
    ((2, 2), [(2, 3, 4), (2, 5, 4)]),
    ((1, 1), [(2, 3, 4), (2, 3, 5)]),
    ((1, 2), [(2, 3, 4, 2), (2, 5, 3)]),
    (2, [(2, 3, 4, 2), (2, 5, 4)]),
])
@pytest.mark.parametrize("normalize", [False, True])
def test_dot_matches_keras(keras_ref, axes, shapes, normalize):
    inputs = [_rand(*s) for s in shapes]
    layer = layers.Dot(axes=axes, normalize=normalize)
    out = layer(inputs)
    assert_close(out, keras_ref.layers.Dot(axes=axes, normalize=normalize)(inputs))
    assert layer.compute_output_shape([(None,) + s[1:] for s in shapes]) == (None,) + tuple(out.shape[1:])
    assert layer([cornu.KerasTensor((None,) + s[1:]) for s in shapes]).shape == (None,) + tuple(out.shape[1:])


@pytest.mark.parametrize("name, kwargs", [(n, {}) for n in ELEMENTWISE] + [
    ("Concatenate", {"axis": 1}), ("Dot", {"axes": (1, 2), "normalize": True}), ("Dot", {"axes": 1})])
def test_config_matches_keras_and_round_trips(keras_ref, name, kwargs):
    layer, ref = getattr(layers, name)(**kwargs), getattr(keras_ref.layers, name)(**kwargs)
    assert_same_config(layer, ref)
    clone = type(layer).from_config(layer.get_config())
    assert comparable_config(clone) == comparable_config(layer)


@pytest.mark.parametrize("name", [n.lower() for n in ELEMENTWISE] + ["concatenate", "dot"])
def test_functional_forms_match_keras(keras_ref, name):
    a, b = _rand(2, 3), _rand(2, 3)
    kwargs = {"axes": 1} if name == "dot" else {}
    out = getattr(layers, name)([a, b], name=f"my_{name}", **kwargs)
    assert_close(out, getattr(keras_ref.layers, name)([a, b], **kwargs))
    symbolic = getattr(layers, name)([cornu.KerasTensor((None, 3)), cornu.KerasTensor((None, 3))], **kwargs)
    assert symbolic.shape == (None,) + tuple(out.shape[1:])
    assert symbolic._keras_history.operation.name == name


def _embedded(keras_ref, x_a, x_b):
    """Embeds two index batches with mask_zero in cornu and Keras (same table)."""
    emb = layers.Embedding(8, 3, mask_zero=True)
    ref = keras_ref.layers.Embedding(8, 3, mask_zero=True)
    ref.build()
    emb.build()
    copy_weights(ref, emb)
    return (emb(x_a), emb(x_b)), (ref(x_a), ref(x_b))


@pytest.mark.parametrize("name, kwargs", [(n, {}) for n in ELEMENTWISE] + [
    ("Concatenate", {}), ("Concatenate", {"axis": 1}), ("Dot", {"axes": 2})])
@pytest.mark.parametrize("both_masked", [True, False])
def test_masks_from_embedding_match_keras(keras_ref, name, kwargs, both_masked):
    x_a = np.array([[1, 2, 0, 0], [3, 0, 4, 0]])
    x_b = np.array([[5, 0, 6, 0], [7, 1, 0, 0]])
    (a, b), (ka, kb) = _embedded(keras_ref, x_a, x_b)
    if not both_masked:
        b = cornu.ops.convert_to_tensor(np.asarray(kb))  # same values, no mask
        kb = keras_ref.ops.convert_to_tensor(np.asarray(kb))
    out = getattr(layers, name)(**kwargs)([a, b])
    expected = getattr(keras_ref.layers, name)(**kwargs)([ka, kb])
    assert_close(out, expected)
    expected_mask = getattr(expected, "_keras_mask", None)
    if expected_mask is None:
        assert mask_of(out) is None
    else:
        np.testing.assert_array_equal(to_numpy(mask_of(out)), np.asarray(expected_mask))


def test_symbolic_masks_and_shapes():
    a = layers.Embedding(8, 3, mask_zero=True)(cornu.Input((4,), dtype="int32"))
    b = layers.Embedding(8, 3, mask_zero=True)(cornu.Input((4,), dtype="int32"))
    added = layers.Add()([a, b])
    assert added.shape == (None, 4, 3)
    assert added._keras_mask.shape == (None, 4)
    joined = layers.Concatenate(axis=1)([a, b])
    assert joined.shape == (None, 8, 3)
    assert joined._keras_mask.shape == (None, 8)
    assert getattr(layers.Dot(axes=2)([a, b]), "_keras_mask", None) is None
    plain = cornu.Input((4, 3))
    assert getattr(layers.Add()([a, plain]), "_keras_mask", None) is None


def test_symbolic_dtypes_follow_the_eager_result():
    ints = [cornu.KerasTensor((None, 3), dtype="int32"), cornu.KerasTensor((None, 3), dtype="int32")]
    assert layers.Add()(ints).dtype == "int32"
    assert layers.Concatenate()(ints).dtype == "int32"
    assert layers.Average()(ints).dtype == "float32"
    eager = layers.Add()([np.ones((2, 3), "int32"), np.ones((2, 3), "int32")])
    assert str(to_numpy(eager).dtype) == "int32"
    floats = [cornu.KerasTensor((None, 3), dtype="float64"), cornu.KerasTensor((None, 3))]
    assert layers.Add()(floats).dtype == "float32"  # float inputs are autocast to the compute dtype
    assert layers.Add(dtype="mixed_float16")(floats).dtype == "float16"


def test_symbolic_shape_with_unknown_dims_matches_eager():
    layer = layers.Add()
    assert layer([cornu.KerasTensor((None, 3)), cornu.KerasTensor((None, None, 3))]).shape == (None, None, 3)
    assert layers.Concatenate(axis=1)([cornu.KerasTensor((None, None)), cornu.KerasTensor((None, 2))]).shape == (
        None, None)
    assert layers.Add().compute_output_shape([(4, 3), (None, 3)]) == (4, 3)


def test_incompatible_shapes_name_the_layer_and_shapes():
    with pytest.raises(ValueError, match=r"my_add.*\(3,\).*\(4,\)"):
        layers.Add(name="my_add")([_rand(2, 3), _rand(2, 4)])
    with pytest.raises(ValueError, match="different batch sizes"):
        layers.Add()([_rand(2, 3), _rand(3, 3)])
    with pytest.raises(ValueError, match="list"):
        layers.Add()(_rand(2, 3))
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([_rand(2, 3)] * 3)
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        layers.Concatenate(axis=1)([_rand(2, 3, 4), _rand(2, 3, 5)])
    with pytest.raises(ValueError, match="matching shapes"):
        layers.Concatenate()([_rand(2, 3), _rand(2, 3, 1)])
    with pytest.raises(ValueError, match="Incompatible input shapes"):
        layers.Dot(axes=1)([_rand(2, 3), _rand(2, 4)])
    with pytest.raises(ValueError, match="2 inputs"):
        layers.Dot(axes=1)([_rand(2, 3)] * 3)
    with pytest.raises(ValueError, match="batch axis"):
        layers.Dot(axes=(0, 1))([_rand(2, 3), _rand(2, 2)])
    with pytest.raises(ValueError, match="incompatible shapes"):
        layers.Multiply()([cornu.KerasTensor((None, 3)), cornu.KerasTensor((None, 5))])


def test_bad_constructor_arguments():
    with pytest.raises(TypeError, match="axes"):
        layers.Dot(axes="1")
    with pytest.raises(ValueError, match="two elements"):
        layers.Dot(axes=(1, 2, 3))
    with pytest.raises(ValueError, match="integers"):
        layers.Dot(axes=(1, 2.0))
    with pytest.raises(ValueError, match="axis"):
        layers.Concatenate(axis="last")
