"""The fast host image loading (Pillow's JPEG decoder without ``Image.open``, images resized one
at a time or in runs of one shape) gives exactly the pixels of the plain path (``Image.open`` +
the batch resize)."""

import io

import numpy as np
import pytest

from cornu.utils import image_decoding, pillow_jpeg
from tests.helpers.image_directories import write_image
from tests.helpers.requirements import require

require("PIL", "pillow")
from PIL import Image, UnidentifiedImageError  # noqa: E402
RNG = np.random.default_rng(0)
_EXIF = Image.Exif()
_EXIF[0x0112] = 6  # an orientation tag: neither path applies it


def _smooth(height, width, channels=3):
    coarse = RNG.integers(0, 256, (4, 5, channels), dtype=np.uint8)
    image = Image.fromarray(coarse[..., 0] if channels == 1 else coarse)
    image = image.resize((width, height), Image.Resampling.BICUBIC)
    return np.asarray(image)


def _jpeg_bytes(pixels, mode=None, **options):
    buffer = io.BytesIO()
    image = Image.fromarray(pixels)
    (image.convert(mode) if mode else image).save(buffer, "JPEG", **options)
    return buffer.getvalue()


@pytest.mark.parametrize("options", [
    {}, {"progressive": True}, {"quality": 95, "subsampling": 0}, {"quality": 40, "subsampling": 2},
    {"optimize": True}, {"restart_marker_blocks": 1}, {"exif": _EXIF.tobytes()},
])
def test_jpeg_short_path_gives_the_pixels_of_image_open(options):
    data = _jpeg_bytes(_smooth(37, 53), **options)
    pixels = pillow_jpeg.decode_rgb_jpeg(data)
    assert pixels is not None and pixels.dtype == np.uint8 and pixels.shape == (37, 53, 3)
    np.testing.assert_array_equal(pixels, np.asarray(Image.open(io.BytesIO(data))))


def test_jpeg_short_path_declines_what_it_does_not_handle():
    rgb = _smooth(20, 30)
    data = _jpeg_bytes(rgb)
    assert pillow_jpeg.decode_rgb_jpeg(_jpeg_bytes(rgb[..., 0])) is None  # grayscale
    assert pillow_jpeg.decode_rgb_jpeg(_jpeg_bytes(rgb, mode="CMYK")) is None
    assert pillow_jpeg.decode_rgb_jpeg(data[: len(data) // 2]) is None  # truncated
    assert pillow_jpeg.decode_rgb_jpeg(b"\x89PNG\r\n\x1a\n" + data) is None
    assert pillow_jpeg.decode_rgb_jpeg(b"") is None


def test_decode_image_file_falls_back_to_image_open(tmp_path):
    rgb = _smooth(20, 30)
    paths = {}
    for name, pixels in [("a.jpg", rgb), ("b.JPEG", rgb), ("c.png", rgb), ("d.jpg", rgb[..., 0])]:
        paths[name] = str(tmp_path / name)
        write_image(paths[name], pixels)
    with open(tmp_path / "truncated.jpg", "wb") as f:
        f.write(open(paths["a.jpg"], "rb").read()[:200])
    for name, path in paths.items():
        for channels, mode in ((3, "RGB"), (1, "L"), (4, "RGBA")):
            expected = np.asarray(Image.open(path).convert(mode))
            got = image_decoding.decode_image_file(path, channels)
            np.testing.assert_array_equal(got, expected.reshape(got.shape), err_msg=f"{name} {mode}")
    with pytest.raises(OSError):
        image_decoding.decode_image_file(str(tmp_path / "truncated.jpg"), 3)


@pytest.mark.parametrize("interpolation", ["bilinear", "bicubic", "lanczos3", "lanczos5", "nearest"])
@pytest.mark.parametrize("shapes", [((40, 32), (24, 24)), ((12, 10), (30, 17)), ((20, 20), (20, 9)),
                                    ((20, 18), (7, 18)), ((16, 16), (16, 16))])
@pytest.mark.parametrize("channels", [1, 3, 4])
def test_resize_image_into_gives_the_numbers_of_the_batch_resize(interpolation, shapes, channels):
    (height, width), size = shapes
    pixels = RNG.integers(0, 256, (height, width, channels), dtype=np.uint8)
    expected = image_decoding.resize_images(pixels[None], size, interpolation)[0]
    out = np.full((2,) + size + (channels,), np.nan, np.float32)
    image_decoding.resize_image_into(pixels, out[1], interpolation)
    np.testing.assert_array_equal(out[1], expected.astype(np.float32))
    assert np.isnan(out[0]).all()  # only its own row is written


@pytest.mark.parametrize("others_loading", [False, True])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_load_image_batch_matches_decoding_then_resizing_the_batch(tmp_path, data_format, others_loading,
                                                                    monkeypatch):
    if others_loading:  # as if another thread were loading a batch: images are resized in groups
        monkeypatch.setattr(image_decoding, "_loading_threads", {-1})
    groups = []  # the image count of every batch resize of several images
    batch_resize = image_decoding.resize_images

    def spy(images, *args, **kwargs):
        if images.ndim == 4:
            groups.append(len(images))
        return batch_resize(images, *args, **kwargs)

    monkeypatch.setattr(image_decoding, "resize_images", spy)
    paths = []
    # Runs of one shape are resized together: a run longer than a group, a short run, a single image.
    shapes = [((30, 40), ".jpg")] * 10 + [((30, 40), ".png"), ((17, 23), ".jpg"), ((30, 40), ".jpeg")]
    for index, (shape, extension) in enumerate(shapes):
        paths.append(str(tmp_path / f"img{index}{extension}"))
        write_image(paths[-1], _smooth(*shape))
    for size, interpolation in [((24, 20), "bilinear"), ((36, 50), "bicubic"), ((10, 10), "nearest")]:
        batch = image_decoding.load_image_batch(paths, size, 3, interpolation, data_format=data_format)
        decoded = [np.asarray(Image.open(path).convert("RGB")) for path in paths]
        expected = np.stack([image_decoding.resize_images(d, size, interpolation) for d in decoded])
        if data_format == "channels_first":
            expected = expected.transpose(0, 3, 1, 2)
        assert batch.dtype == expected.dtype and batch.flags.c_contiguous
        np.testing.assert_array_equal(batch, expected)
    # 11 images of one shape in a row (.jpg and .png), then two lone ones; "nearest" resizes apart.
    assert groups == ([4, 4, 3] * 2 if others_loading else [])


def test_a_failed_load_is_no_longer_counted_as_running(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not an image")
    with pytest.raises(UnidentifiedImageError):
        image_decoding.load_image_batch([str(broken)], (8, 8), 3)
    assert not image_decoding._loading_threads
