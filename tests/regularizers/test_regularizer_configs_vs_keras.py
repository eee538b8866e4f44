"""Regularizer configs are the same dicts Keras writes (L1 and OrthogonalRegularizer hold
their factor as float32 in Keras, so their configs carry the float32-rounded value)."""

import pytest

import cornu


@pytest.mark.parametrize("name, kwargs", [
    ("L1", {}), ("L1", {"l1": 0.3}), ("L2", {}), ("L2", {"l2": 0.3}), ("L1L2", {"l1": 0.1, "l2": 0.2}),
    ("OrthogonalRegularizer", {}), ("OrthogonalRegularizer", {"factor": 0.7, "mode": "columns"}),
])
def test_config_equals_keras(keras_ref, name, kwargs):
    ours = getattr(cornu.regularizers, name)(**kwargs).get_config()
    theirs = getattr(keras_ref.regularizers, name)(**kwargs).get_config()
    assert ours == theirs
