import numpy as np
import pytest

from cornu import activations
from cornu import ops

X = np.linspace(-5.0, 5.0, 24, dtype="float32").reshape(4, 6)

CASES = [
    ("relu", {}),
    ("relu", {"negative_slope": 0.1}),
    ("relu", {"max_value": 6}),
    ("relu", {"max_value": 2.5}),
    ("relu", {"threshold": 1.0}),
    ("relu", {"negative_slope": 0.3, "max_value": 3.0, "threshold": 0.5}),
    ("relu", {"negative_slope": 0.3, "max_value": 3.0}),
    ("leaky_relu", {}),
    ("leaky_relu", {"negative_slope": 0.05}),
    ("relu6", {}),
    ("softmax", {}),
    ("softmax", {"axis": 0}),
    ("elu", {}),
    ("elu", {"alpha": 0.5}),
    ("selu", {}),
    ("softplus", {}),
    ("softsign", {}),
    ("soft_shrink", {}),
    ("soft_shrink", {"threshold": 1.5}),
    ("sparse_plus", {}),
    ("silu", {}),
    ("swish", {}),
    ("squareplus", {}),
    ("squareplus", {"b": 2}),
    ("gelu", {}),
    ("gelu", {"approximate": True}),
    ("celu", {}),
    ("celu", {"alpha": 2.0}),
    ("glu", {}),
    ("glu", {"axis": 0}),
    ("tanh", {}),
    ("tanh_shrink", {}),
    ("threshold", {"threshold": 0.5, "default_value": -2.0}),
    ("sigmoid", {}),
    ("sparse_sigmoid", {}),
    ("exponential", {}),
    ("hard_sigmoid", {}),
    ("hard_silu", {}),
    ("hard_swish", {}),
    ("hard_tanh", {}),
    ("hard_shrink", {}),
    ("hard_shrink", {"threshold": 2.0}),
    ("linear", {}),
    ("mish", {}),
    ("log_softmax", {}),
    ("log_softmax", {"axis": 0}),
    ("log_sigmoid", {}),
]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_matches_keras(keras_ref, name, kwargs):
    ours = getattr(activations, name)(ops.convert_to_tensor(X), **kwargs)
    theirs = getattr(keras_ref.activations, name)(X, **kwargs)
    np.testing.assert_allclose(ops.convert_to_numpy(ours), np.asarray(theirs), rtol=1e-5, atol=1e-6)
    assert ops.convert_to_numpy(ours).dtype == np.float32


def _sparsemax_reference(z):
    # Martins & Astudillo (2016), Algorithm 1, one row at a time.
    out = np.zeros_like(z)
    for i, row in enumerate(z):
        s = np.sort(row)[::-1]
        k = np.arange(1, len(row) + 1)
        support = 1 + k * s > np.cumsum(s)
        k_max = k[support][-1]
        tau = (np.cumsum(s)[k_max - 1] - 1) / k_max
        out[i] = np.maximum(row - tau, 0)
    return out


@pytest.mark.parametrize("axis", [-1, 0])
def test_sparsemax_matches_the_paper(axis):
    # Keras 3.15's JAX sparsemax sums the wrong cumulative values for tau
    # (rows do not sum to 1), so the reference here is the published algorithm.
    ours = ops.convert_to_numpy(activations.sparsemax(X, axis=axis))
    expected = _sparsemax_reference(X if axis == -1 else X.T)
    np.testing.assert_allclose(ours, expected if axis == -1 else expected.T, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.sum(axis=axis), 1.0, rtol=1e-5)


def test_sparsemax_outputs_a_distribution_with_exact_zeros():
    out = ops.convert_to_numpy(activations.sparsemax(np.array([[3.0, 0.0, -1.0], [0.2, 0.1, 0.0]], "float32")))
    np.testing.assert_allclose(out.sum(axis=-1), [1.0, 1.0], rtol=1e-6)
    np.testing.assert_array_equal(out[0], [1.0, 0.0, 0.0])


def test_glu_rejects_odd_axis():
    with pytest.raises(ValueError, match="even"):
        activations.glu(np.ones((2, 3), "float32"))


def test_public_names_match_keras(keras_ref):
    theirs = {n for n in dir(keras_ref.activations) if not n.startswith("_")}
    missing = sorted(n for n in theirs if not hasattr(activations, n))
    assert missing == []


def test_get():
    assert activations.get(None) is activations.linear
    assert activations.get("relu") is activations.relu
    assert activations.get("swish") is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu
    fn = lambda x: x  # noqa: E731
    assert activations.get(fn) is fn
    assert activations.get({"module": "builtins", "class_name": "function", "config": "tanh",
                            "registered_name": "function"}) is activations.tanh
    with pytest.raises(ValueError, match="Could not interpret"):
        activations.get("no_such_activation")
    with pytest.raises(ValueError, match="Could not interpret"):
        activations.get(3)


def test_serialize_builtins_as_bare_names(keras_ref):
    for name in activations.ALL_OBJECTS_DICT:
        fn = getattr(activations, name)
        assert activations.serialize(fn) == keras_ref.activations.serialize(getattr(keras_ref.activations, name))
    assert activations.serialize(activations.swish) == "silu"


def test_deserialize_round_trip():
    for name, fn in activations.ALL_OBJECTS_DICT.items():
        assert activations.deserialize(activations.serialize(fn)) is fn
    with pytest.raises(ValueError, match="Unknown activation"):
        activations.deserialize("nope")


def test_deserialize_custom_objects():
    def my_act(x):
        return x * 2

    assert activations.deserialize("my_act", custom_objects={"my_act": my_act}) is my_act


def test_symbolic_inputs():
    from cornu.backend import KerasTensor

    x = KerasTensor((None, 6), dtype="float32")
    for name in ["relu", "softmax", "mish", "celu", "hard_silu", "soft_shrink"]:
        y = getattr(activations, name)(x)
        assert tuple(y.shape) == (None, 6), name
    y = activations.relu(x, negative_slope=0.1, max_value=3.0, threshold=0.5)
    assert tuple(y.shape) == (None, 6)
