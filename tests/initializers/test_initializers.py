import math

import numpy as np
import pytest

from cornu import initializers
from cornu import ops
from cornu import random

from tests.conftest import BACKEND

TRUNC_STD = 0.87962566103423978

ALL_CLASSES = [
    "Constant", "Zeros", "Ones", "Identity", "RandomNormal", "RandomUniform", "TruncatedNormal",
    "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal",
    "LecunUniform", "Orthogonal",
]


def as_np(x):
    return ops.convert_to_numpy(x)


@pytest.mark.parametrize(
    "shape,expected",
    [((), (1, 1)), ((7,), (7, 7)), ((5, 3), (5, 3)), ((3, 3, 4, 8), (36, 72)), ((2, 3, 4, 5, 6), (120, 144))],
)
def test_compute_fans_matches_keras(keras_ref, shape, expected):
    from keras.src.initializers.random_initializers import compute_fans as keras_compute_fans

    assert initializers.compute_fans(shape) == expected == keras_compute_fans(shape)


def test_compute_fans_explicit_axes():
    assert initializers.compute_fans((4, 5, 6), input_axes=[0, 1], output_axes=[2]) == (20, 6)


# (initializer, shape, expected std, expected mean, check uniform bound)
def _variance_cases():
    dense, conv = (200, 300), (3, 3, 40, 60)
    cases = []
    for shape in (dense, conv):
        fan_in, fan_out = initializers.compute_fans(shape)
        avg = (fan_in + fan_out) / 2
        cases += [
            ("GlorotUniform", {}, shape, math.sqrt(1 / avg), math.sqrt(3 / avg)),
            ("GlorotNormal", {}, shape, math.sqrt(1 / avg), 2 * math.sqrt(1 / avg) / TRUNC_STD),
            ("HeNormal", {}, shape, math.sqrt(2 / fan_in), 2 * math.sqrt(2 / fan_in) / TRUNC_STD),
            ("HeUniform", {}, shape, math.sqrt(2 / fan_in), math.sqrt(6 / fan_in)),
            ("LecunNormal", {}, shape, math.sqrt(1 / fan_in), 2 * math.sqrt(1 / fan_in) / TRUNC_STD),
            ("LecunUniform", {}, shape, math.sqrt(1 / fan_in), math.sqrt(3 / fan_in)),
            ("VarianceScaling", {"scale": 3.0, "mode": "fan_out", "distribution": "untruncated_normal"},
             shape, math.sqrt(3 / fan_out), None),
            ("VarianceScaling", {"scale": 0.5, "mode": "fan_avg", "distribution": "uniform"},
             shape, math.sqrt(0.5 / avg), math.sqrt(1.5 / avg)),
        ]
    return cases


@pytest.mark.parametrize("name,kwargs,shape,std,bound", _variance_cases())
def test_variance_scaling_statistics(name, kwargs, shape, std, bound):
    values = as_np(getattr(initializers, name)(seed=3, **kwargs)(shape))
    assert values.shape == shape and values.dtype == np.float32
    assert abs(values.mean()) < 5 * std / math.sqrt(values.size)
    np.testing.assert_allclose(values.std(), std, rtol=0.03)
    if bound is not None:
        assert np.abs(values).max() <= bound * (1 + 1e-5)


@pytest.mark.parametrize(
    "name,kwargs,mean,std,bound",
    [
        ("RandomNormal", {"mean": 1.0, "stddev": 2.0}, 1.0, 2.0, None),
        ("TruncatedNormal", {"mean": -1.0, "stddev": 0.5}, -1.0, 0.5 * TRUNC_STD, 1.0),
        ("RandomUniform", {"minval": -3.0, "maxval": 1.0}, -1.0, 4 / math.sqrt(12), None),
    ],
)
def test_distribution_statistics(name, kwargs, mean, std, bound):
    values = as_np(getattr(initializers, name)(seed=1, **kwargs)((100, 200)))
    np.testing.assert_allclose(values.mean(), mean, atol=0.03 * max(1.0, std))
    np.testing.assert_allclose(values.std(), std, rtol=0.03)
    if bound is not None:
        assert np.abs(values - mean).max() <= bound * (1 + 1e-5)
    if name == "RandomUniform":
        assert values.min() >= -3.0 and values.max() < 1.0


def test_default_arguments_match_keras(keras_ref):
    for name in ALL_CLASSES:
        ours = getattr(initializers, name)().get_config()
        theirs = getattr(keras_ref.initializers, name)().get_config()
        if name == "Identity":
            # Keras 3.15 forgets `gain` in Identity's config; cornu keeps it.
            theirs = {"gain": 1.0}
        assert ours.keys() == theirs.keys(), name
    assert initializers.RandomNormal().get_config()["stddev"] == 0.05
    assert initializers.RandomUniform().get_config()["minval"] == -0.05
    assert initializers.VarianceScaling().get_config()["distribution"] == "truncated_normal"


def test_int_seed_repeats_values_like_keras(keras_ref):
    # Keras 3.15: an int seed (or no seed) returns the same values on every call.
    theirs = keras_ref.initializers.RandomNormal(seed=7)
    assert np.array_equal(np.asarray(theirs((4,))), np.asarray(theirs((4,))))
    for seed in (7, None):
        init = initializers.RandomNormal(seed=seed)
        np.testing.assert_array_equal(as_np(init((4,))), as_np(init((4,))))
    a = as_np(initializers.GlorotUniform(seed=7)((4, 4)))
    b = as_np(initializers.GlorotUniform(seed=7)((4, 4)))
    np.testing.assert_array_equal(a, b)
    c = as_np(initializers.GlorotUniform(seed=8)((4, 4)))
    assert not np.array_equal(a, c)


def test_seed_generator_gives_new_values_each_call():
    init = initializers.HeNormal(seed=random.SeedGenerator(3))
    assert not np.array_equal(as_np(init((4,))), as_np(init((4,))))


def test_unseeded_initializers_differ_between_instances():
    assert not np.array_equal(as_np(initializers.RandomNormal()((8,))), as_np(initializers.RandomNormal()((8,))))


def test_bad_seed():
    with pytest.raises(ValueError, match="seed"):
        initializers.RandomNormal(seed="abc")
    with pytest.raises(ValueError, match="seed"):
        initializers.GlorotUniform(seed=1.5)


@pytest.mark.skipif(BACKEND != "jax", reason="bit-equal draws are only possible on the JAX backend")
def test_same_values_as_keras_on_jax(keras_ref):
    ours = as_np(initializers.GlorotUniform(seed=5)((3, 4)))
    theirs = np.asarray(keras_ref.initializers.GlorotUniform(seed=5)((3, 4)))
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float16", "float64", "bfloat16"])
def test_dtypes(dtype):
    if BACKEND == "jax" and dtype == "float64":
        pytest.skip("JAX runs without x64 here")
    for name in ["RandomNormal", "RandomUniform", "TruncatedNormal", "GlorotUniform", "HeNormal", "Zeros", "Ones"]:
        out = getattr(initializers, name)()((3, 2), dtype=dtype)
        assert ops.dtype(out) == dtype, name
        assert tuple(out.shape) == (3, 2)
    assert ops.dtype(initializers.Constant(2)((2,), dtype=dtype)) == dtype


def test_default_dtype_is_floatx():
    for name in ALL_CLASSES:
        shape = (3, 3)
        assert ops.dtype(getattr(initializers, name)()(shape)) == "float32", name


def test_int_dtypes_for_constant_initializers():
    np.testing.assert_array_equal(as_np(initializers.Zeros()((2,), dtype="int32")), [0, 0])
    np.testing.assert_array_equal(as_np(initializers.Constant(3)((2,), dtype="int32")), [3, 3])
    assert ops.dtype(initializers.Ones()((2,), dtype="int16")) == "int16"


def test_constant_and_identity():
    np.testing.assert_array_equal(as_np(initializers.Constant(2.5)((2, 2))), np.full((2, 2), 2.5, "float32"))
    np.testing.assert_array_equal(as_np(initializers.Constant([1.0, 2.0])((2,))), [1.0, 2.0])
    np.testing.assert_array_equal(as_np(initializers.Identity(gain=3.0)((2, 3))), 3.0 * np.eye(2, 3))
    with pytest.raises(ValueError, match="2D"):
        initializers.Identity()((2, 2, 2))


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (3, 3, 2, 5)])
def test_orthogonal(shape):
    w = as_np(initializers.Orthogonal(gain=2.0, seed=1)(shape))
    assert w.shape == shape
    flat = w.reshape(-1, shape[-1])
    product = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(product, 4.0 * np.eye(product.shape[0]), atol=1e-4)
    with pytest.raises(ValueError, match="rank 2"):
        initializers.Orthogonal()((3,))


def test_variance_scaling_validation():
    with pytest.raises(ValueError, match="scale"):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="mode"):
        initializers.VarianceScaling(mode="fan")
    with pytest.raises(ValueError, match="distribution"):
        initializers.VarianceScaling(distribution="cauchy")
    assert initializers.VarianceScaling(distribution="normal").distribution == "truncated_normal"


def test_aliases_are_the_classes(keras_ref):
    theirs = {n for n in dir(keras_ref.initializers) if not n.startswith("_")}
    missing = sorted(n for n in theirs - {"STFT", "STFTInitializer", "stft"} if not hasattr(initializers, n))
    assert missing == []
    assert initializers.glorot_uniform is initializers.GlorotUniform
    assert initializers.OrthogonalInitializer is initializers.Orthogonal
    assert initializers.IdentityInitializer is initializers.Identity


@pytest.mark.parametrize(
    "identifier,cls",
    [("glorot_uniform", "GlorotUniform"), ("zeros", "Zeros"), ("Ones", "Ones"), ("he_normal", "HeNormal"),
     ("normal", "RandomNormal"), ("uniform", "RandomUniform"), ("zero", "Zeros"), ("one", "Ones"),
     ("orthogonal", "Orthogonal"), ("variance_scaling", "VarianceScaling"), ("identity", "Identity")],
)
def test_get_by_name(identifier, cls):
    assert type(initializers.get(identifier)) is getattr(initializers, cls)


def test_get_other_identifiers():
    assert initializers.get(None) is None
    assert isinstance(initializers.get(initializers.HeUniform), initializers.HeUniform)
    inst = initializers.Ones()
    assert initializers.get(inst) is inst
    fn = lambda shape, dtype=None: ops.ones(shape, dtype)  # noqa: E731
    assert initializers.get(fn) is fn
    init = initializers.get({"class_name": "Constant", "config": {"value": 4.0}})
    np.testing.assert_array_equal(as_np(init((2,))), [4.0, 4.0])
    tensor_init = initializers.get(np.arange(4, dtype="float32").reshape(2, 2))
    np.testing.assert_array_equal(as_np(tensor_init((2, 2))), [[0, 1], [2, 3]])
    with pytest.raises(ValueError, match="shape"):
        tensor_init((4,))
    with pytest.raises(ValueError, match="Could not interpret"):
        initializers.get("glorot_whatever")


CONFIG_CASES = [
    ("Constant", {"value": 1.5}),
    ("Zeros", {}),
    ("Ones", {}),
    ("Identity", {"gain": 2.0}),
    ("RandomNormal", {"mean": 1.0, "stddev": 0.2, "seed": 4}),
    ("RandomUniform", {"minval": -1.0, "maxval": 2.0, "seed": 4}),
    ("TruncatedNormal", {"mean": 0.5, "stddev": 0.1, "seed": None}),
    ("VarianceScaling", {"scale": 2.0, "mode": "fan_out", "distribution": "uniform", "seed": 3}),
    ("VarianceScaling", {"scale": 1.0, "input_axes": [0], "output_axes": [1], "seed": 3}),
    ("GlorotUniform", {"seed": 2}),
    ("GlorotNormal", {}),
    ("HeNormal", {"seed": 1}),
    ("HeUniform", {}),
    ("LecunNormal", {}),
    ("LecunUniform", {"seed": 9}),
    ("Orthogonal", {"gain": 0.5, "seed": 1}),
]


@pytest.mark.parametrize("name,kwargs", CONFIG_CASES)
def test_config_matches_keras_and_round_trips(keras_ref, name, kwargs):
    ours = getattr(initializers, name)(**kwargs)
    theirs = getattr(keras_ref.initializers, name)(**kwargs)
    expected = theirs.get_config()
    if name == "Identity":
        expected = dict(kwargs)  # Keras 3.15 drops `gain` from the config; cornu keeps it.
    assert ours.get_config() == expected
    rebuilt = type(ours).from_config(ours.get_config())
    assert rebuilt.get_config() == ours.get_config()
    if kwargs.get("seed") is not None:
        shape = (3, 3)
        np.testing.assert_array_equal(as_np(rebuilt(shape)), as_np(ours(shape)))
    # Keras can rebuild cornu's config and vice versa.
    assert type(theirs).from_config(ours.get_config()).get_config() == theirs.get_config()
    from_keras = type(ours).from_config(theirs.get_config()).get_config()
    assert from_keras == (ours.get_config() if name != "Identity" else {"gain": 1.0})


def test_clone():
    init = initializers.RandomNormal(stddev=3.0, seed=2)
    copy = init.clone()
    assert copy is not init and copy.get_config() == init.get_config()


def test_serialize_deserialize(keras_ref):
    for name, kwargs in CONFIG_CASES:
        init = getattr(initializers, name)(**kwargs)
        config = initializers.serialize(init)
        if name != "Identity":
            assert config == keras_ref.initializers.serialize(getattr(keras_ref.initializers, name)(**kwargs))
        rebuilt = initializers.deserialize(config)
        assert type(rebuilt) is type(init) and rebuilt.get_config() == init.get_config()


def test_deserialize_without_serialization_module():
    init = initializers.deserialize({"module": "keras.initializers", "class_name": "HeNormal",
                                     "config": {"seed": 3, "input_axes": None, "output_axes": None},
                                     "registered_name": None})
    assert isinstance(init, initializers.HeNormal) and init.seed == 3
    assert isinstance(initializers.deserialize("lecun_normal"), initializers.LecunNormal)
    with pytest.raises(ValueError, match="Unknown initializer"):
        initializers.deserialize("nope")


def test_custom_initializer_subclass():
    class Fives(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return ops.full(shape, 5.0, dtype=dtype)

    np.testing.assert_array_equal(as_np(Fives()((2,))), [5.0, 5.0])
    assert Fives().get_config() == {}
    with pytest.raises(NotImplementedError):
        initializers.Initializer()((2,))
