"""The hand-written event file writer, read back by TensorBoard's own readers and protobufs."""

import glob
import os
import struct
import zlib

import numpy as np
import pytest

from cornu.callbacks import event_file_writer as efw

from tests.helpers.requirements import require

tensorboard = require("tensorboard")

from tensorboard.backend.event_processing import event_file_loader  # noqa: E402
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.compat.proto import event_pb2  # noqa: E402
from tensorboard.compat.tensorflow_stub import pywrap_tensorflow  # noqa: E402

ALL = {"scalars": 0, "histograms": 0, "images": 0, "tensors": 0}


def load(logdir):
    accumulator = EventAccumulator(str(logdir), size_guidance=ALL)
    accumulator.Reload()
    return accumulator


def test_crc32c_known_values():
    # The standard CRC-32C check value, and TensorBoard's own implementation on random bytes.
    assert efw.crc32c(b"123456789") == 0xE3069283
    data = np.random.RandomState(0).bytes(1000)
    assert efw.masked_crc32c(data) == pywrap_tensorflow.masked_crc32c(data)


def test_record_framing_is_valid(tmp_path):
    writer = efw.EventFileWriter(tmp_path)
    writer.add_scalar("loss", 1.5, step=7)
    writer.close()
    raw = open(writer.path, "rb").read()
    offset, events = 0, []
    while offset < len(raw):
        (length,) = struct.unpack("<Q", raw[offset : offset + 8])
        (length_crc,) = struct.unpack("<I", raw[offset + 8 : offset + 12])
        assert length_crc == pywrap_tensorflow.masked_crc32c(raw[offset : offset + 8])
        data = raw[offset + 12 : offset + 12 + length]
        (data_crc,) = struct.unpack("<I", raw[offset + 12 + length : offset + 16 + length])
        assert data_crc == pywrap_tensorflow.masked_crc32c(data)
        events.append(event_pb2.Event.FromString(data))
        offset += 16 + length
    assert events[0].file_version == "brain.Event:2"
    assert events[1].step == 7
    assert events[1].summary.value[0].tag == "loss"
    assert events[1].summary.value[0].simple_value == 1.5


def test_file_name_and_loader(tmp_path):
    writer = efw.EventFileWriter(tmp_path / "run")
    writer.add_scalar("a", 2.0, step=-1)  # negative steps use ten-byte varints
    writer.close()
    (path,) = glob.glob(str(tmp_path / "run" / "events.out.tfevents.*"))
    assert path.endswith(".v2")
    events = list(event_file_loader.EventFileLoader(path).Load())
    assert [e.step for e in events] == [0, -1]


def test_scalars_histograms_images_and_text_read_by_tensorboard(tmp_path):
    rng = np.random.RandomState(1)
    values = rng.normal(size=(5, 7)).astype("float32")
    writer = efw.EventFileWriter(tmp_path)
    for step in range(3):
        writer.add_scalar("epoch_loss", 1.0 / (step + 1), step=step)
    writer.add_histogram("w/histogram", values, step=2)
    writer.add_images("k/image", rng.uniform(-0.5, 1.5, size=(1, 3, 4, 1)), step=1)
    writer.add_images("c/image", rng.uniform(size=(5, 2, 2, 1)), step=1)
    writer.add_text_tensor("keras", '{"class_name": "Sequential"}', step=0, plugin_name="graph_keras_model",
                           content=b"1")
    writer.close()

    acc = load(tmp_path)
    assert [(e.step, e.value) for e in acc.Scalars("epoch_loss")] == [
        (0, 1.0),
        (1, pytest.approx(0.5)),
        (2, pytest.approx(1 / 3)),
    ]

    (histogram,) = acc.Histograms("w/histogram")
    h = histogram.histogram_value
    assert histogram.step == 2
    assert h.num == values.size
    np.testing.assert_allclose(h.sum, values.astype("float64").sum(), rtol=1e-6)
    np.testing.assert_allclose(h.sum_squares, np.square(values.astype("float64")).sum(), rtol=1e-6)
    assert (h.min, h.max) == (values.min(), values.max())
    as_double = values.astype("float64")
    counts, edges = np.histogram(as_double, bins=30, range=(as_double.min(), as_double.max()))
    np.testing.assert_allclose(h.bucket_limit, edges[1:])
    np.testing.assert_allclose(h.bucket, counts)

    (image,) = acc.Images("k/image")
    assert (image.step, image.width, image.height) == (1, 4, 3)
    # Up to three images per tag, numbered when there are several.
    assert sorted(t for t in acc.Tags()["images"] if t.startswith("c/")) == ["c/image/0", "c/image/1", "c/image/2"]

    (tensor,) = acc.Tensors("keras")
    assert tensor.tensor_proto.string_val == [b'{"class_name": "Sequential"}']
    metadata = acc.SummaryMetadata("keras")
    assert metadata.plugin_data.plugin_name == "graph_keras_model"
    assert metadata.plugin_data.content == b"1"


def test_png_decodes_to_the_clipped_pixels(tmp_path):
    pixels = np.array([[[0], [128], [255]], [[10], [20], [30]]], dtype="uint8")
    png = efw.encode_png(pixels)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # Decode the single IDAT chunk by hand: filter byte 0 then the row.
    idat_start = png.index(b"IDAT") + 4
    (length,) = struct.unpack(">I", png[idat_start - 8 : idat_start - 4])
    raw = zlib.decompress(png[idat_start : idat_start + length])
    assert raw == b"\x00" + bytes([0, 128, 255]) + b"\x00" + bytes([10, 20, 30])
    try:
        from PIL import Image
    except ImportError:
        return
    path = tmp_path / "x.png"
    path.write_bytes(efw.encode_png(np.random.RandomState(0).randint(0, 255, (4, 5, 3)).astype("uint8")))
    assert Image.open(path).size == (5, 4)


def test_histogram_of_constant_and_non_finite_values():
    limits, counts = efw.histogram_buckets(np.full((4,), 2.0))
    assert (limits == 2.0).all() and counts[-1] == 4 and counts[:-1].sum() == 0
    limits, counts = efw.histogram_buckets(np.array([0.0, np.inf, 1.0, np.nan]), bucket_count=2)
    np.testing.assert_allclose(limits, [0.5, 1.0])
    np.testing.assert_allclose(counts, [1, 1])


def test_closed_writer_refuses_writes(tmp_path):
    writer = efw.EventFileWriter(tmp_path)
    writer.close()
    writer.close()  # closing twice is fine
    with pytest.raises(ValueError, match="closed"):
        writer.add_scalar("x", 1.0, step=0)
    assert os.path.getsize(writer.path) > 0
