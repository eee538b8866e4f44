"""``pad_sequences`` edge cases side by side with Keras 3.15.1 (same values and dtypes, or both raise)."""

import numpy as np
import pytest

import cornu
from cornu.preprocessing.sequence import pad_sequences

CASES = [
    ([[]], {}),
    ([[], []], {"maxlen": 3, "value": 9}),
    ([[1, 2, 3], [4]], {}),
    ([[1, 2, 3], [4]], {"maxlen": 2, "padding": "post", "truncating": "post"}),
    ([[1, 2, 3], [4]], {"maxlen": 2, "padding": "pre", "truncating": "post"}),
    ([[1, 2, 3], [4]], {"maxlen": 0, "truncating": "post"}),
    ([], {"maxlen": 3}),
    ([["a", "b"], ["c"]], {"dtype": object, "value": "<pad>"}),
    ([["a", "b"], ["c"]], {"dtype": "str", "value": "x"}),
    ([["ab", "b"], ["c"]], {"dtype": "<U1", "value": "zz"}),
    ([[b"a"], [b"b", b"c"]], {"dtype": "S1", "value": "-"}),
    ([[1, 2], [3]], {"dtype": "float32", "value": -1.5}),
    ([[1.5, 2.7], [3]], {}),
    ([[[1, 2], [3, 4]], [[5, 6]]], {"padding": "post"}),
    ([np.array([1, 2]), np.array([3])], {"maxlen": 3, "dtype": "int64"}),
    ([(1, 2), range(3)], {}),
]

ERRORS = [
    ([], {}),  # nothing to infer maxlen from
    ([[1, 2, 3], [4]], {"maxlen": 0}),
    ([[1, 2], [3]], {"padding": "mid"}),
    ([[1, 2], [3]], {"truncating": "middle"}),
    ([[1, 2], [3]], {"value": "x"}),
    ([[1, 2], [3]], {"dtype": "object", "value": "x"}),  # only the `object` type itself takes strings
    ([1, 2], {}),
    ([[1, 2], [[3, 4]]], {}),
]


@pytest.mark.parametrize("sequences, kwargs", CASES)
def test_same_result_as_keras(keras_ref, sequences, kwargs):
    ours = pad_sequences(sequences, **kwargs)
    theirs = keras_ref.preprocessing.sequence.pad_sequences(sequences, **kwargs)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    assert ours.tolist() == theirs.tolist()


@pytest.mark.parametrize("sequences, kwargs", ERRORS)
def test_raises_where_keras_raises(keras_ref, sequences, kwargs):
    with pytest.raises(ValueError):
        keras_ref.preprocessing.sequence.pad_sequences(sequences, **kwargs)
    with pytest.raises(ValueError):
        pad_sequences(sequences, **kwargs)


def test_same_function_in_both_namespaces():
    assert cornu.preprocessing.sequence.pad_sequences is cornu.utils.pad_sequences
