"""JAX image ops: resizing with ``jax.image.resize``."""

import jax
import jax.numpy as jnp

from cornu.backend.jax.core import convert_to_tensor

RESIZE_METHODS = {"bilinear": "linear", "nearest": "nearest", "bicubic": "cubic", "lanczos3": "lanczos3", "lanczos5": "lanczos5"}


def resize(images, size, interpolation="bilinear", antialias=False, data_format="channels_last"):
    images = convert_to_tensor(images)
    if interpolation not in RESIZE_METHODS:
        raise ValueError(f"`interpolation` must be one of {tuple(RESIZE_METHODS)}. Received: interpolation={interpolation!r}")
    shape = list(images.shape)
    h_axis, w_axis = (-3, -2) if data_format == "channels_last" else (-2, -1)
    shape[h_axis], shape[w_axis] = size
    dtype = images.dtype
    x = images if jnp.issubdtype(dtype, jnp.floating) else images.astype("float32")
    out = jax.image.resize(x, shape, method=RESIZE_METHODS[interpolation], antialias=antialias)
    if jnp.issubdtype(dtype, jnp.integer):
        info = jnp.iinfo(dtype)
        out = jnp.clip(jnp.round(out), info.min, info.max)
    return out.astype(dtype)


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method, antialias=True):
    images = convert_to_tensor(images)
    scale, translation = convert_to_tensor(scale), convert_to_tensor(translation)
    return jax.image.scale_and_translate(images, tuple(output_shape), tuple(spatial_dims), scale, translation, method,
                                         antialias)


# Geometric transforms: written once in cornu/backend/common/image_transforms.py over this backend's ops.
from cornu.backend.common import image_transforms as _transforms  # noqa: E402
from cornu.backend.common.array_namespace_ops import install as _install  # noqa: E402
from cornu.backend.common.image_transform_functions import backend_transform_functions  # noqa: E402


def _image_ops():
    from cornu.backend.jax import core, linalg, nn, numpy, random

    return _transforms.ImageOps(numpy, core.cast, core.convert_to_tensor, linalg.solve, nn.depthwise_conv,
                                random.normal)


_install(globals(), backend_transform_functions(_image_ops))
