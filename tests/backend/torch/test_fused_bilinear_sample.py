"""On torch, bilinear image transforms with zero, nearest or reflect fill run on ``grid_sample``; it must
read the same pixels as the generic four-gather sampler written once for every backend."""

import numpy as np
import pytest

from cornu import backend

if backend.backend() != "torch":
    pytest.skip("the fused sampler is the torch backend's (CORNU_BACKEND=torch)", allow_module_level=True)

import torch  # noqa: E402

from cornu.backend.common import image_transforms  # noqa: E402
from cornu.backend.torch import image  # noqa: E402

RNG = np.random.default_rng(0)
IMAGES = torch.tensor(RNG.uniform(0, 255, (3, 17, 23, 2)).astype("float32"))
TRANSFORMS = torch.tensor(np.array([
    [1.2, 0.3, -9.0, -0.2, 0.9, 14.0, 0.01, -0.004],  # projective, reads far outside the image
    [1.0, 0.0, 25.0, 0.0, 1.0, -30.0, 0.0, 0.0],  # a translation past the borders
    [0.7, 0.0, 3.0, 0.0, 1.4, -2.0, 0.0, 0.0],  # a zoom
], dtype="float32"))


def _generic_ops():
    fused = image._image_ops()
    return image_transforms.ImageOps(fused.numpy, fused.cast, fused.convert_to_tensor, fused.solve,
                                     fused.depthwise_conv, fused.normal)


@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "reflect"])
def test_grid_sample_reads_what_the_generic_sampler_reads(fill_mode):
    fused = image.affine_transform(IMAGES, TRANSFORMS, fill_mode=fill_mode)
    generic = image_transforms.affine_transform(_generic_ops(), IMAGES, TRANSFORMS, fill_mode=fill_mode)
    np.testing.assert_allclose(fused.numpy(), generic.numpy(), atol=2e-3)  # pixel values up to 255


def test_other_fills_and_nearest_interpolation_keep_the_generic_sampler():
    for kwargs in ({"fill_mode": "constant", "fill_value": 7.0}, {"fill_mode": "wrap"}, {"fill_mode": "mirror"},
                   {"interpolation": "nearest"}):
        fused = image.affine_transform(IMAGES, TRANSFORMS, **kwargs)
        generic = image_transforms.affine_transform(_generic_ops(), IMAGES, TRANSFORMS, **kwargs)
        np.testing.assert_array_equal(fused.numpy(), generic.numpy())


def test_gradients_flow_through_the_fused_sampler():
    images = IMAGES.clone().requires_grad_(True)
    image.affine_transform(images, TRANSFORMS, fill_mode="reflect").sum().backward()
    assert images.grad is not None and float(images.grad.abs().sum()) > 0
