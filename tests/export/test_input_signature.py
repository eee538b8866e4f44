"""``cornu.export.input_signature``: what an exported model takes, from the model or from the user.

Runs on every backend (no export happens here). The real Keras's ``get_input_signature`` is the
reference for the specs a built model gives.
"""

import numpy as np
import pytest

import cornu
from cornu import backend, layers
from cornu.export.input_signature import flat_specs, input_specs, pack_like, signature_specs


def _mlp():
    return cornu.Sequential([cornu.Input((3,)), layers.Dense(2)])


def _shape_dtype(spec):
    return tuple(spec.shape), spec.dtype


class _Subclassed(cornu.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, x):
        return self.dense(x)


def test_a_sequential_model_gives_one_spec_with_a_dynamic_batch(keras_ref):
    spec = input_specs(_mlp())
    assert isinstance(spec, cornu.InputSpec)
    assert _shape_dtype(spec) == ((None, 3), "float32")
    from keras.src.export.export_utils import get_input_signature

    reference = keras_ref.Sequential([keras_ref.Input((3,)), keras_ref.layers.Dense(2)])
    (keras_spec,) = get_input_signature(reference)
    assert tuple(keras_spec.shape) == spec.shape and keras_spec.dtype == spec.dtype


def test_a_functional_model_keeps_its_dict_and_list_structure_and_names():
    a, b = cornu.Input((3,), name="a"), cornu.Input((2,), dtype="int32", name="b")
    joined = layers.Concatenate()([a, layers.Lambda(lambda t: cornu.ops.cast(t, "float32"))(b)])
    as_dict = cornu.Model({"a": a, "b": b}, layers.Dense(1)(joined))
    specs = input_specs(as_dict)
    assert list(specs) == ["a", "b"]
    assert _shape_dtype(specs["b"]) == ((None, 2), "int32")
    as_list = cornu.Model([a, b], layers.Dense(1)(joined))
    specs = input_specs(as_list)
    assert [s.name for s in specs] == ["a", "b"]
    assert [_shape_dtype(s) for s in specs] == [((None, 3), "float32"), ((None, 2), "int32")]


def test_a_subclassed_model_uses_the_shapes_of_its_first_call():
    model = _Subclassed()
    model(np.ones((5, 4), "float32"))
    assert _shape_dtype(input_specs(model)) == ((None, 4), "float32")


def test_an_unbuilt_model_without_a_signature_is_refused_clearly():
    with pytest.raises(ValueError, match=r"not been built yet.*input_signature.*Received: model="):
        input_specs(_Subclassed())


def test_an_unbuilt_model_takes_its_shapes_from_the_signature():
    spec = input_specs(_Subclassed(), [cornu.InputSpec(shape=(8, 4), dtype="float32")])
    assert _shape_dtype(spec) == ((None, 4), "float32")


@pytest.mark.parametrize("make", [
    lambda: cornu.InputSpec(shape=(None, 3), dtype="float32"),
    lambda: [cornu.InputSpec(shape=(None, 3), dtype="float32")],
    lambda: cornu.Input((3,)),
    lambda: np.zeros((7, 3), "float32"),
    lambda: backend.convert_to_tensor(np.zeros((7, 3), "float32")),
    lambda: (None, 3),
    lambda: [(16, 3)],
], ids=["InputSpec", "keras-list", "KerasTensor", "numpy", "backend-tensor", "shape", "shape-in-list"])
def test_every_signature_form_gives_the_same_spec(make):
    spec = input_specs(_mlp(), make())
    assert _shape_dtype(spec) == ((None, 3), "float32")


def test_a_dict_signature_is_put_in_the_models_key_order():
    a, b = cornu.Input((3,), name="a"), cornu.Input((2,), name="b")
    model = cornu.Model({"a": a, "b": b}, layers.Concatenate()([a, b]))
    specs = input_specs(model, [{"b": np.zeros((1, 2), "float16"), "a": (None, 3)}])
    assert list(specs) == ["a", "b"]
    assert _shape_dtype(specs["b"]) == ((None, 2), "float16")


def test_rank_count_and_key_mismatches_name_the_problem():
    with pytest.raises(ValueError, match=r"rank 2 .*rank 3.*Received: input_signature="):
        input_specs(_mlp(), [(None, 3, 1)])
    with pytest.raises(ValueError, match=r"axis 1 differs.*Received:"):
        input_specs(_mlp(), [(None, 4)])
    a, b = cornu.Input((3,), name="a"), cornu.Input((2,), name="b")
    model = cornu.Model([a, b], layers.Concatenate()([a, b]))
    with pytest.raises(ValueError, match=r"takes 2 inputs, but `input_signature` describes 3"):
        input_specs(model, [[(None, 3), (None, 2), (None, 1)]])
    with pytest.raises(ValueError, match=r"keys"):
        input_specs(cornu.Model({"a": a, "b": b}, layers.Concatenate()([a, b])), {"a": (None, 3), "c": (None, 2)})


def test_bad_entries_are_refused_with_what_is_supported():
    with pytest.raises(ValueError, match=r"both `shape` and `dtype`"):
        input_specs(_mlp(), cornu.InputSpec(ndim=2))
    with pytest.raises(TypeError, match=r"Unsupported entry.*Received: input_signature='x'"):
        input_specs(_mlp(), "x")


def test_dynamic_batch_false_keeps_a_stated_batch_size():
    spec = input_specs(_mlp(), [cornu.InputSpec(shape=(4, 3), dtype="float32")], dynamic_batch=False)
    assert spec.shape == (4, 3)


def test_flat_specs_names_and_pack_like_round_trip():
    specs = {"x": cornu.InputSpec(shape=(None, 1), dtype="float32"),
             "y": cornu.InputSpec(shape=(None, 2), dtype="float32", name="x")}
    flat = flat_specs(specs)
    assert [s.name for s in flat] == ["x", "x_1"]
    assert pack_like(specs, [1, 2]) == {"x": 1, "y": 2}
    unnamed = flat_specs([cornu.InputSpec(shape=(None,), dtype="int32")] * 2)
    assert [s.name for s in unnamed] == ["input_0", "input_1"]


def test_signature_specs_for_a_function_keeps_positional_entries():
    specs = signature_specs([(None, 3), np.zeros((2, 4), "int32")])
    assert [_shape_dtype(s) for s in specs] == [((None, 3), backend.floatx()), ((None, 4), "int32")]
