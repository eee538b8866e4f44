"""PyTorch image ops: resizing by separable interpolation matrices.

The ``(out, in)`` weight matrix of each axis is built on the host in float64
the way ``jax.image.resize`` samples (half-pixel centres, kernel widened when
antialiasing a downsample), so every backend gives the same numbers. (The
NumPy backend holds the same helper; backend packages do not import each other.)
"""

import numpy as np
import torch

from cornu.backend.torch.core import convert_to_tensor

RESIZE_METHODS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5")


def _cubic(x):
    # Keys cubic kernel with a = -0.5 (as JAX and PIL use).
    a = -0.5
    out = np.where(x < 1.0, ((a + 2) * x - (a + 3)) * x * x + 1, ((a * x - 5 * a) * x + 8 * a) * x - 4 * a)
    return np.where(x < 2.0, out, 0.0)


def _lanczos(radius):
    def kernel(x):
        with np.errstate(invalid="ignore", divide="ignore"):
            out = radius * np.sin(np.pi * x) * np.sin(np.pi * x / radius) / (np.pi * np.pi * x * x)
        return np.where(x > radius, 0.0, np.where(x < 1e-3, 1.0, out))

    return kernel


_KERNELS = {
    "bilinear": lambda x: np.maximum(0.0, 1.0 - x),
    "bicubic": _cubic,
    "lanczos3": _lanczos(3.0),
    "lanczos5": _lanczos(5.0),
}


def resize_weights(in_size, out_size, method, antialias, scale=None, translation=0.0):
    """The ``(out_size, in_size)`` float64 matrix that resamples one axis.

    Output pixel ``i`` samples the input at ``(i + 0.5 - translation) / scale - 0.5``;
    ``scale`` defaults to ``out_size / in_size`` (a plain resize).
    """
    if method == "nearest":
        source = np.floor((np.arange(out_size) + 0.5) * in_size / out_size).astype(np.int64)
        weights = np.zeros((out_size, in_size))
        weights[np.arange(out_size), np.minimum(source, in_size - 1)] = 1.0
        return weights
    inv_scale = in_size / out_size if scale is None else 1.0 / float(scale)
    kernel_scale = max(inv_scale, 1.0) if antialias else 1.0
    sample = (np.arange(out_size) + 0.5 - float(translation)) * inv_scale - 0.5
    distance = np.abs(sample[:, None] - np.arange(in_size)[None, :]) / kernel_scale
    weights = _KERNELS[method](distance)
    total = weights.sum(axis=1, keepdims=True)
    weights = np.where(np.abs(total) > 1000 * np.finfo(np.float32).eps, weights / np.where(total == 0, 1, total), 0.0)
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return np.where(inside[:, None], weights, 0.0)




def resize(images, size, interpolation="bilinear", antialias=False, data_format="channels_last"):
    images = convert_to_tensor(images)
    if interpolation not in RESIZE_METHODS:
        raise ValueError(f"`interpolation` must be one of {RESIZE_METHODS}. Received: interpolation={interpolation!r}")
    dtype = images.dtype
    x = images if dtype in (torch.float32, torch.float64) else images.to(torch.float32)
    h_axis, w_axis = (-3, -2) if data_format == "channels_last" else (-2, -1)
    wh = torch.as_tensor(resize_weights(x.shape[h_axis], size[0], interpolation, antialias), dtype=x.dtype, device=x.device)
    ww = torch.as_tensor(resize_weights(x.shape[w_axis], size[1], interpolation, antialias), dtype=x.dtype, device=x.device)
    x = torch.movedim(torch.tensordot(wh, torch.movedim(x, h_axis, 0), dims=([1], [0])), 0, h_axis)
    x = torch.movedim(torch.tensordot(ww, torch.movedim(x, w_axis, 0), dims=([1], [0])), 0, w_axis)
    if not dtype.is_floating_point:
        info = torch.iinfo(dtype)
        x = torch.clamp(torch.round(x), info.min, info.max)
    return x.to(dtype)


SCALE_AND_TRANSLATE_KERNELS = {
    "linear": "bilinear", "bilinear": "bilinear", "trilinear": "bilinear", "cubic": "bicubic", "bicubic": "bicubic",
    "tricubic": "bicubic", "lanczos3": "lanczos3", "lanczos5": "lanczos5",
}


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method, antialias=True):
    x = convert_to_tensor(images)
    dtype = x.dtype if x.is_floating_point() else torch.float32
    compute = torch.float64 if dtype == torch.float64 else torch.float32
    x = x.to(compute)
    scale = [float(v) for v in torch.as_tensor(convert_to_tensor(scale)).reshape(-1).tolist()]
    translation = [float(v) for v in torch.as_tensor(convert_to_tensor(translation)).reshape(-1).tolist()]
    for i, axis in enumerate(spatial_dims):
        weights = resize_weights(x.shape[axis], int(output_shape[axis]), SCALE_AND_TRANSLATE_KERNELS[method], antialias,
                                 scale[i], translation[i])
        weights = torch.as_tensor(weights, dtype=compute, device=x.device)
        x = torch.movedim(torch.tensordot(weights, torch.movedim(x, axis, 0), dims=([1], [0])), 0, axis)
    return x.to(dtype)


# Geometric transforms: written once in cornu/backend/common/image_transforms.py over this backend's ops.
from cornu.backend.common import image_transforms as _transforms  # noqa: E402
from cornu.backend.common.array_namespace_ops import install as _install  # noqa: E402
from cornu.backend.common.image_transform_functions import backend_transform_functions  # noqa: E402


_GRID_PADDING = {"constant": "zeros", "nearest": "border", "reflect": "reflection"}


def _bilinear_sample(x, src_y, src_x, fill_mode):
    """``grid_sample`` reading the channels-last batch ``x`` at pixel coordinates ``(src_y, src_x)``.
    With ``align_corners=False`` its reflection is about the image's outer edges and it clamps
    afterwards, which is SciPy's (and Keras's) "reflect"; "border" clamps like "nearest"."""
    batch, height, width, _ = x.shape
    grid_x = (2.0 * src_x + 1.0) / width - 1.0
    grid_y = (2.0 * src_y + 1.0) / height - 1.0
    grid = torch.stack(torch.broadcast_tensors(grid_x, grid_y), dim=-1).to(x.dtype)
    if grid.shape[0] != batch:
        grid = grid.expand(batch, *grid.shape[1:])
    out = torch.nn.functional.grid_sample(x.permute(0, 3, 1, 2), grid, mode="bilinear",
                                          padding_mode=_GRID_PADDING[fill_mode], align_corners=False)
    return out.permute(0, 2, 3, 1)


def _image_ops():
    from cornu.backend.torch import core, linalg, nn, numpy, random

    return _transforms.ImageOps(numpy, core.cast, core.convert_to_tensor, linalg.solve, nn.depthwise_conv,
                                random.normal, bilinear_sample=_bilinear_sample)


_install(globals(), backend_transform_functions(_image_ops))
