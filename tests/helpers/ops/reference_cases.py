"""Cases checked against outputs recorded from the real Keras 3 (on JAX).

Covers the ops outside ``cornu.ops.numpy`` (nn, math, linalg, core, image,
einops), whose references are not a one-line NumPy call. Each case is
``fn(ops, *args, **kwargs)`` with ``ops`` either ``keras.ops`` or ``cornu.ops``,
inputs built from a seeded generator for each input dtype. ``make_keras_references.py``
runs them on Keras and stores values and result dtypes in ``tests/fixtures/ops/keras_references.npz``;
``tests/ops/test_keras_references.py`` replays them on cornu.
"""

import zlib

import numpy as np

from tests.helpers.ops.op_cases import rand

F32 = ("float32",)
HALF = ("float32", "float16", "bfloat16")


class RefCase:
    def __init__(self, id, fn, build, dtypes=F32, tol=None):
        self.id = id
        self.fn = fn
        self.build = build
        self.dtypes = dtypes
        self.tol = tol

    def inputs(self, dtype):
        return self.build(np.random.default_rng(zlib.crc32(self.id.encode())), dtype)


CASES = []


def case(id, fn, build, dtypes=F32, tol=None):
    CASES.append(RefCase(id, fn, build, dtypes, tol))


def x_of(shape, low=-3.0, high=3.0):
    return lambda rng, dt: ((rand(rng, shape, dt, low, high),), {})


def spd(rng, n=3):
    a = rng.uniform(-1, 1, (n, n))
    return (a @ a.T + n * np.eye(n)).astype("float32")


# ------------------------------------------------------------ activations
for name, kwargs in [
    ("relu", {}), ("relu6", {}), ("sigmoid", {}), ("softplus", {}), ("softsign", {}), ("silu", {}), ("swish", {}),
    ("log_sigmoid", {}), ("leaky_relu", {"negative_slope": 0.1}), ("hard_sigmoid", {}), ("elu", {"alpha": 0.5}),
    ("selu", {}), ("gelu", {}), ("celu", {"alpha": 2.0}), ("hard_tanh", {}), ("hard_silu", {}), ("hard_swish", {}),
    ("hard_shrink", {"threshold": 0.7}), ("soft_shrink", {}), ("tanh_shrink", {}), ("sparse_plus", {}),
    ("sparse_sigmoid", {}), ("squareplus", {"b": 2}), ("sparsemax", {}), ("softmax", {"axis": 0}),
    ("log_softmax", {}), ("glu", {}),
]:
    case(name, lambda ops, x, name=name, kwargs=kwargs: getattr(ops, name)(x, **kwargs), x_of((2, 4)), HALF)
case("gelu[exact]", lambda ops, x: ops.gelu(x, approximate=False), x_of((2, 4)), HALF)
case("threshold", lambda ops, x: ops.threshold(x, 0.5, -1.0), x_of((2, 4)), HALF)
case("relu[int]", lambda ops, x: ops.relu(x), x_of((2, 4)), ("int32",))

# ------------------------------------------------------ normalization, losses
case("one_hot", lambda ops, x: ops.one_hot(x, 4), lambda rng, dt: ((np.array([0, 3, -1, 2], "int32"),), {}), ("int32",))
case("one_hot[axis0]", lambda ops, x: ops.one_hot(x, 3, axis=0, dtype="int32"), lambda rng, dt: ((np.array([[0, 2], [1, 1]], "int32"),), {}), ("int32",))
case("multi_hot", lambda ops, x: ops.multi_hot(x, 4), lambda rng, dt: ((np.array([[0, 3], [1, 1]], "int32"),), {}), ("int32",))
case("moments", lambda ops, x: ops.moments(x, axes=[0, 2]), x_of((2, 3, 4)), HALF)
case("moments[keepdims]", lambda ops, x: ops.moments(x, axes=[1], keepdims=True), x_of((2, 3, 4)))
case("batch_normalization", lambda ops, x, m, v, o, s: ops.batch_normalization(x, m, v, axis=-1, offset=o, scale=s),
     lambda rng, dt: ((rand(rng, (2, 3), dt), rand(rng, (3,), dt), rand(rng, (3,), dt, 0.5, 2.0), rand(rng, (3,), dt), rand(rng, (3,), dt)), {}), HALF)
case("normalize", lambda ops, x: ops.normalize(x, axis=0, order=1), x_of((3, 4)), HALF)
case("rms_normalization", lambda ops, x: ops.rms_normalization(x, scale=2.0, epsilon=1e-5), x_of((3, 4)), HALF)
case("layer_normalization", lambda ops, x, g, b: ops.layer_normalization(x, g, b, epsilon=1e-5),
     lambda rng, dt: ((rand(rng, (3, 4), dt), rand(rng, (4,), dt), rand(rng, (4,), dt)), {}), HALF)
case("categorical_crossentropy", lambda ops, t, o: ops.categorical_crossentropy(t, o),
     lambda rng, dt: ((np.eye(4, dtype="float32")[[0, 2, 3]], rand(rng, (3, 4), dt, 0.1, 1.0)), {}))
case("categorical_crossentropy[logits]", lambda ops, t, o: ops.categorical_crossentropy(t, o, from_logits=True, axis=0),
     lambda rng, dt: ((np.eye(3, dtype="float32")[:, [0, 2, 1, 1]], rand(rng, (3, 4), dt)), {}))
case("sparse_categorical_crossentropy", lambda ops, t, o: ops.sparse_categorical_crossentropy(t, o, from_logits=True),
     lambda rng, dt: ((np.array([0, 3, 1], "int32"), rand(rng, (3, 4), dt)), {}))
case("binary_crossentropy", lambda ops, t, o: ops.binary_crossentropy(t, o),
     lambda rng, dt: ((rand(rng, (3, 4), "float32", 0, 1), rand(rng, (3, 4), dt, 0.05, 0.95)), {}))
case("binary_crossentropy[logits]", lambda ops, t, o: ops.binary_crossentropy(t, o, from_logits=True),
     lambda rng, dt: ((rand(rng, (3, 4), "float32", 0, 1), rand(rng, (3, 4), dt)), {}))
case("psnr", lambda ops, a, b: ops.psnr(a, b, 2.0), lambda rng, dt: ((rand(rng, (3, 4), dt, 0, 1), rand(rng, (3, 4), dt, 0, 1)), {}))
case("depth_to_space", lambda ops, x: ops.depth_to_space(x, 2), x_of((1, 2, 3, 8)))
case("space_to_depth", lambda ops, x: ops.space_to_depth(x, 2, data_format="channels_first"), x_of((1, 3, 4, 2)))
case("space_to_depth[cl]", lambda ops, x: ops.space_to_depth(x, 2), x_of((1, 4, 2, 3)))
case("depth_to_space[cf]", lambda ops, x: ops.depth_to_space(x, 2, data_format="channels_first"), x_of((1, 8, 2, 3)))
case("polar", lambda ops, a, b: ops.polar(a, b), lambda rng, dt: ((rand(rng, (4,), dt, 0, 2), rand(rng, (4,), dt)), {}))

# ------------------------------------------------------ convolution, pooling
IMG, CF = (2, 6, 5, 3), (2, 3, 6, 5)
case("conv", lambda ops, x, k: ops.conv(x, k, strides=2, padding="same"), lambda rng, dt: ((rand(rng, IMG, dt), rand(rng, (3, 2, 3, 4), dt)), {}), HALF, tol=2e-4)
case("conv[1d,dilated]", lambda ops, x, k: ops.conv(x, k, dilation_rate=2), lambda rng, dt: ((rand(rng, (2, 9, 3), dt), rand(rng, (3, 3, 2), dt)), {}), tol=2e-4)
case("conv[3d,cf]", lambda ops, x, k: ops.conv(x, k, padding="same", data_format="channels_first"),
     lambda rng, dt: ((rand(rng, (1, 2, 4, 4, 3), dt), rand(rng, (2, 2, 2, 2, 3), dt)), {}), tol=2e-4)
case("depthwise_conv", lambda ops, x, k: ops.depthwise_conv(x, k, padding="same"), lambda rng, dt: ((rand(rng, IMG, dt), rand(rng, (3, 3, 3, 2), dt)), {}), tol=2e-4)
case("separable_conv", lambda ops, x, d, p: ops.separable_conv(x, d, p, strides=2),
     lambda rng, dt: ((rand(rng, IMG, dt), rand(rng, (2, 2, 3, 2), dt), rand(rng, (1, 1, 6, 4), dt)), {}), tol=2e-4)
case("conv_transpose", lambda ops, x, k: ops.conv_transpose(x, k, 2, "same"), lambda rng, dt: ((rand(rng, IMG, dt), rand(rng, (3, 3, 4, 3), dt)), {}), tol=2e-4)
case("conv_transpose[valid,op]", lambda ops, x, k: ops.conv_transpose(x, k, 2, output_padding=1),
     lambda rng, dt: ((rand(rng, (1, 4, 3), dt), rand(rng, (3, 2, 3), dt)), {}), tol=2e-4)
case("max_pool", lambda ops, x: ops.max_pool(x, 2, strides=2, padding="same"), x_of(IMG), HALF)
case("max_pool[1d]", lambda ops, x: ops.max_pool(x, 3, strides=2), x_of((2, 9, 3)))
case("average_pool", lambda ops, x: ops.average_pool(x, (2, 3), strides=1, padding="same"), x_of(IMG), HALF)
case("average_pool[cf]", lambda ops, x: ops.average_pool(x, 2, strides=2, data_format="channels_first"), x_of(CF))
case("adaptive_average_pool", lambda ops, x: ops.adaptive_average_pool(x, (4, 3)), x_of(IMG), HALF)
case("adaptive_average_pool[cf]", lambda ops, x: ops.adaptive_average_pool(x, 2, data_format="channels_first"), x_of(CF))
case("adaptive_average_pool[3d]", lambda ops, x: ops.adaptive_average_pool(x, (3, 2, 3)), x_of((1, 5, 4, 6, 2)))
case("adaptive_max_pool", lambda ops, x: ops.adaptive_max_pool(x, (4, 3)), x_of(IMG), HALF)
case("adaptive_max_pool[1d]", lambda ops, x: ops.adaptive_max_pool(x, 4), x_of((2, 9, 3)))
case("adaptive_max_pool[int]", lambda ops, x: ops.adaptive_max_pool(x, 2), x_of(IMG), ("int32",))
case("unfold", lambda ops, x: ops.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), x_of(CF), HALF)
case("fold", lambda ops, x: ops.fold(x, (7, 5), 2, padding=1, stride=2), x_of((2, 12, 12)), HALF)
case("dot_product_attention", lambda ops, q, k, v: ops.dot_product_attention(q, k, v, is_causal=True),
     lambda rng, dt: ((rand(rng, (2, 4, 2, 3), dt), rand(rng, (2, 4, 2, 3), dt), rand(rng, (2, 4, 2, 3), dt)), {}), HALF, tol=2e-4)
case("dot_product_attention[gqa,mask,bias]", lambda ops, q, k, v, m, b: ops.dot_product_attention(q, k, v, bias=b, mask=m, scale=0.3),
     lambda rng, dt: ((rand(rng, (1, 3, 4, 2), dt), rand(rng, (1, 5, 2, 2), dt), rand(rng, (1, 5, 2, 2), dt),
                       rng.random((1, 4, 3, 5)) > 0.3, rand(rng, (1, 4, 3, 5), dt)), {}), tol=2e-4)

# ------------------------------------------------------------------- CTC
LOGITS = (3, 8, 5)
case("ctc_loss", lambda ops, t, o: ops.ctc_loss(t, o, np.array([3, 2, 1]), np.array([8, 6, 3])),
     lambda rng, dt: ((np.array([[1, 2, 2], [3, 3, 1], [4, 0, 0]], "int32"), rand(rng, LOGITS, dt)), {}), HALF, tol=1e-4)
case("ctc_decode[greedy]", lambda ops, x: ops.ctc_decode(x, np.array([8, 5, 3])), x_of(LOGITS))
case("ctc_decode[greedy,mask2]", lambda ops, x: ops.ctc_decode(x, np.array([8, 5, 3]), merge_repeated=False, mask_index=2), x_of(LOGITS))
case("ctc_decode[beam]", lambda ops, x: ops.ctc_decode(x, np.array([8, 5, 3]), strategy="beam_search", beam_width=6, top_paths=3), x_of(LOGITS), tol=1e-4)
case("ctc_decode[narrow beam]", lambda ops, x: ops.ctc_decode(x, np.array([8, 8, 6]), strategy="beam_search", beam_width=2, top_paths=2, mask_index=4),
     x_of(LOGITS), tol=1e-4)

# ------------------------------------------------------------------- math
case("top_k", lambda ops, x: ops.top_k(x, 3), x_of((2, 6)), HALF)
case("in_top_k", lambda ops, t, p: ops.in_top_k(t, p, 2), lambda rng, dt: ((np.array([0, 4, 2], "int32"), rand(rng, (3, 6), dt)), {}))
case("logsumexp", lambda ops, x: ops.logsumexp(x, axis=-1, keepdims=True), x_of((2, 3, 4)), HALF)
case("logsumexp[all]", lambda ops, x: ops.logsumexp(x), x_of((2, 3, 4)))
SEGMENTS = np.array([0, 0, 2, 3, 3], "int32")
for name in ("segment_sum", "segment_max", "segment_min", "segment_prod"):
    case(name, lambda ops, x, name=name: getattr(ops, name)(x, SEGMENTS, num_segments=4), x_of((5, 2), -2, 2))
case("segment_sum[sorted]", lambda ops, x: ops.segment_sum(x, SEGMENTS, num_segments=4, sorted=True), x_of((5,)))
case("rsqrt", lambda ops, x: ops.rsqrt(x), x_of((2, 3), 0.5, 4.0), HALF)
case("erf", lambda ops, x: ops.erf(x), x_of((2, 3)), HALF)
case("erfc", lambda ops, x: ops.erfc(x), x_of((2, 3)))
case("erfinv", lambda ops, x: ops.erfinv(x), x_of((2, 3), -0.95, 0.95), tol=1e-4)
case("logdet", lambda ops, x: ops.logdet(x), lambda rng, dt: ((spd(rng),), {}), tol=1e-4)
case("cdist", lambda ops, x, y: ops.cdist(x, y), lambda rng, dt: ((rand(rng, (3, 4), dt), rand(rng, (2, 4), dt)), {}))
case("fft", lambda ops, re, im: ops.fft((re, im)), lambda rng, dt: ((rand(rng, (2, 8), dt), rand(rng, (2, 8), dt)), {}), tol=1e-4)
case("fft2", lambda ops, re, im: ops.fft2((re, im)), lambda rng, dt: ((rand(rng, (2, 4, 4), dt), rand(rng, (2, 4, 4), dt)), {}), tol=1e-4)
case("ifft2", lambda ops, re, im: ops.ifft2((re, im)), lambda rng, dt: ((rand(rng, (4, 4), dt), rand(rng, (4, 4), dt)), {}), tol=1e-4)
case("rfft", lambda ops, x: ops.rfft(x, fft_length=10), x_of((2, 8)), tol=1e-4)
case("irfft", lambda ops, re, im: ops.irfft((re, im), fft_length=8), lambda rng, dt: ((rand(rng, (2, 5), dt), rand(rng, (2, 5), dt)), {}), tol=1e-4)
case("extract_sequences", lambda ops, x: ops.extract_sequences(x, 4, 3), x_of((2, 11)), HALF)
case("stft", lambda ops, x: ops.stft(x, 10, 4, 16), x_of((2, 40)), tol=1e-4)
case("stft[hamming,uncentred]", lambda ops, x: ops.stft(x, 8, 3, 8, window="hamming", center=False), x_of((40,)), tol=1e-4)
case("stft[no window]", lambda ops, x: ops.stft(x, 8, 4, 8, window=None), x_of((1, 2, 24)), tol=1e-4)
case("istft", lambda ops, re, im: ops.istft((re, im), 16, 4, 16), lambda rng, dt: ((rand(rng, (2, 9, 9), dt), rand(rng, (2, 9, 9), dt)), {}), tol=1e-4)
case("istft[length,short window]", lambda ops, re, im: ops.istft((re, im), 6, 2, 8, length=12),
     lambda rng, dt: ((rand(rng, (7, 5), dt), rand(rng, (7, 5), dt)), {}), tol=1e-4)
case("istft[no window,uncentred]", lambda ops, re, im: ops.istft((re, im), 8, 2, 8, window=None, center=False),
     lambda rng, dt: ((rand(rng, (6, 5), dt), rand(rng, (6, 5), dt)), {}), tol=1e-4)

# ------------------------------------------------------------------- linalg
case("cholesky", lambda ops, x: ops.cholesky(x), lambda rng, dt: ((spd(rng),), {}), tol=1e-4)
case("cholesky_inverse", lambda ops, x: ops.cholesky_inverse(ops.cholesky(x)), lambda rng, dt: ((spd(rng),), {}), tol=1e-4)
case("det", lambda ops, x: ops.det(x), lambda rng, dt: ((spd(rng),), {}), tol=1e-4)
case("inv", lambda ops, x: ops.inv(x), lambda rng, dt: ((spd(rng),), {}), tol=1e-4)
case("eigh[values]", lambda ops, x: ops.eigh(x)[0], lambda rng, dt: ((spd(rng),), {}), tol=1e-4)
case("eig[values]", lambda ops, x: ops.sort(ops.real(ops.eig(x)[0])), lambda rng, dt: ((spd(rng),), {}), tol=1e-4)
case("lu_factor", lambda ops, x: ops.lu_factor(x), x_of((3, 3)), tol=1e-4)
case("norm", lambda ops, x: ops.norm(x, ord=1, axis=0), x_of((3, 4)))
case("norm[fro]", lambda ops, x: ops.norm(x, ord="fro", axis=(0, 1), keepdims=True), x_of((3, 4)))
case("norm[nuc]", lambda ops, x: ops.norm(x, ord="nuc"), x_of((3, 4)), tol=1e-4)
case("norm[vector inf]", lambda ops, x: ops.norm(x, ord=np.inf, axis=-1), x_of((3, 4)))
case("qr[r]", lambda ops, x: ops.abs(ops.qr(x)[1]), x_of((4, 3)), tol=1e-4)
case("qr[complete]", lambda ops, x: ops.abs(ops.qr(x, mode="complete")[1]), x_of((4, 3)), tol=1e-4)
case("solve", lambda ops, a, b: ops.solve(a, b), lambda rng, dt: ((spd(rng), rand(rng, (3, 2), dt)), {}), tol=1e-4)
case("solve_triangular", lambda ops, a, b: ops.solve_triangular(ops.cholesky(a), b, lower=True),
     lambda rng, dt: ((spd(rng), rand(rng, (3, 2), dt)), {}), tol=1e-4)
case("svd[values]", lambda ops, x: ops.svd(x, compute_uv=False), x_of((4, 3)), tol=1e-4)
case("lstsq", lambda ops, a, b: ops.lstsq(a, b), lambda rng, dt: ((rand(rng, (5, 3), dt), rand(rng, (5, 2), dt)), {}), tol=1e-3)
case("pinv", lambda ops, x: ops.pinv(x), x_of((4, 3)), tol=1e-3)
case("matrix_rank", lambda ops, x: ops.matrix_rank(x), lambda rng, dt: ((np.array([[1, 2, 3], [2, 4, 6], [0, 1, 0]], "float32"),), {}))

# ------------------------------------------------------------------- core
case("cast", lambda ops, x: ops.cast(x, "int16"), x_of((2, 3), -9, 9), HALF)
case("saturate_cast", lambda ops, x: ops.saturate_cast(x, "uint8"), x_of((2, 3), -300, 300), ("float32", "int32"))
case("slice", lambda ops, x: ops.slice(x, (1, 0, 2), (2, 2, 2)), x_of((3, 4, 5)), HALF)
case("slice_update", lambda ops, x, u: ops.slice_update(x, (1, 2), u), lambda rng, dt: ((rand(rng, (3, 5), dt), rand(rng, (2, 2), dt)), {}), HALF)
case("scatter", lambda ops, v: ops.scatter(np.array([[0, 1], [2, 3], [0, 1]], "int32"), v, (3, 4)), x_of((3,)), HALF)
case("scatter_update", lambda ops, x, u: ops.scatter_update(x, np.array([[1], [3]], "int32"), u),
     lambda rng, dt: ((rand(rng, (4, 3), dt), rand(rng, (2, 3), dt)), {}), HALF)
case("unstack", lambda ops, x: ops.unstack(x, axis=1), x_of((2, 3, 2)))
case("stop_gradient", lambda ops, x: ops.stop_gradient(x), x_of((2, 3)), HALF)
case("view_as_real", lambda ops, a, b: ops.view_as_real(ops.view_as_complex(ops.stack([a, b], axis=-1))),
     lambda rng, dt: ((rand(rng, (2, 3), dt), rand(rng, (2, 3), dt)), {}))
case("rearrange", lambda ops, x: ops.rearrange(x, "b (h h1) w c -> b h (w h1 c)", h1=3), x_of((2, 6, 5, 3)), HALF)
case("rearrange[transpose]", lambda ops, x: ops.rearrange(x, "b h w c -> c b w h"), x_of((2, 6, 5, 3)))

# ------------------------------------------------------------------- image
IM = (2, 9, 7, 3)
case("image.resize", lambda ops, x: ops.image.resize(x, (5, 11)), x_of(IM, 0, 1), HALF, tol=1e-4)
for method in ("nearest", "bicubic", "lanczos3", "lanczos5"):
    case(f"image.resize[{method}]", lambda ops, x, m=method: ops.image.resize(x, (5, 11), interpolation=m), x_of(IM, 0, 1), tol=1e-4)
case("image.resize[antialias]", lambda ops, x: ops.image.resize(x, (4, 3), antialias=True), x_of(IM, 0, 1), tol=1e-4)
case("image.resize[crop]", lambda ops, x: ops.image.resize(x, (4, 4), crop_to_aspect_ratio=True), x_of(IM, 0, 1), tol=1e-4)
case("image.resize[pad]", lambda ops, x: ops.image.resize(x, (4, 4), pad_to_aspect_ratio=True, fill_value=0.5), x_of(IM, 0, 1), tol=1e-4)
case("image.resize[int]", lambda ops, x: ops.image.resize(x, (5, 4)), x_of(IM, 0, 200), ("uint8",))
case("image.rgb_to_grayscale", lambda ops, x: ops.image.rgb_to_grayscale(x), x_of(IM, 0, 1), HALF)
case("image.rgb_to_hsv", lambda ops, x: ops.image.rgb_to_hsv(x), x_of(IM, 0, 1), tol=1e-4)
case("image.hsv_to_rgb", lambda ops, x: ops.image.hsv_to_rgb(x), x_of(IM, 0, 1), tol=1e-4)
case("image.pad_images", lambda ops, x: ops.image.pad_images(x, 1, 2, target_height=12, target_width=10), x_of(IM))
case("image.crop_images", lambda ops, x: ops.image.crop_images(x[0], 1, 2, bottom_cropping=3, right_cropping=1), x_of(IM))
case("image.extract_patches", lambda ops, x: ops.image.extract_patches(x, 2, strides=(2, 1)), x_of(IM), HALF)
case("image.extract_patches[same]", lambda ops, x: ops.image.extract_patches(x, (3, 2), padding="same", data_format="channels_first"), x_of(CF))
case("image.extract_patches_3d", lambda ops, x: ops.image.extract_patches_3d(x, (2, 2, 2), strides=(2, 1, 2)), x_of((2, 6, 5, 4, 2)))
case("image.extract_patches_3d[unbatched]", lambda ops, x: ops.image.extract_patches_3d(x, 2), x_of((6, 5, 4, 2)))
COORDS = np.array([[[0.5, 2.2, -1.0, 6.5], [3.7, 0.0, 2.5, 1.2]]], "float32").reshape(2, 4)
for mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
    case(f"image.map_coordinates[{mode}]", lambda ops, x, m=mode: ops.image.map_coordinates(x, COORDS, 1, fill_mode=m, fill_value=-1.0),
         x_of((5, 4)))
case("image.map_coordinates[order0]", lambda ops, x: ops.image.map_coordinates(x, COORDS, 0), x_of((5, 4)))
# Keras on JAX multiplies the channel index by c0, c1 instead of dividing (TF semantics): keep them 0.
TRANSFORMS = np.array([[1.1, 0.2, -1.0, -0.1, 0.9, 0.5, 0.0, 0.0], [0.8, 0.0, 1.0, 0.0, 1.2, -1.0, 0.0, 0.0]], "float32")
for mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
    case(f"image.affine_transform[{mode}]", lambda ops, x, m=mode: ops.image.affine_transform(x, TRANSFORMS, fill_mode=m, fill_value=0.5),
         x_of(IM, 0, 1), tol=1e-4)
case("image.affine_transform[nearest interpolation]", lambda ops, x: ops.image.affine_transform(x[:1], TRANSFORMS[0], interpolation="nearest"), x_of(IM, 0, 1))
POINTS = np.array([[[0, 0], [6, 0], [6, 8], [0, 8]], [[1, 0], [5, 1], [6, 7], [0, 8]]], "float32")
case("image.perspective_transform", lambda ops, x: ops.image.perspective_transform(x, POINTS, POINTS[::-1]), x_of(IM, 0, 1), tol=1e-4)
case("image.perspective_transform[nearest]", lambda ops, x: ops.image.perspective_transform(x[:1], POINTS[:1], POINTS[1:], "nearest", 0.5),
     x_of(IM, 0, 1), tol=1e-4)
# Explicit data_format: Keras 3.15 on JAX treats data_format=None as channels-first here (a Keras bug).
case("image.gaussian_blur", lambda ops, x: ops.image.gaussian_blur(x, (3, 5), (1.0, 2.0), data_format="channels_last"), x_of(IM, 0, 1), HALF, tol=1e-4)
case("image.gaussian_blur[cf]", lambda ops, x: ops.image.gaussian_blur(x, data_format="channels_first"), x_of(CF, 0, 1), tol=1e-4)
case("image.sobel_edges", lambda ops, x: ops.image.sobel_edges(x), x_of(IM, 0, 1), tol=1e-4)
case("image.sobel_edges[cf]", lambda ops, x: ops.image.sobel_edges(x, data_format="channels_first"), x_of(CF, 0, 1), tol=1e-4)
case("image.scale_and_translate", lambda ops, x: ops.image.scale_and_translate(x, (2, 12, 5, 3), np.array([1.4, 0.7], "float32"),
                                                                          np.array([0.5, -1.0], "float32"), (1, 2), "cubic"), x_of(IM, 0, 1), tol=1e-4)
case("image.scale_and_translate[linear]", lambda ops, x: ops.image.scale_and_translate(x, (5, 6), np.array([0.5, 0.7], "float32"),
                                                                                  np.array([0.0, 1.0], "float32"), (0, 1), "linear", antialias=False),
     x_of((9, 7)), tol=1e-4)
case("image.scale_and_translate[lanczos]", lambda ops, x: ops.image.scale_and_translate(x, (2, 4, 10, 3), np.array([0.5, 1.5], "float32"),
                                                                                   np.array([0.2, 0.0], "float32"), (1, 2), "lanczos5"), x_of(IM, 0, 1), tol=1e-4)
case("image.ssim", lambda ops, a, b: ops.image.ssim(a, b, filter_size=7, filter_sigma=1.0),
     lambda rng, dt: ((rand(rng, IM, dt, 0, 1), rand(rng, IM, dt, 0, 1)), {}), tol=1e-4)
case("image.ssim[unbatched]", lambda ops, a, b: ops.image.ssim(a, b, max_val=2.0, filter_size=5, k1=0.02),
     lambda rng, dt: ((rand(rng, (8, 8, 2), dt, 0, 2), rand(rng, (8, 8, 2), dt, 0, 2)), {}), tol=1e-4)
