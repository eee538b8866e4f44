"""nn, math, linalg, core and image ops against NumPy references (values and dtypes)."""

import math

import numpy as np
import pytest

from cornu import backend, ops

from tests.helpers.ops import compiled

RNG = np.random.default_rng(0)


def close(actual, expected, tol=1e-5):
    np.testing.assert_allclose(np.asarray(ops.convert_to_numpy(actual), np.float64), expected, rtol=tol, atol=tol)


def dtype(x):
    return backend.standardize_dtype(x.dtype)


def np_conv2d(x, k, stride=1, pad=((0, 0), (0, 0)), dilation=1):
    x = np.pad(x, ((0, 0),) + tuple(pad) + ((0, 0),))
    kh, kw = k.shape[:2]
    span_h, span_w = (kh - 1) * dilation + 1, (kw - 1) * dilation + 1
    oh, ow = (x.shape[1] - span_h) // stride + 1, (x.shape[2] - span_w) // stride + 1
    out = np.zeros((x.shape[0], oh, ow, k.shape[-1]))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride : i * stride + span_h : dilation, j * stride : j * stride + span_w : dilation, :]
            out[:, i, j] = np.einsum("nhwc,hwco->no", patch, k)
    return out


X = RNG.uniform(-1, 1, (2, 7, 6, 3)).astype("float32")
K = RNG.uniform(-1, 1, (3, 2, 3, 4)).astype("float32")


@pytest.mark.parametrize("stride, padding, dilation", [(1, "valid", 1), (2, "same", 1), (1, "same", 2), (3, "valid", 1)])
def test_conv2d_matches_reference(stride, padding, dilation):
    pad = ((0, 0), (0, 0))
    if padding == "same":
        def amount(size, k):
            span = (k - 1) * dilation + 1
            total = max((-(-size // stride) - 1) * stride + span - size, 0)
            return total // 2, total - total // 2
        pad = (amount(7, 3), amount(6, 2))
    out = ops.conv(X, K, strides=stride, padding=padding, dilation_rate=dilation)
    close(out, np_conv2d(X, K, stride, pad, dilation), 1e-4)
    channels_first = ops.conv(np.transpose(X, (0, 3, 1, 2)), K, strides=stride, padding=padding, data_format="channels_first", dilation_rate=dilation)
    close(channels_first, np.transpose(np_conv2d(X, K, stride, pad, dilation), (0, 3, 1, 2)), 1e-4)


def test_conv1d_groups_and_depthwise():
    x = RNG.uniform(-1, 1, (2, 8, 4)).astype("float32")
    k = RNG.uniform(-1, 1, (3, 2, 6)).astype("float32")  # two groups of 2 input channels
    out = ops.conv(x, k)
    expected = np.concatenate(
        [np_conv2d(x[:, :, None, 2 * g : 2 * g + 2], k[:, None, :, 3 * g : 3 * g + 3])[:, :, 0] for g in range(2)], -1
    )
    close(out, expected, 1e-4)
    dk = RNG.uniform(-1, 1, (3, 3, 3, 2)).astype("float32")
    depthwise = ops.depthwise_conv(X, dk)
    expected = np.concatenate([np_conv2d(X[..., c : c + 1], dk[:, :, c : c + 1, :]) for c in range(3)], -1)
    close(depthwise, expected, 1e-4)


@pytest.mark.parametrize("strides, padding", [(2, "same"), (2, "valid"), (1, "same")])
def test_conv_transpose_is_the_adjoint_of_conv(strides, padding):
    # <conv_transpose(y, k), x> == <y, conv(x, k)> when the shapes line up.
    x = RNG.uniform(-1, 1, (1, 8, 8, 3)).astype("float32")
    k = RNG.uniform(-1, 1, (3, 3, 3, 5)).astype("float32")
    y = ops.convert_to_numpy(ops.conv(x, k, strides=strides, padding=padding))
    y = RNG.uniform(-1, 1, y.shape).astype("float32")
    back = ops.conv_transpose(y, k, strides=strides, padding=padding,
                              output_padding=None if padding == "same" else (8 - ((y.shape[1] - 1) * strides + 3)))
    assert tuple(back.shape) == x.shape
    lhs = float(np.sum(ops.convert_to_numpy(back) * x))
    rhs = float(np.sum(y * ops.convert_to_numpy(ops.conv(x, k, strides=strides, padding=padding))))
    assert abs(lhs - rhs) < 1e-3 * max(1.0, abs(rhs))


def test_pooling_matches_reference():
    x = RNG.uniform(-1, 1, (1, 5, 5, 2)).astype("float32")
    close(ops.max_pool(x, 2), x[:, :4, :4].reshape(1, 2, 2, 2, 2, 2).max(axis=(2, 4)))
    close(ops.average_pool(x, 2), x[:, :4, :4].reshape(1, 2, 2, 2, 2, 2).mean(axis=(2, 4)))
    same = ops.convert_to_numpy(ops.average_pool(x, 2, padding="same"))
    assert same.shape == (1, 3, 3, 2)
    close(same[:, 2, 2], x[:, 4, 4])  # the corner window holds one real pixel
    close(ops.max_pool(x, 3, strides=2, padding="same")[:, 0, 0], x[:, :2, :2].max(axis=(1, 2)))


def test_dot_product_attention_matches_reference():
    q = RNG.uniform(-1, 1, (2, 4, 4, 8)).astype("float32")
    kv = RNG.uniform(-1, 1, (2, 5, 2, 8)).astype("float32")  # grouped-query: 2 kv heads
    mask = RNG.random((2, 1, 4, 5)) > 0.3
    mask[..., 0] = True
    bias = RNG.uniform(-1, 1, (1, 4, 4, 5)).astype("float32")

    def reference(causal=False, soft_cap=None):
        k = np.repeat(kv, 2, axis=2)
        logits = np.einsum("btnh,bsnh->bnts", q, k) / math.sqrt(8)
        if soft_cap:
            logits = soft_cap * np.tanh(logits / soft_cap)
        logits = logits + bias
        keep = mask & (np.tril(np.ones((4, 5), bool)) if causal else True)
        logits = np.where(keep, logits, -1e30)
        w = np.exp(logits - logits.max(-1, keepdims=True))
        w /= w.sum(-1, keepdims=True)
        return np.einsum("bnts,bsnh->btnh", w, k)

    close(ops.dot_product_attention(q, kv, kv, bias=bias, mask=mask), reference(), 1e-4)
    close(ops.dot_product_attention(q, kv, kv, bias=bias, mask=mask, is_causal=True), reference(causal=True), 1e-4)
    close(ops.dot_product_attention(q, kv, kv, bias=bias, mask=mask, attn_logits_soft_cap=2.0), reference(soft_cap=2.0), 1e-4)


def test_activations():
    # Values of every activation are checked against Keras in test_keras_references.py; sparsemax
    # is checked here because Keras's own sparsemax does not project onto the simplex.
    close(ops.sparsemax(np.array([[1.0, 2.0, 5.0], [0.1, 0.2, 0.15]], "float32")), [[0, 0, 1], [0.1 + 0.55 / 3, 0.2 + 0.55 / 3, 0.15 + 0.55 / 3]], 1e-5)
    x = np.linspace(-3, 3, 13).astype("float32")
    close(ops.gelu(x, approximate=False), 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))), 1e-5)
    close(ops.glu(np.concatenate([x, x + 1])), x / (1 + np.exp(-(x + 1))))


def test_normalizations_and_encodings():
    x = RNG.uniform(-1, 1, (3, 4)).astype("float32")
    close(ops.layer_normalization(x, epsilon=1e-6), (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-6), 1e-4)
    img = RNG.uniform(0, 1, (1, 4, 4, 8)).astype("float32")
    close(ops.space_to_depth(ops.depth_to_space(img, 2), 2), img)
    cf = np.transpose(img, (0, 3, 1, 2))
    close(ops.depth_to_space(ops.space_to_depth(cf, 2, "channels_first"), 2, "channels_first"), cf)


def test_math_ops():
    x = RNG.uniform(-2, 2, (3, 5)).astype("float32")
    values, indices = ops.top_k(x, 2)
    assert dtype(indices) == "int32"
    close(values, -np.sort(-x, axis=-1)[:, :2])
    close(ops.in_top_k(np.array([0, 4, 2]), x, 2), np.array([np.sum(x[i] > x[i, t]) < 2 for i, t in enumerate([0, 4, 2])]))
    close(ops.erf(ops.erfinv(np.linspace(-0.99, 0.99, 21).astype("float32"))), np.linspace(-0.99, 0.99, 21), 1e-5)
    assert dtype(ops.erf(np.array([1, 2], "int32"))) == backend.floatx()
    close(ops.irfft(ops.rfft(x), fft_length=5), x, 1e-5)
    signal = RNG.uniform(-1, 1, (2, 30)).astype("float32")
    close(compiled.call(lambda v: ops.istft(ops.stft(v, 8, 2, 8), 8, 2, 8, length=30), (signal,), {}), signal, 1e-5)


def test_linalg_ops():
    a = RNG.uniform(-1, 1, (3, 3)).astype("float32")
    q, r = ops.qr(a)
    close(ops.matmul(q, r), a, 1e-5)
    u, s, vh = ops.svd(a)
    close(ops.matmul(ops.multiply(u, s[None, :]), vh), a, 1e-4)
    spd = a @ a.T + 3 * np.eye(3, dtype="float32")
    w, v = ops.eigh(spd)
    close(ops.matmul(ops.multiply(v, w[None, :]), ops.transpose(v)), spd, 1e-4)
    assert int(ops.convert_to_numpy(ops.matrix_rank(np.eye(3, dtype="float32")))) == 3
    lu, piv = ops.lu_factor(a)
    lu, piv = ops.convert_to_numpy(lu), ops.convert_to_numpy(piv)
    perm = np.arange(3)
    for i, p in enumerate(piv):
        perm[[i, p]] = perm[[p, i]]
    lower = np.tril(lu, -1) + np.eye(3)
    close(lower @ np.triu(lu), a[perm], 1e-4)


def test_core_ops():
    x = np.arange(12, dtype="float32").reshape(3, 4)
    close(ops.slice(x, ops.convert_to_tensor([1, 2]), [2, 2]), x[1:3, 2:4])
    parts = ops.unstack(x, axis=1)
    assert len(parts) == 4
    close(parts[2], x[:, 2])
    carry, ys = ops.scan(lambda c, v: (c + 1.0, c), 0.0, length=3)
    close(ys, [0, 1, 2])
    close(ops.switch(9, [lambda v: v + 1, lambda v: v * 2], np.float32(3)), 6.0)  # index clamped to the last branch
    close(ops.saturate_cast(np.array([300.0, -5.0, 7.4], "float32"), "uint8"), [255, 0, 7])
    assert dtype(ops.saturate_cast(np.array([1.0]), "uint8")) == "uint8"


class _Compiled:
    """``module.fn(...)`` run through ``compiled.call``."""

    def __init__(self, module):
        self.module = module

    def __getattr__(self, name):
        fn = getattr(self.module, name)
        return lambda *args, **kwargs: compiled.call(fn, args, kwargs)


def test_image_ops():
    # Each image op compiled as a whole on JAX (compiled.py): much cheaper than eager composites there.
    image = _Compiled(ops.image)
    img = RNG.uniform(0, 1, (2, 6, 8, 3)).astype("float32")
    close(image.resize(img, (6, 8)), img, 1e-5)
    close(image.resize(img, (3, 4)), img.reshape(2, 3, 2, 4, 2, 3).mean(axis=(2, 4)), 1e-5)  # exact 2x: mean of 2x2
    close(image.resize(img, (12, 16), interpolation="nearest"), img.repeat(2, axis=1).repeat(2, axis=2))
    close(image.hsv_to_rgb(image.rgb_to_hsv(img)), img, 1e-5)
    identity = np.array([1, 0, 0, 0, 1, 0, 0, 0], "float32")
    close(image.affine_transform(img, identity), img, 1e-5)
    shifted = ops.convert_to_numpy(image.affine_transform(img, np.array([1, 0, 1, 0, 1, 0, 0, 0], "float32"), "nearest"))
    close(shifted[:, :, :-1], img[:, :, 1:])
    close(shifted[:, :, -1], 0.0)
    corners = np.array([[0, 0], [7, 0], [7, 5], [0, 5]], "float32")
    close(image.perspective_transform(img, corners, corners), img, 1e-4)
    close(image.scale_and_translate(img, img.shape, [1.0, 1.0], [0.0, 0.0], (1, 2), "linear"), img, 1e-5)
    def elastic(x):  # one program: JAX's random-number kernels are slow to compile
        return (ops.image.elastic_transform(x, alpha=0.0, sigma=1.0, seed=1),
                ops.image.elastic_transform(x, alpha=5.0, sigma=1.0, seed=1),
                ops.image.elastic_transform(x, alpha=5.0, sigma=1.0, seed=1))

    still, warped, again = compiled.call(elastic, (img,), {})
    close(still, img, 1e-5)
    close(warped, again)  # seeded: reproducible
    assert tuple(warped.shape) == img.shape and dtype(warped) == "float32"
    assert np.abs(ops.convert_to_numpy(warped) - img).max() > 1e-2
    close(image.ssim(img, img, filter_size=3), [1.0, 1.0], 1e-5)
    edges = ops.convert_to_numpy(image.sobel_edges(np.ones((1, 4, 4, 1), "float32")))
    assert edges.shape == (1, 4, 4, 1, 2)
    close(edges[:, 1:-1, 1:-1], 0.0)  # flat inside; the zero padding makes the border non-flat
