import numpy as np
import pytest


def same_config(ours, theirs):
    """Equal keys and values, with floats compared to float32 precision."""
    assert ours.keys() == theirs.keys()
    for key, value in ours.items():
        if isinstance(value, float):
            assert value == pytest.approx(theirs[key], rel=1e-6), key
        else:
            assert value == theirs[key], key

from cornu import ops
from cornu import regularizers

RNG = np.random.default_rng(0)
W = RNG.normal(size=(5, 4)).astype("float32")

CASES = [
    ("L1", {}),
    ("L1", {"l1": 0.3}),
    ("L2", {}),
    ("L2", {"l2": 0.2}),
    ("L1L2", {}),
    ("L1L2", {"l1": 0.1, "l2": 0.05}),
    ("L1L2", {"l1": 0.1}),
    ("OrthogonalRegularizer", {}),
    ("OrthogonalRegularizer", {"factor": 0.5, "mode": "columns"}),
]


@pytest.mark.parametrize("name,kwargs", CASES)
def test_values_and_config_match_keras(keras_ref, name, kwargs):
    ours = getattr(regularizers, name)(**kwargs)
    theirs = getattr(keras_ref.regularizers, name)(**kwargs)
    expected = theirs(keras_ref.ops.convert_to_tensor(W))
    np.testing.assert_allclose(ops.convert_to_numpy(ours(W)), np.asarray(expected), rtol=1e-5)
    # Keras keeps some factors as float32 tensors, so its configs read 0.009999999776...;
    # cornu keeps the exact Python float.
    same_config(ours.get_config(), theirs.get_config())
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()
    assert type(theirs).from_config(ours.get_config()).get_config() == theirs.get_config()


def test_values_against_numpy():
    np.testing.assert_allclose(ops.convert_to_numpy(regularizers.L1(0.1)(W)), 0.1 * np.abs(W).sum(), rtol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(regularizers.L2(0.1)(W)), 0.1 * np.square(W).sum(), rtol=1e-5)
    both = regularizers.L1L2(0.1, 0.2)(W)
    np.testing.assert_allclose(ops.convert_to_numpy(both), 0.1 * np.abs(W).sum() + 0.2 * np.square(W).sum(), rtol=1e-5)
    assert float(ops.convert_to_numpy(regularizers.L1L2()(W))) == 0.0


def test_orthogonal_regularizer_is_zero_for_orthogonal_rows():
    q = np.linalg.qr(RNG.normal(size=(4, 4)))[0].astype("float32")
    assert float(ops.convert_to_numpy(regularizers.OrthogonalRegularizer(1.0)(q))) < 1e-5
    with pytest.raises(ValueError, match="rank 2"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2), "float32"))
    with pytest.raises(ValueError, match="mode"):
        regularizers.OrthogonalRegularizer(mode="diag")


def test_keeps_input_dtype():
    assert ops.dtype(regularizers.L2()(W.astype("float16"))) == "float16"


def test_validation():
    for bad in (-1.0, float("nan"), float("inf"), "0.1"):
        with pytest.raises(ValueError, match="non-negative"):
            regularizers.L1(bad)
    assert regularizers.L1(None).l1 == 0.01
    assert regularizers.L1L2(None, None).get_config() == {"l1": 0.0, "l2": 0.0}


def test_base_regularizer():
    assert regularizers.Regularizer()(W) == 0.0
    with pytest.raises(NotImplementedError):
        regularizers.Regularizer().get_config()


def test_aliases_and_get(keras_ref):
    theirs = {n for n in dir(keras_ref.regularizers) if not n.startswith("_")}
    assert sorted(n for n in theirs if not hasattr(regularizers, n)) == []
    assert regularizers.l1_l2 is regularizers.L1L2
    assert regularizers.get(None) is None
    for name, cls in [("l1", "L1"), ("L2", "L2"), ("l1l2", "L1L2"), ("l1_l2", "L1L2"),
                      ("orthogonal_regularizer", "OrthogonalRegularizer")]:
        assert type(regularizers.get(name)) is getattr(regularizers, cls)
    assert isinstance(regularizers.get(regularizers.L2), regularizers.L2)
    reg = regularizers.get({"class_name": "L1L2", "config": {"l1": 0.5, "l2": 0.0}})
    assert reg.get_config() == {"l1": 0.5, "l2": 0.0}
    fn = lambda x: 0.0  # noqa: E731
    assert regularizers.get(fn) is fn
    with pytest.raises(ValueError, match="Could not interpret"):
        regularizers.get("l3")


def test_deserialize_keras_config(keras_ref):
    config = {"module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.3}, "registered_name": None}
    reg = regularizers.deserialize(config)
    assert isinstance(reg, regularizers.L2) and reg.l2 == 0.3
    with pytest.raises(ValueError, match="Unknown regularizer"):
        regularizers.deserialize("nope")


def test_serialize_round_trip(keras_ref):
    for name, kwargs in CASES:
        ours = regularizers.serialize(getattr(regularizers, name)(**kwargs))
        theirs = keras_ref.regularizers.serialize(getattr(keras_ref.regularizers, name)(**kwargs))
        assert {k: v for k, v in ours.items() if k != "config"} == {k: v for k, v in theirs.items() if k != "config"}
        same_config(ours["config"], theirs["config"])
        assert regularizers.deserialize(ours).get_config() == ours["config"]
