"""nn, math, linalg, core and image ops against NumPy references (values and dtypes)."""

import math

import numpy as np
import pytest

from cornu import backend, ops

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
    x = np.linspace(-3, 3, 13).astype("float32")
    sig = 1 / (1 + np.exp(-x))
    close(ops.celu(x, alpha=0.5), np.maximum(x, 0) + np.minimum(0, 0.5 * (np.exp(x / 0.5) - 1)))
    close(ops.hard_tanh(x), np.clip(x, -1, 1))
    close(ops.hard_silu(x), x * np.clip(x / 6 + 0.5, 0, 1))
    close(ops.hard_shrink(x, 1.0), np.where(np.abs(x) > 1.0, x, 0))
    close(ops.soft_shrink(x, 1.0), np.sign(x) * np.maximum(np.abs(x) - 1.0, 0))
    close(ops.tanh_shrink(x), x - np.tanh(x))
    close(ops.threshold(x, 0.5, -1.0), np.where(x > 0.5, x, -1.0))
    close(ops.squareplus(x, 2), (x + np.sqrt(x * x + 2)) / 2)
    close(ops.sparse_sigmoid(x), np.clip((x + 1) / 2, 0, 1))
    close(ops.sparse_plus(x), np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)))
    close(ops.glu(np.concatenate([x, x + 1])), x / (1 + np.exp(-(x + 1))))
    close(ops.gelu(x, approximate=False), 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))), 1e-5)
    close(ops.sigmoid(x), sig)
    close(ops.sparsemax(np.array([[1.0, 2.0, 5.0], [0.1, 0.2, 0.15]], "float32")), [[0, 0, 1], [0.1 + 0.55 / 3, 0.2 + 0.55 / 3, 0.15 + 0.55 / 3]], 1e-5)


def test_normalizations_and_encodings():
    x = RNG.uniform(-1, 1, (3, 4)).astype("float32")
    close(ops.normalize(x), x / np.linalg.norm(x, axis=-1, keepdims=True), 1e-5)
    close(ops.rms_normalization(x, scale=2.0, epsilon=1e-6), 2 * x / np.sqrt(np.mean(x * x, -1, keepdims=True) + 1e-6), 1e-5)
    close(ops.layer_normalization(x, epsilon=1e-6), (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-6), 1e-4)
    close(ops.multi_hot(np.array([[0, 2], [1, 1]], "int32"), 3), [[1, 0, 1], [0, 1, 0]])
    img = RNG.uniform(0, 1, (1, 4, 4, 8)).astype("float32")
    close(ops.space_to_depth(ops.depth_to_space(img, 2), 2), img)
    close(ops.psnr(np.zeros((4,), "float32"), np.full((4,), 0.1, "float32"), 1.0), 20.0, 1e-4)


def test_math_ops():
    x = RNG.uniform(-2, 2, (3, 5)).astype("float32")
    values, indices = ops.top_k(x, 2)
    assert dtype(indices) == "int32"
    close(values, -np.sort(-x, axis=-1)[:, :2])
    close(ops.in_top_k(np.array([0, 4, 2]), x, 2), np.array([np.sum(x[i] > x[i, t]) < 2 for i, t in enumerate([0, 4, 2])]))
    close(ops.logsumexp(x, axis=1), np.log(np.sum(np.exp(x), axis=1)))
    close(ops.logsumexp(x), np.log(np.sum(np.exp(x))))
    ids = np.array([0, 0, 2], "int32")
    close(ops.segment_sum(x, ids, num_segments=3), [x[0] + x[1], np.zeros(5), x[2]])
    close(ops.segment_max(x, ids, num_segments=3)[::2], [np.maximum(x[0], x[1]), x[2]])
    close(ops.rsqrt(np.array([4.0, 0.25], "float32")), [0.5, 2.0])
    grid = np.linspace(-3, 3, 61).astype("float32")
    close(ops.erf(grid), np.vectorize(math.erf)(grid), 1e-6)
    close(ops.erfc(grid), np.vectorize(math.erfc)(grid), 1e-6)
    close(ops.erf(ops.erfinv(np.linspace(-0.99, 0.99, 21).astype("float32"))), np.linspace(-0.99, 0.99, 21), 1e-5)
    assert dtype(ops.erf(np.array([1, 2], "int32"))) == backend.floatx()
    real, imag = ops.rfft(x)
    close(real, np.fft.rfft(x).real, 1e-4)
    close(imag, np.fft.rfft(x).imag, 1e-4)
    re, im = ops.fft((x, np.zeros_like(x)))
    close(re, np.fft.fft(x).real, 1e-4)
    close(ops.irfft(ops.rfft(x), fft_length=5), x, 1e-5)
    close(ops.extract_sequences(np.arange(6.0, dtype="float32"), 3, 2), [[0, 1, 2], [2, 3, 4]])
    close(ops.cdist(x[:2], x), np.linalg.norm(x[:2, None] - x[None], axis=-1), 1e-5)


def test_linalg_ops():
    a = RNG.uniform(-1, 1, (3, 3)).astype("float32")
    spd = a @ a.T + 3 * np.eye(3, dtype="float32")
    b = RNG.uniform(-1, 1, (3, 2)).astype("float32")
    close(ops.inv(spd), np.linalg.inv(spd), 1e-4)
    close(ops.solve(spd, b), np.linalg.solve(spd, b), 1e-4)
    close(ops.det(spd), np.linalg.det(spd), 1e-4)
    chol = np.linalg.cholesky(spd)
    close(ops.cholesky(spd), chol, 1e-4)
    close(ops.cholesky(spd, upper=True), chol.T, 1e-4)
    close(ops.cholesky_inverse(chol), np.linalg.inv(spd), 1e-4)
    close(ops.solve_triangular(chol, b, lower=True), np.linalg.solve(chol, b), 1e-4)
    close(ops.norm(a), np.linalg.norm(a), 1e-5)
    close(ops.norm(a, ord=1, axis=0), np.linalg.norm(a, 1, axis=0), 1e-5)
    close(ops.norm(a, ord="fro", axis=(0, 1)), np.linalg.norm(a, "fro"), 1e-5)
    close(ops.norm(a, ord=2), np.linalg.norm(a, 2), 1e-4)
    w, v = ops.eigh(spd)
    close(w, np.linalg.eigh(spd)[0], 1e-4)
    q, r = ops.qr(a)
    close(ops.matmul(q, r), a, 1e-5)
    u, s, vh = ops.svd(a)
    close(s, np.linalg.svd(a)[1], 1e-4)
    close(ops.svd(a, compute_uv=False), np.linalg.svd(a)[1], 1e-4)
    close(ops.pinv(a), np.linalg.pinv(a), 1e-3)
    close(ops.lstsq(a, b), np.linalg.lstsq(a, b, rcond=None)[0], 1e-3)
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
    close(ops.slice(x, [1, 1], [2, 2]), x[1:3, 1:3])
    close(ops.slice(x, ops.convert_to_tensor([1, 2]), [2, 2]), x[1:3, 2:4])
    updated = x.copy()
    updated[0:2, 1:3] = -1
    close(ops.slice_update(x, [0, 1], -np.ones((2, 2), "float32")), updated)
    close(ops.scatter(np.array([[0, 1], [2, 3], [0, 1]]), np.array([1.0, 2.0, 3.0], "float32"), (3, 4)),
          [[0, 4, 0, 0], [0, 0, 0, 0], [0, 0, 0, 2]])
    upd = x.copy()
    upd[1] = 0
    close(ops.scatter_update(x, np.array([[1]]), np.zeros((1, 4), "float32")), upd)
    close(ops.scatter_update(x, np.array([[0, 0], [0, 0]]), np.array([5.0, 6.0], "float32"), reduction="add"),
          np.where(np.arange(12).reshape(3, 4) == 0, 11.0, x))
    parts = ops.unstack(x, axis=1)
    assert len(parts) == 4
    close(parts[2], x[:, 2])
    close(ops.map(lambda row: ops.sum(row), x), x.sum(1))
    carry, ys = ops.scan(lambda c, v: (c + v, c * 2), np.zeros((4,), "float32"), x)
    close(carry, x.sum(0))
    close(ys, 2 * np.cumsum(np.vstack([np.zeros(4), x[:-1]]), axis=0))
    carry, ys = ops.scan(lambda c, v: (c + 1.0, c), 0.0, length=3)
    close(ys, [0, 1, 2])
    close(ops.associative_scan(ops.add, np.arange(5.0, dtype="float32")), np.cumsum(np.arange(5.0)))
    close(ops.associative_scan(ops.add, np.arange(5.0, dtype="float32"), reverse=True), np.cumsum(np.arange(5.0)[::-1])[::-1])
    close(ops.switch(1, [lambda v: v + 1, lambda v: v * 2], np.float32(3)), 6.0)
    close(ops.switch(9, [lambda v: v + 1, lambda v: v * 2], np.float32(3)), 6.0)
    close(ops.vectorized_map(lambda row: row * 2, x), x * 2)
    close(ops.fori_loop(0, 3, lambda i, v: v + i, 0.0), 3.0)
    close(ops.saturate_cast(np.array([300.0, -5.0, 7.4], "float32"), "uint8"), [255, 0, 7])
    assert dtype(ops.saturate_cast(np.array([1.0]), "uint8")) == "uint8"


def test_image_ops():
    img = RNG.uniform(0, 1, (2, 6, 8, 3)).astype("float32")
    same = ops.image.resize(img, (6, 8))
    close(same, img, 1e-5)
    down = ops.convert_to_numpy(ops.image.resize(img, (3, 4)))
    close(down, img.reshape(2, 3, 2, 4, 2, 3).mean(axis=(2, 4)), 1e-5)  # bilinear at exact 2x: mean of 2x2
    near = ops.image.resize(img, (12, 16), interpolation="nearest")
    close(near, img.repeat(2, axis=1).repeat(2, axis=2))
    assert tuple(ops.image.resize(img[0], (5, 5), interpolation="bicubic", antialias=True).shape) == (5, 5, 3)
    assert tuple(ops.image.resize(img, (4, 4), crop_to_aspect_ratio=True).shape) == (2, 4, 4, 3)
    assert tuple(ops.image.resize(img, (4, 4), pad_to_aspect_ratio=True).shape) == (2, 4, 4, 3)
    patches = ops.convert_to_numpy(ops.image.extract_patches(img, 2))
    assert patches.shape == (2, 3, 4, 12)
    close(patches[:, 1, 2], img[:, 2:4, 4:6].reshape(2, 12))
    gray = ops.image.rgb_to_grayscale(img)
    close(gray, (img @ np.array([0.2989, 0.5870, 0.1140]))[..., None], 1e-5)
    close(ops.image.hsv_to_rgb(ops.image.rgb_to_hsv(img)), img, 1e-5)
    identity = ops.image.affine_transform(img, np.array([1, 0, 0, 0, 1, 0, 0, 0], "float32"))
    close(identity, img, 1e-5)
    shifted = ops.convert_to_numpy(ops.image.affine_transform(img, np.array([1, 0, 1, 0, 1, 0, 0, 0], "float32"), "nearest"))
    close(shifted[:, :, :-1], img[:, :, 1:])
    close(shifted[:, :, -1], 0.0)
    close(ops.image.map_coordinates(np.arange(4.0, dtype="float32"), [np.array([0.5, 2.0, 5.0], "float32")], 1), [0.5, 2.0, 0.0])
    close(ops.image.pad_images(img, 1, 2, 0, 0), np.pad(img, ((0, 0), (1, 0), (2, 0), (0, 0))))
    close(ops.image.crop_images(img, 1, 2, target_height=3, target_width=4), img[:, 1:4, 2:6])
    blur = ops.convert_to_numpy(ops.image.gaussian_blur(np.ones((1, 5, 5, 2), "float32")))
    close(blur[:, 2, 2], 1.0, 1e-5)
    edges = ops.convert_to_numpy(ops.image.sobel_edges(np.ones((1, 4, 4, 1), "float32")))
    assert edges.shape == (1, 4, 4, 1, 2)
    close(edges, 0.0)
