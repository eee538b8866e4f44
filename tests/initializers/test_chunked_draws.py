"""On JAX, eager random draws are assembled from fixed-length flat chunks
(cornu/backend/jax/chunked_random.py) so that building a model compiles a couple of
programs instead of one per weight shape. The values must stay bit for bit those of a
direct ``jax.random`` draw of the shape, which is what Keras computes."""

import numpy as np
import pytest

from cornu import initializers
from cornu import ops
from cornu import random

from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "jax", reason="the chunked draws are the JAX backend's")

SEED = 1234

# 7: one short chunk; 1025: one long chunk; (300, 301): two long chunks, the last cut.
CASES = [
    ("normal", (300, 301), "float32"),
    ("uniform", (300, 301), "float32"),
    ("truncated_normal", (300, 301), "float32"),
    ("truncated_normal", (7,), "float16"),
    ("normal", (1025,), "bfloat16"),
]


def _bits(x):
    x = np.asarray(x)
    return x.view(f"uint{8 * x.dtype.itemsize}")


def _direct_draw(distribution, shape, dtype, seed):
    """The draw as Keras's JAX backend writes it: one jax.random call of the full shape."""
    import jax

    key = np.array([seed, 0], dtype="uint32")
    if distribution == "uniform":
        return jax.random.uniform(key, shape, dtype=dtype, minval=-0.3, maxval=0.7)
    if distribution == "normal":
        return jax.random.normal(key, shape, dtype=dtype) * 0.07 + 0.2
    return jax.random.truncated_normal(key, -2.0, 2.0, shape, dtype=dtype) * 0.07 + 0.2


def _cornu_draw(distribution, shape, dtype, seed):
    if distribution == "uniform":
        return random.uniform(shape, minval=-0.3, maxval=0.7, dtype=dtype, seed=seed)
    return getattr(random, distribution)(shape, mean=0.2, stddev=0.07, dtype=dtype, seed=seed)


@pytest.mark.parametrize("distribution,shape,dtype", CASES)
def test_chunked_draw_is_bit_identical_to_a_direct_draw(distribution, shape, dtype):
    ours = ops.convert_to_numpy(_cornu_draw(distribution, shape, dtype, SEED))
    theirs = np.asarray(_direct_draw(distribution, shape, dtype, SEED))
    assert ours.shape == theirs.shape == shape
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(_bits(ours), _bits(theirs))


def test_draw_inside_traced_code_equals_the_eager_draw():
    import jax

    eager = ops.convert_to_numpy(random.normal((3, 5), seed=SEED))
    traced = np.asarray(jax.jit(lambda: random.normal((3, 5), seed=SEED))())
    np.testing.assert_array_equal(_bits(eager), _bits(traced))


def test_draw_with_a_tensor_parameter_broadcasts_like_a_direct_draw():
    import jax

    stddev = np.array([1.0, 10.0, 100.0], dtype="float32")
    ours = ops.convert_to_numpy(random.normal((2, 3), stddev=stddev, seed=SEED))
    theirs = np.asarray(jax.random.normal(np.array([SEED, 0], dtype="uint32"), (2, 3)) * stddev)
    np.testing.assert_array_equal(_bits(ours), _bits(theirs))


RANDOM_INITIALIZERS = [
    ("RandomNormal", {"mean": 0.1, "stddev": 0.3}),
    ("RandomUniform", {"minval": -0.2, "maxval": 0.4}),
    ("TruncatedNormal", {"mean": -0.1, "stddev": 0.2}),
    ("GlorotUniform", {}),
    ("GlorotNormal", {}),
    ("HeNormal", {}),
    ("HeUniform", {}),
    ("LecunNormal", {}),
    ("LecunUniform", {}),
    ("VarianceScaling", {"scale": 3.0, "mode": "fan_out", "distribution": "untruncated_normal"}),
    ("VarianceScaling", {"scale": 0.5, "mode": "fan_avg", "distribution": "uniform"}),
    ("VarianceScaling", {"scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal"}),
    ("Orthogonal", {"gain": 1.5}),
]


@pytest.mark.parametrize("name,kwargs", RANDOM_INITIALIZERS)
def test_initializer_values_equal_keras_on_jax(keras_ref, name, kwargs):
    # (40, 33): 1320 values, past the short chunk; Keras draws them in one program of that shape.
    shape = (40, 33)
    ours = ops.convert_to_numpy(getattr(initializers, name)(seed=SEED, **kwargs)(shape))
    theirs = np.asarray(getattr(keras_ref.initializers, name)(seed=SEED, **kwargs)(shape))
    np.testing.assert_array_equal(_bits(ours), _bits(theirs))
