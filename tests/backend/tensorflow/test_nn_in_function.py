"""The TensorFlow nn ops (cornu/backend/tensorflow/nn*.py) give their eager values inside a
``tf.function`` whose batch size is unknown (and, where the op allows, spatial sizes too), and
under XLA (``jit_compile=True``, as the train step runs); their gradients under
``tf.GradientTape``, traced with an unknown batch, match central finite differences in float64.
Eager values themselves are checked against NumPy and the real Keras in tests/ops/."""

import numpy as np
import pytest

from cornu import backend

if backend.backend() != "tensorflow":
    pytest.skip("these check the tensorflow backend (CORNU_BACKEND=tensorflow)", allow_module_level=True)

import tensorflow as tf  # noqa: E402

from cornu import ops  # noqa: E402

nn = backend.nn
RNG = np.random.default_rng(0)


def rand(*shape, dtype="float64"):
    return RNG.uniform(-1, 1, shape).astype(dtype)


IMAGE = rand(2, 6, 5, 4)
SEQUENCE = rand(2, 9, 4)
VOLUME = rand(1, 4, 5, 4, 2)
KERNEL = rand(3, 2, 4, 3)
GROUPED = rand(3, 3, 2, 6)
DEPTHWISE = rand(3, 3, 4, 2)
POINTWISE = rand(1, 1, 8, 3)
VOLUME_KERNEL = rand(2, 2, 2, 2, 3)
BIAS = rand(1, 4, 4, 5)
TRANSPOSE = rand(3, 3, 2, 4)
QUERY, KEYS = rand(2, 4, 4, 3), rand(2, 5, 2, 3)
MASK = RNG.random((2, 1, 4, 5)) > 0.3
LOGITS = rand(3, 6, 5) * 3
LABELS = np.array([[1, 2, 2], [3, 3, 1], [4, 0, 0]], "int32")

# name -> (function of the tensors, the tensors, which of their axes are unknown while tracing:
# "batch", or "all" but the last (the channels of channels-last inputs)).
CASES = {
    "conv[same,strided,dilated]": (lambda x: nn.conv(x, KERNEL, (2, 1), "same", dilation_rate=(2, 2)), [IMAGE], "all"),
    "conv[channels_first,valid]": (lambda x: nn.conv(x, KERNEL, 2, "valid", "channels_first"), [np.transpose(IMAGE, (0, 3, 1, 2))], "batch"),
    "conv[groups]": (lambda x: nn.conv(x, GROUPED, 1, "same"), [IMAGE], "batch"),
    "conv[1d]": (lambda x: nn.conv(x, KERNEL[0], 2, "same"), [SEQUENCE], "all"),
    "conv[3d,channels_first]": (lambda x: nn.conv(x, VOLUME_KERNEL, 1, "same", "channels_first"), [np.moveaxis(VOLUME, -1, 1)], "batch"),
    "depthwise_conv": (lambda x: nn.depthwise_conv(x, DEPTHWISE, 2, "same"), [IMAGE], "all"),
    "depthwise_conv[strided,dilated]": (lambda x: nn.depthwise_conv(x, DEPTHWISE, 2, "same", dilation_rate=2), [IMAGE], "all"),
    "depthwise_conv[1d,channels_first]": (lambda x: nn.depthwise_conv(x, DEPTHWISE[0], 1, "same", "channels_first", 2), [np.transpose(SEQUENCE, (0, 2, 1))], "batch"),
    "separable_conv": (lambda x: nn.separable_conv(x, DEPTHWISE, POINTWISE, 1, "same"), [IMAGE], "batch"),
    "conv_transpose[same]": (lambda x: nn.conv_transpose(x, TRANSPOSE, 2, "same"), [IMAGE], "all"),
    "conv_transpose[valid,output_padding,dilated]": (lambda x: nn.conv_transpose(x, TRANSPOSE, 3, "valid", 1, dilation_rate=2), [IMAGE], "all"),
    "conv_transpose[channels_first]": (lambda x: nn.conv_transpose(x, TRANSPOSE, 2, "same", 1, "channels_first"), [np.transpose(IMAGE, (0, 3, 1, 2))], "batch"),
    "conv_transpose[1d]": (lambda x: nn.conv_transpose(x, TRANSPOSE[0], 2, "valid"), [SEQUENCE], "all"),
    "max_pool[same]": (lambda x: nn.max_pool(x, 3, 2, "same"), [IMAGE], "all"),
    "max_pool[3d,float64]": (lambda x: nn.max_pool(x, 2, 2, "same"), [VOLUME], "all"),
    "average_pool[same]": (lambda x: nn.average_pool(x, (2, 3), 1, "same"), [IMAGE], "all"),
    "average_pool[3d,float64,same]": (lambda x: nn.average_pool(x, 2, 2, "same"), [VOLUME], "all"),
    "average_pool[channels_first]": (lambda x: nn.average_pool(x, 2, None, "valid", "channels_first"), [np.transpose(IMAGE, (0, 3, 1, 2))], "batch"),
    "adaptive_average_pool": (lambda x: nn.adaptive_average_pool(x, (4, 3)), [IMAGE], "batch"),
    "adaptive_max_pool": (lambda x: nn.adaptive_max_pool(x, (3, 2)), [IMAGE], "batch"),
    "unfold": (lambda x: nn.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), [np.transpose(IMAGE, (0, 3, 1, 2))], "batch"),
    "fold": (lambda x: nn.fold(x, (7, 5), 2, padding=1, stride=2), [rand(2, 12, 12)], "batch"),
    "dot_product_attention[causal,gqa]": (lambda q, k: nn.dot_product_attention(q, k, k, is_causal=True), [QUERY, KEYS], "batch"),
    "dot_product_attention[mask,bias,cap]": (
        lambda q, k: nn.dot_product_attention(q, k, k, bias=BIAS, mask=MASK, scale=0.4, attn_logits_soft_cap=2.0),
        [QUERY, KEYS], "batch"),
    "ctc_loss": (lambda logits: nn.ctc_loss(LABELS, logits, np.array([3, 2, 1]), np.array([6, 4, 3])), [LOGITS], "batch"),
    "softmax[axis=None]": (lambda x: nn.softmax(x, axis=None), [SEQUENCE], "all"),
    "log_softmax[axis=(0, 2)]": (lambda x: nn.log_softmax(x, axis=(0, 2)), [SEQUENCE], "all"),
    "gelu": (lambda x: nn.gelu(x, approximate=False), [SEQUENCE], "all"),
    "elu": (lambda x: nn.elu(x, alpha=0.5), [SEQUENCE], "all"),
}


def _spec(value, unknown):
    shape = [None] * (value.ndim - 1) + [value.shape[-1]] if unknown == "all" else [None] + list(value.shape[1:])
    return tf.TensorSpec(shape, tf.as_dtype(value.dtype))


def traced(fn, values, unknown, jit_compile=None):
    graph_fn = tf.function(fn, input_signature=[_spec(v, unknown) for v in values], jit_compile=jit_compile)
    return graph_fn(*[tf.constant(v) for v in values])


@pytest.mark.parametrize("name", sorted(CASES))
def test_traced_with_unknown_dims_matches_eager(name):
    fn, values, unknown = CASES[name]
    eager = fn(*[tf.constant(v) for v in values])
    for out in (traced(fn, values, unknown), traced(fn, values, "batch", jit_compile=True)):
        assert out.dtype == eager.dtype
        assert tuple(out.shape) == tuple(eager.shape)
        np.testing.assert_allclose(out.numpy(), eager.numpy(), rtol=1e-9, atol=1e-9, err_msg=name)


def _gradient(fn, values):
    """d sum(fn(...) * weights) / d inputs, traced with an unknown batch."""
    weights = RNG.uniform(0.5, 1.5, fn(*[tf.constant(v) for v in values]).shape)

    def loss_and_grads(*tensors):
        with tf.GradientTape() as tape:
            tape.watch(tensors)
            loss = tf.reduce_sum(fn(*tensors) * weights)
        return tape.gradient(loss, tensors)

    grads = tf.function(loss_and_grads, input_signature=[_spec(v, "batch") for v in values])(*[tf.constant(v) for v in values])
    return [g.numpy() for g in grads], lambda *arrays: float(tf.reduce_sum(fn(*[tf.constant(a) for a in arrays]) * weights))


# Max pooling has kinks where two window values tie; random inputs keep clear of them.
GRADIENT_CASES = [
    "conv[same,strided,dilated]", "conv[channels_first,valid]", "conv[groups]", "conv[3d,channels_first]",
    "depthwise_conv[strided,dilated]", "depthwise_conv[1d,channels_first]", "separable_conv",
    "conv_transpose[same]", "conv_transpose[valid,output_padding,dilated]", "conv_transpose[channels_first]",
    "max_pool[same]", "max_pool[3d,float64]", "average_pool[same]", "average_pool[3d,float64,same]",
    "adaptive_average_pool", "adaptive_max_pool", "unfold", "fold",
    "dot_product_attention[causal,gqa]", "dot_product_attention[mask,bias,cap]", "log_softmax[axis=(0, 2)]",
]


@pytest.mark.parametrize("name", GRADIENT_CASES)
def test_gradient_matches_finite_differences(name):
    fn, values, _ = CASES[name]
    grads, loss = _gradient(fn, values)
    eps = 1e-6
    directions = np.random.default_rng(1)
    for _ in range(2):
        steps = [directions.normal(size=v.shape) for v in values]
        plus = loss(*[v + eps * s for v, s in zip(values, steps)])
        minus = loss(*[v - eps * s for v, s in zip(values, steps)])
        numeric = (plus - minus) / (2 * eps)
        analytic = sum(float(np.sum(g * s)) for g, s in zip(grads, steps))
        assert abs(numeric - analytic) <= 1e-6 * (1 + abs(analytic)), f"{name}: {analytic} vs {numeric}"


def test_ctc_loss_gradient_matches_finite_differences():
    # tf.nn.ctc_loss computes in float32: a coarser step and tolerance.
    logits = LOGITS[:2, :4].astype("float32")

    def loss(x):
        return tf.reduce_sum(nn.ctc_loss(LABELS[:2], x, np.array([3, 2]), np.array([4, 4])))

    grads, value = _gradient(lambda x: loss(x)[None], [logits])
    step = np.random.default_rng(2).normal(size=logits.shape).astype("float32")
    numeric = (value(logits + 1e-2 * step) - value(logits - 1e-2 * step)) / 2e-2
    np.testing.assert_allclose(np.sum(grads[0] * step), numeric, rtol=2e-2, atol=2e-3)


def test_ctc_loss_of_impossible_labels_is_inf_inside_tf_function():
    fn = tf.function(lambda logits: nn.ctc_loss(np.array([[2, 2], [1, 3]]), logits, np.array([2, 2]), np.array([2, 2])))
    loss = fn(tf.constant(LOGITS[:2, :2].astype("float32"))).numpy()
    assert np.isposinf(loss[0]) and np.isfinite(loss[1])


def test_ctc_loss_dtypes_follow_the_other_backends():
    for dtype, expected in [("float16", tf.float32), ("float32", tf.float32), ("float64", tf.float64)]:
        out = nn.ctc_loss(LABELS, tf.constant(LOGITS, dtype), np.array([3, 2, 1]), np.array([6, 4, 3]))
        assert out.dtype == expected


def test_flash_attention_is_refused_as_keras_tensorflow_does():
    with pytest.raises(ValueError, match="Flash attention is not supported on the TensorFlow backend"):
        nn.dot_product_attention(QUERY, QUERY, QUERY, flash_attention=True)
    ok = nn.dot_product_attention(QUERY, QUERY, QUERY, flash_attention=False)
    np.testing.assert_allclose(ok.numpy(), nn.dot_product_attention(QUERY, QUERY, QUERY).numpy())


def test_fused_kernels_match_the_composite_ops():
    x = rand(2, 3, 5, dtype="float32")
    kernel, bias = tf.constant(rand(5, 4, dtype="float32")), tf.Variable(rand(4, dtype="float32"))
    fused = tf.function(lambda v: nn.matmul_add(v, kernel, bias), input_signature=[tf.TensorSpec((None, 3, 5))])(x)
    assert fused.shape == (2, 3, 4)
    np.testing.assert_allclose(fused.numpy(), x @ kernel.numpy() + bias.numpy(), rtol=1e-5, atol=1e-5)
    ints = [tf.constant(v.numpy().astype("int32")) for v in (kernel, bias)]
    assert nn.matmul_add(tf.constant(x.astype("int32")), *ints) is None
    assert nn.matmul_add(tf.constant(x), tf.cast(kernel, "float64"), bias) is None
    assert nn.matmul_add(x, kernel, bias) is None  # NumPy inputs: the caller's composite converts them

    gamma, beta = rand(5, dtype="float32"), rand(5, dtype="float32")
    normed = nn.trailing_layer_norm(tf.constant(x), gamma, beta, 1, 1e-3).numpy()
    expected = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-3) * gamma + beta
    np.testing.assert_allclose(normed, expected, rtol=1e-5, atol=1e-5)

    logits = rand(4, 5, dtype="float32")
    labels = np.array([0, 4, 7, -1])  # the last two are out of range: a loss of 0, as a zero one-hot row
    loss = nn.sparse_categorical_crossentropy(labels, logits, from_logits=True).numpy()
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    np.testing.assert_allclose(loss, [-log_probs[0, 0], -log_probs[1, 4], 0.0, 0.0], rtol=1e-5, atol=1e-6)
    assert nn.sparse_categorical_crossentropy(labels, logits, from_logits=False) is None
    np.testing.assert_allclose(ops.sparse_categorical_crossentropy(labels[:2], logits[:2], from_logits=True).numpy(), loss[:2], rtol=1e-6)


def test_integer_inputs():
    ints = np.arange(-4, 4, dtype="int32").reshape(1, 2, 4, 1)
    assert nn.relu(ints).dtype == tf.int32
    assert nn.sigmoid(ints).dtype == tf.float32
    assert nn.max_pool(ints, 2).dtype == tf.int32
    np.testing.assert_array_equal(nn.max_pool(ints, 2).numpy().ravel(), [1, 3])
    volume = np.arange(8, dtype="int32").reshape(1, 2, 2, 2, 1)
    assert int(nn.max_pool(volume, 2).numpy().ravel()[0]) == 7  # no int kernel in 3D: offset by offset
    assert nn.average_pool(ints, 2).dtype == tf.float32
    assert nn.conv(ints, np.ones((1, 1, 1, 1), "int32")).dtype == tf.float32
    np.testing.assert_array_equal(nn.fold(nn.unfold(np.arange(16, dtype="int32").reshape(1, 1, 4, 4), 2, stride=2), 4, 2, stride=2).numpy().ravel(), np.arange(16))
    hot = nn.one_hot(np.array([0, 2, -1, 5]), 3, dtype="bool").numpy()
    np.testing.assert_array_equal(hot, [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
