import numpy as np
import pytest

from cornu import constraints
from cornu import ops

RNG = np.random.default_rng(0)
DENSE = RNG.normal(size=(6, 3)).astype("float32") * 2
CONV = RNG.normal(size=(3, 3, 2, 4)).astype("float32")

CASES = [
    ("MaxNorm", {}),
    ("MaxNorm", {"max_value": 1.5, "axis": 1}),
    ("MaxNorm", {"max_value": 0.5, "axis": [0, 1, 2]}),
    ("NonNeg", {}),
    ("UnitNorm", {}),
    ("UnitNorm", {"axis": [0, 1, 2]}),
    ("MinMaxNorm", {}),
    ("MinMaxNorm", {"min_value": 1.0, "max_value": 2.0, "rate": 0.5, "axis": 1}),
]


@pytest.mark.parametrize("name,kwargs", CASES)
def test_values_and_config_match_keras(keras_ref, name, kwargs):
    w = CONV if isinstance(kwargs.get("axis"), list) else DENSE
    ours = getattr(constraints, name)(**kwargs)
    theirs = getattr(keras_ref.constraints, name)(**kwargs)
    np.testing.assert_allclose(ops.convert_to_numpy(ours(w)), np.asarray(theirs(w)), rtol=1e-5, atol=1e-6)
    assert ours.get_config() == theirs.get_config()
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()


def test_norms_against_numpy():
    out = ops.convert_to_numpy(constraints.UnitNorm()(DENSE))
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), 1.0, rtol=1e-5)
    out = ops.convert_to_numpy(constraints.MaxNorm(1.0)(DENSE))
    assert np.linalg.norm(out, axis=0).max() <= 1.0 + 1e-5
    small = DENSE * 1e-3
    np.testing.assert_allclose(ops.convert_to_numpy(constraints.MaxNorm(1.0)(small)), small, rtol=1e-3)
    out = ops.convert_to_numpy(constraints.MinMaxNorm(2.0, 3.0)(DENSE * 1e-2))
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), 2.0, rtol=1e-4)
    np.testing.assert_array_equal(ops.convert_to_numpy(constraints.NonNeg()(DENSE)), np.maximum(DENSE, 0))


def test_accepts_variables():
    from cornu import backend

    v = backend.Variable(DENSE)
    np.testing.assert_allclose(ops.convert_to_numpy(constraints.NonNeg()(v)), np.maximum(DENSE, 0))


def test_base_constraint_is_identity():
    c = constraints.Constraint()
    assert c(DENSE) is DENSE and c.get_config() == {}


def test_aliases_and_get(keras_ref):
    theirs = {n for n in dir(keras_ref.constraints) if not n.startswith("_")}
    assert sorted(n for n in theirs if not hasattr(constraints, n)) == []
    assert constraints.max_norm is constraints.MaxNorm
    assert constraints.get(None) is None
    for name, cls in [("max_norm", "MaxNorm"), ("NonNeg", "NonNeg"), ("unit_norm", "UnitNorm"),
                      ("min_max_norm", "MinMaxNorm")]:
        assert type(constraints.get(name)) is getattr(constraints, cls)
    c = constraints.get({"class_name": "MaxNorm", "config": {"max_value": 3, "axis": 1}})
    assert c.get_config() == {"max_value": 3, "axis": 1}
    inst = constraints.UnitNorm()
    assert constraints.get(inst) is inst
    with pytest.raises(ValueError, match="Could not interpret"):
        constraints.get("positive")


def test_deserialize_keras_config():
    config = {"module": "keras.constraints", "class_name": "MinMaxNorm",
              "config": {"min_value": 0.1, "max_value": 0.9, "rate": 1.0, "axis": 0}, "registered_name": None}
    assert constraints.deserialize(config).get_config() == config["config"]
    with pytest.raises(ValueError, match="Unknown constraint"):
        constraints.deserialize("nope")


def test_serialize_round_trip(keras_ref):
    for name, kwargs in CASES:
        ours = constraints.serialize(getattr(constraints, name)(**kwargs))
        assert ours == keras_ref.constraints.serialize(getattr(keras_ref.constraints, name)(**kwargs))
        assert constraints.deserialize(ours).get_config() == ours["config"]
