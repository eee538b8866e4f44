"""The TensorFlow backend's random, image and linalg modules: seeded draws are the same eagerly and
inside ``tf.function`` (and Keras's TensorFlow numbers), resizing traces with unknown batch and
spatial sizes and matches the NumPy backend, ``jvp`` runs on forward-mode autodiff, and the
decompositions follow JAX/LAPACK conventions inside ``tf.function``."""

import numpy as np
import pytest

from cornu import backend

if backend.backend() != "tensorflow":
    pytest.skip("TensorFlow backend modules (CORNU_BACKEND=tensorflow)", allow_module_level=True)

import scipy.linalg  # noqa: E402
import tensorflow as tf  # noqa: E402

import cornu  # noqa: E402
from cornu import ops, random  # noqa: E402
from cornu.backend import namespaces  # noqa: E402
from cornu.backend.tensorflow import image, linalg  # noqa: E402
from cornu.backend.tensorflow import random as tf_random  # noqa: E402

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 255, (2, 7, 9, 3)).astype("float32")

DRAWS = {
    "normal": lambda seed: random.normal((3, 4), seed=seed),
    "uniform": lambda seed: random.uniform((3, 4), minval=2.0, maxval=5.0, seed=seed),
    "truncated_normal": lambda seed: random.truncated_normal((50,), seed=seed),
    "randint": lambda seed: random.randint((6,), 0, 100, dtype="int16", seed=seed),
    "dropout": lambda seed: random.dropout(tf.ones((4, 5)), 0.5, noise_shape=(None, 1), seed=seed),
    "shuffle": lambda seed: random.shuffle(np.arange(12).reshape(3, 4), axis=1, seed=seed),
    "categorical": lambda seed: random.categorical(np.log([[0.2, 0.8], [0.5, 0.5]]), 6, seed=seed),
    "binomial": lambda seed: random.binomial((5,), 10, 0.5, seed=seed),
    "gamma": lambda seed: random.gamma((2, 3), np.array([0.5, 1.0, 3.0]), seed=seed),
    "beta": lambda seed: random.beta((4,), 2.0, 3.0, dtype="float64", seed=seed),
}


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_draws_depend_on_the_seed_only_eagerly_and_in_tf_function(name):
    draw = DRAWS[name]
    eager = _np(draw(7))
    np.testing.assert_array_equal(_np(draw(7)), eager)
    np.testing.assert_array_equal(_np(tf.function(lambda: draw(7))()), eager)
    assert not np.array_equal(_np(draw(8)), eager)


def test_seed_generator_advances_inside_tf_function_as_eagerly():
    eager_generator = random.SeedGenerator(11)
    eager = [_np(random.normal((3,), seed=eager_generator)) for _ in range(3)]
    generator = random.SeedGenerator(11)
    step = tf.function(lambda: random.normal((3,), seed=generator))
    traced = [_np(step()) for _ in range(3)]
    for a, b in zip(eager, traced):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(traced[0], traced[1])


def test_seeds_are_int64_and_give_keras_tensorflow_numbers():
    assert tf_random.SEED_DTYPE == "int64"
    assert random.SeedGenerator(1).state.dtype == "int64"
    # keras.random.normal((3, 4), seed=42)[0, :3] under KERAS_BACKEND=tensorflow.
    np.testing.assert_allclose(_np(random.normal((3, 4), seed=42))[0, :3], [0.01581708, -1.5900869, 0.10359446],
                               rtol=1e-6)
    # keras.random.randint((5,), 0, 10, seed=3) under KERAS_BACKEND=tensorflow.
    np.testing.assert_array_equal(_np(random.randint((5,), 0, 10, seed=3))[:3], [8, 7, 2])


def test_draw_shapes_may_be_unknown_while_tracing():
    @tf.function(input_signature=[tf.TensorSpec((None, 4), tf.float32)])
    def noisy(x):
        seed = tf.constant([3, 0], tf.int64)
        return x + tf_random.normal(tf.shape(x), seed=seed), tf_random.dropout(x, 0.5, noise_shape=(None, 1), seed=seed)

    noise, dropped = noisy(tf.zeros((5, 4)))
    assert noise.shape == (5, 4) and dropped.shape == (5, 4)


RESIZE_CASES = [(method, size, antialias) for method in image.RESIZE_METHODS for size in [(3, 4), (12, 20)]
                for antialias in (False, True)]


@pytest.mark.parametrize("method, size, antialias", RESIZE_CASES)
def test_resize_traces_with_unknown_batch_and_matches_numpy(method, size, antialias):
    expected = namespaces.numpy_namespace().image.resize(IMAGES, size, method, antialias)
    np.testing.assert_allclose(_np(image.resize(IMAGES, size, method, antialias)), expected, rtol=1e-4, atol=1e-3)
    for spec in ((None, 7, 9, 3), (None, None, None, 3)):
        traced = tf.function(lambda x: image.resize(x, size, method, antialias),
                             input_signature=[tf.TensorSpec(spec, tf.float32)])
        out = traced(IMAGES)
        assert tuple(out.shape) == (2, *size, 3)
        np.testing.assert_allclose(_np(out), expected, rtol=1e-4, atol=1e-3)


def test_resize_op_in_tf_function_channels_first_crop_and_integers():
    traced = tf.function(lambda x: ops.image.resize(x, (4, 4), crop_to_aspect_ratio=True, data_format="channels_first"),
                         input_signature=[tf.TensorSpec((None, 3, 7, 9), tf.float32)])
    channels_first = np.transpose(IMAGES, (0, 3, 1, 2))
    expected = namespaces.numpy_namespace().image.resize(channels_first[:, :, :, 1:8], (4, 4), "bilinear", False,
                                                          data_format="channels_first")
    np.testing.assert_allclose(_np(traced(channels_first)), expected, rtol=1e-4, atol=1e-3)
    as_bytes = image.resize(IMAGES.astype("uint8"), (3, 4))
    assert as_bytes.dtype == tf.uint8
    np.testing.assert_array_equal(_np(as_bytes),
                                  namespaces.numpy_namespace().image.resize(IMAGES.astype("uint8"), (3, 4)))


def test_resize_gradients_and_xla():
    x = tf.constant(IMAGES)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(image.resize(x, (4, 5), "bicubic", antialias=True))
    grad = tape.gradient(total, x)
    assert grad.shape == x.shape and float(tf.reduce_sum(tf.abs(grad))) > 0
    compiled = tf.function(lambda x: image.resize(x, (4, 5), "lanczos3"), jit_compile=True)
    np.testing.assert_allclose(_np(compiled(x)), _np(image.resize(x, (4, 5), "lanczos3")), rtol=1e-5, atol=1e-4)


def test_scale_and_translate_with_traced_scale():
    expected = namespaces.numpy_namespace().image.scale_and_translate(IMAGES, (2, 4, 5, 3), [0.5, 0.5], [0.25, 0.0],
                                                                       (1, 2), "cubic")
    traced = tf.function(lambda x, s, t: image.scale_and_translate(x, (2, 4, 5, 3), s, t, (1, 2), "cubic"))
    out = traced(IMAGES, tf.constant([0.5, 0.5]), tf.constant([0.25, 0.0]))
    np.testing.assert_allclose(_np(out), expected, rtol=1e-4, atol=1e-3)


def test_jvp_eagerly_and_in_tf_function_with_aux():
    x = tf.constant([0.0, 1.0, 2.0])
    out, tangent = linalg.jvp(lambda v: tf.sin(v) * 3.0, (x,), (tf.ones_like(x),))
    np.testing.assert_allclose(_np(tangent), 3.0 * np.cos([0.0, 1.0, 2.0]), rtol=1e-6)

    @tf.function
    def traced(a, b):
        return ops.jvp(lambda p, q: (p * q, {"p": p}), (a, b), (tf.ones_like(a), tf.zeros_like(b)), has_aux=True)

    out, tangent, aux = traced(tf.constant([2.0, 3.0]), tf.constant([5.0, 7.0]))
    np.testing.assert_allclose(_np(out), [10.0, 21.0])
    np.testing.assert_allclose(_np(tangent), [5.0, 7.0])
    np.testing.assert_allclose(_np(aux["p"]), [2.0, 3.0])
    _, unconnected = linalg.jvp(lambda v: tf.constant(1.0), (x,), (tf.ones_like(x),))
    assert float(unconnected) == 0.0


def test_decompositions_in_tf_function_follow_lapack():
    a = RNG.normal(size=(3, 5, 5)).astype("float32")
    lu, pivots = tf.function(linalg.lu_factor)(a)
    for i in range(3):
        expected_lu, expected_pivots = scipy.linalg.lu_factor(a[i])
        np.testing.assert_allclose(_np(lu)[i], expected_lu, rtol=1e-4, atol=1e-4)
        np.testing.assert_array_equal(_np(pivots)[i], expected_pivots)
    assert pivots.dtype == tf.int32
    rect = RNG.normal(size=(6, 3)).astype("float32")
    np.testing.assert_allclose(_np(tf.function(linalg.pinv)(rect)), np.linalg.pinv(rect), rtol=1e-4, atol=1e-5)
    target = RNG.normal(size=(6,)).astype("float32")
    expected = np.linalg.lstsq(rect, target, rcond=None)[0]
    np.testing.assert_allclose(_np(tf.function(linalg.lstsq)(rect, target)), expected, rtol=1e-4, atol=1e-5)
    u, s, vh = linalg.svd(rect, full_matrices=False)
    np.testing.assert_allclose(_np(u) * _np(s) @ _np(vh), rect, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("ord_, axis", [(None, None), (None, -1), (1, 0), (np.inf, 1), (0, 2), (3, -1),
                                        ("fro", (1, 2)), ("nuc", (1, 2)), (2, (2, 1)), (-2, (0, 2)),
                                        (1, (1, 2)), (-np.inf, (2, 0))])
def test_norm_follows_numpy_rules_in_tf_function(ord_, axis):
    x = RNG.normal(size=(2, 3, 4)).astype("float32")
    for keepdims in (False, True):
        got = tf.function(lambda v: linalg.norm(v, ord_, axis, keepdims))(x)
        np.testing.assert_allclose(_np(got), np.linalg.norm(x, ord_, axis, keepdims), rtol=1e-4, atol=1e-5)


def test_linalg_dtypes():
    assert linalg.inv(np.eye(2, dtype="int32")).dtype == tf.float32
    assert linalg.det(np.eye(2, dtype="float16")).dtype == tf.float16
    assert linalg.matrix_rank(np.ones((3, 3), "float32")).dtype == tf.int32
    assert cornu.ops.norm(np.arange(4)).dtype == "float32"


def test_affine_and_perspective_transforms_trace_with_unknown_batch():
    transforms = np.tile(np.array([1.0, 0.1, 0.5, 0.0, 1.0, 0.2, 0.0, 0.0], "float32"), (2, 1))
    transforms[1, 2] = -1.3
    for fill_mode in ("constant", "wrap", "reflect"):
        traced = tf.function(lambda x, t: image.affine_transform(x, t, fill_mode=fill_mode, fill_value=0.3),
                             input_signature=[tf.TensorSpec((None, 7, 9, 3)), tf.TensorSpec((None, 8))])
        np.testing.assert_allclose(_np(traced(IMAGES, transforms)),
                                   _np(image.affine_transform(IMAGES, transforms, fill_mode=fill_mode, fill_value=0.3)),
                                   rtol=1e-5, atol=1e-3)
    start = np.tile(np.array([[0, 0], [8, 0], [0, 6], [8, 6]], "float32"), (2, 1, 1))
    end = start + RNG.normal(0, 0.5, (2, 4, 2)).astype("float32")
    traced = tf.function(lambda x, s, e: image.perspective_transform(x, s, e, fill_value=0.25),
                         input_signature=[tf.TensorSpec((None, 7, 9, 3))] + [tf.TensorSpec((None, 4, 2))] * 2)
    expected = _np(image.perspective_transform(IMAGES, start, end, fill_value=0.25))
    np.testing.assert_allclose(_np(traced(IMAGES, start, end)), expected, rtol=1e-4, atol=1e-3)
    rotate = cornu.layers.RandomRotation(0.2, seed=1)
    layer_step = tf.function(lambda x: rotate(x, training=True), input_signature=[tf.TensorSpec((None, 7, 9, 3))])
    assert tuple(layer_step(IMAGES).shape) == IMAGES.shape
