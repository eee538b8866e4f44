"""``clear_session``/``get_uid`` (``keras.backend``, ``keras.utils``), ``pad_sequences``,
``get_source_inputs`` and the serialization helpers ``keras.utils`` re-exports."""

import numpy as np
import pytest

import cornu
from cornu.utils import get_source_inputs, pad_sequences


def test_clear_session_restarts_names_uids_and_the_dtype_policy():
    cornu.layers.Dense(1)
    assert cornu.layers.Dense(1).name == "dense_1"
    assert [cornu.backend.get_uid("a"), cornu.backend.get_uid("a"), cornu.backend.get_uid("b")] == [1, 2, 1]
    cornu.config.set_dtype_policy("mixed_bfloat16")
    cornu.backend.clear_session(free_memory=False)
    assert cornu.layers.Dense(1).name == "dense"
    assert cornu.backend.get_uid("a") == 1
    assert cornu.config.dtype_policy().name == "float32"
    cornu.utils.clear_session()  # the same function, also under keras.utils
    assert cornu.layers.Dense(1).name == "dense"


def test_clear_session_keeps_floatx():
    cornu.config.set_floatx("float64")
    try:
        cornu.backend.clear_session()
        assert cornu.config.floatx() == "float64"
    finally:
        cornu.config.set_floatx("float32")


CASES = [
    ([[1, 2, 3], [4], []], {}),
    ([[1, 2, 3], [4]], {"maxlen": 2}),
    ([[1, 2, 3], [4]], {"maxlen": 2, "padding": "post", "truncating": "post", "value": -1}),
    ([[1, 2, 3], [4, 5]], {"maxlen": 4, "dtype": "float32", "value": 0.5}),
    ([np.ones((2, 3)), np.zeros((1, 3))], {"dtype": "float32"}),
    ([["a", "b"], ["c"]], {"dtype": object, "value": "<pad>"}),
]


@pytest.mark.parametrize("sequences, kwargs", CASES)
def test_pad_sequences_matches_keras(keras_ref, sequences, kwargs):
    got = pad_sequences(sequences, **kwargs)
    expected = keras_ref.utils.pad_sequences(sequences, **kwargs)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_pad_sequences_by_hand():
    np.testing.assert_array_equal(pad_sequences([[1, 2, 3], [4]], maxlen=2), [[2, 3], [0, 4]])
    np.testing.assert_array_equal(pad_sequences([[1, 2, 3], [4]], maxlen=2, truncating="post"), [[1, 2], [0, 4]])
    assert pad_sequences([], maxlen=2).shape == (0, 2)
    with pytest.raises(ValueError, match="empty"):  # as Keras: no sequence to take `maxlen` from
        pad_sequences([])


def test_pad_sequences_refuses_bad_input():
    with pytest.raises(ValueError, match="padding"):
        pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match="truncating"):
        pad_sequences([[1]], truncating="both")
    with pytest.raises(ValueError, match=r"sequences\[1\]"):
        pad_sequences([[1], 5])
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([["a"]], value="<pad>")
    with pytest.raises(ValueError, match="shape"):
        pad_sequences([np.ones((2, 3)), np.ones((1, 4))], dtype="float32")


def test_get_source_inputs_walks_back_to_the_inputs():
    a, b, c = cornu.Input((3,)), cornu.Input((3,)), cornu.Input((3,))
    h = cornu.layers.Dense(3)(b)
    out = cornu.layers.Add()([a, h, cornu.ops.multiply(h, 2.0)])
    assert get_source_inputs(out) == [a, b]
    assert get_source_inputs(c) == [c]
    with pytest.raises(ValueError, match="symbolic tensor"):
        get_source_inputs(np.ones(3))


def test_get_source_inputs_matches_keras(keras_ref):
    found = []
    for lib in (keras_ref, cornu):
        a, b = lib.Input((3,), name="a"), lib.Input((3,), name="b")
        out = lib.layers.Concatenate()([lib.layers.Dense(2)(b), a])
        found.append([t.name for t in lib.utils.get_source_inputs(out)])
    assert found[0] == found[1]


def test_utils_reexports_the_serialization_registry():
    @cornu.utils.register_keras_serializable(package="utils_reexport")
    class Twice(cornu.layers.Layer):
        def call(self, x):
            return x * 2

    assert cornu.utils.get_registered_name(Twice) == "utils_reexport>Twice"
    assert cornu.utils.get_registered_object("utils_reexport>Twice") is Twice
    config = cornu.utils.serialize_keras_object(Twice(name="t"))
    assert isinstance(cornu.utils.deserialize_keras_object(config), Twice)
    with cornu.utils.custom_object_scope({"Other": Twice}):
        assert cornu.utils.get_registered_object("Other") is Twice
    assert cornu.utils.get_registered_object("Other") is None
    assert cornu.utils.get_custom_objects()["utils_reexport>Twice"] is Twice
    assert cornu.utils.is_keras_tensor(cornu.Input((2,))) and not cornu.utils.is_keras_tensor(np.ones(2))
    assert cornu.utils.standardize_dtype("float") == "float32"
