import numpy as np
import pytest

from cornu import backend, ops


def test_variable_from_value_and_initializer():
    v = backend.Variable(np.array([1.0, 2.0], dtype="float32"), name="v")
    assert v.shape == (2,) and v.dtype == "float32" and v.path == "v"
    np.testing.assert_allclose(v.numpy(), [1.0, 2.0])
    w = backend.Variable("ones", shape=(2, 3), dtype="float32", name="w")
    np.testing.assert_allclose(w.numpy(), np.ones((2, 3)))


def test_assign_checks_shape():
    v = backend.Variable(np.zeros(3, dtype="float32"))
    v.assign([1.0, 2.0, 3.0])
    np.testing.assert_allclose(v.numpy(), [1, 2, 3])
    with pytest.raises(ValueError, match="shape"):
        v.assign(np.zeros(4))


def test_variable_names_follow_name_scopes():
    with backend.name_scope("outer"):
        with backend.name_scope("inner"):
            v = backend.Variable(0.0, name="x")
    assert v.path == "outer/inner/x"
    with pytest.raises(ValueError):
        backend.Variable(0.0, name="a/b")


def test_stateless_scope_maps_reads_and_records_assigns():
    v = backend.Variable(np.float32(1.0))
    with backend.StatelessScope(state_mapping=[(v, np.float32(5.0))]) as scope:
        assert float(ops.convert_to_numpy(v.value)) == 5.0
        v.assign(v.value + 1.0)
        assert float(ops.convert_to_numpy(v.value)) == 6.0
    assert float(v.numpy()) == 1.0
    assert float(ops.convert_to_numpy(scope.get_current_value(v))) == 6.0


def test_variables_created_in_stateless_scope_initialize_on_exit():
    with backend.StatelessScope():
        v = backend.Variable("ones", shape=(2,), dtype="float32")
        assert v._value is None
    np.testing.assert_allclose(v.numpy(), [1.0, 1.0])


def test_variable_operators_use_ops():
    v = backend.Variable(np.array([1.0, 2.0], dtype="float32"))
    np.testing.assert_allclose(ops.convert_to_numpy(v * 2 + 1), [3.0, 5.0])
    np.testing.assert_allclose(ops.convert_to_numpy(1 - v), [0.0, -1.0])
