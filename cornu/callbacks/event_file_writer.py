"""TensorBoard event files, written without TensorFlow (or the tensorboard package).

An event file is a sequence of TFRecords, each holding one serialized
``tensorboard.Event`` protocol buffer. A record is framed as::

    uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)

(little endian). The first event carries ``file_version = "brain.Event:2"``;
later ones carry a ``Summary`` with one value per tag. The few protocol
buffer messages needed are encoded by hand below (field numbers from
TensorBoard's ``event.proto``, ``summary.proto`` and ``tensor.proto``):

- scalars as ``Summary.Value.simple_value``,
- histograms as ``HistogramProto`` (30 equal-width buckets, as TensorFlow 2
  computes them),
- images as PNG-encoded ``Summary.Image``,
- text (the Keras model config) as a scalar string ``TensorProto`` with
  plugin metadata.

TensorBoard reads all of these natively.
"""

import itertools
import os
import socket
import struct
import threading
import time
import zlib

import numpy as np

# ------------------------------------------------------------------- CRC32C


def _crc32c_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC32C_TABLE = _crc32c_table()


def crc32c(data):
    """The CRC-32C (Castagnoli) checksum of ``data`` (bytes), as TFRecords use it.

    Example:
    >>> hex(crc32c(b"123456789"))
    '0xe3069283'
    """
    table = _CRC32C_TABLE
    crc = 0xFFFFFFFF
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """The CRC-32C of ``data``, rotated and offset the way TFRecord framing stores it."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def tfrecord(data):
    """``data`` framed as one TFRecord: length, its masked CRC, the data, its masked CRC."""
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked_crc32c(header)) + data + struct.pack("<I", masked_crc32c(data))


# ------------------------------------------------------- protobuf encoding


def _varint(value):
    value &= 0xFFFFFFFFFFFFFFFF  # negative int64s take ten bytes, as protobuf writes them
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _key(field, wire_type):
    return _varint((field << 3) | wire_type)


def _int_field(field, value):
    return _key(field, 0) + _varint(int(value))


def _double_field(field, value):
    return _key(field, 1) + struct.pack("<d", float(value))


def _float_field(field, value):
    return _key(field, 5) + struct.pack("<f", float(value))


def _bytes_field(field, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return _key(field, 2) + _varint(len(data)) + data


def _packed_doubles_field(field, values):
    values = [float(v) for v in values]
    return _bytes_field(field, struct.pack(f"<{len(values)}d", *values))


def _summary_value(tag, payload, metadata=b""):
    """A ``Summary.Value``: ``tag`` (1), optional ``metadata`` (9), then the encoded value field."""
    value = _bytes_field(1, tag)
    if metadata:
        value += _bytes_field(9, metadata)
    return value + payload


def _plugin_metadata(plugin_name, content=b""):
    plugin_data = _bytes_field(1, plugin_name)
    if content:
        plugin_data += _bytes_field(2, content)
    return _bytes_field(1, plugin_data)  # SummaryMetadata.plugin_data


def _event(step, wall_time, summary_values=None, file_version=None):
    event = _double_field(1, wall_time) + _int_field(2, step)
    if file_version is not None:
        event += _bytes_field(3, file_version)
    if summary_values:
        event += _bytes_field(5, b"".join(_bytes_field(1, v) for v in summary_values))
    return event


# ----------------------------------------------------------------- values


def scalar_value(tag, value):
    """An encoded ``Summary.Value`` holding the float ``value`` (``simple_value``)."""
    return _summary_value(tag, _float_field(2, value))


def histogram_buckets(values, bucket_count=30):
    """``(bucket_right_edges, counts)`` of ``values`` over ``bucket_count`` equal-width buckets.

    As TensorFlow 2's histogram summary: buckets span ``[min, max]``; when
    every value is the same, all edges sit on it and the last bucket counts
    them all. Infinite and NaN values are left out of the buckets.

    Example:
    >>> histogram_buckets(np.array([0.0, 1.0, 1.0]), bucket_count=2)
    (array([0.5, 1. ]), array([1., 2.]))
    """
    values = np.asarray(values, dtype="float64").ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return np.zeros((0,)), np.zeros((0,))
    low, high = float(values.min()), float(values.max())
    if low == high:
        counts = np.zeros((bucket_count,))
        counts[-1] = values.size
        return np.full((bucket_count,), high), counts
    counts, edges = np.histogram(values, bins=bucket_count, range=(low, high))
    return edges[1:], counts.astype("float64")


def histogram_value(tag, values, bucket_count=30):
    """An encoded ``Summary.Value`` holding a ``HistogramProto`` of ``values``."""
    values = np.asarray(values, dtype="float64").ravel()
    limits, counts = histogram_buckets(values, bucket_count)
    low, high = (float(values.min()), float(values.max())) if values.size else (0.0, 0.0)
    histo = (
        _double_field(1, low)
        + _double_field(2, high)
        + _double_field(3, values.size)
        + _double_field(4, values.sum())
        + _double_field(5, np.square(values).sum())
    )
    if len(limits):
        histo += _packed_doubles_field(6, limits) + _packed_doubles_field(7, counts)
    return _summary_value(tag, _bytes_field(5, histo))


def encode_png(pixels):
    """PNG bytes of ``pixels``, a ``uint8`` array of shape ``(height, width, channels)``.

    ``channels`` is 1 (grey), 3 (RGB) or 4 (RGBA).

    Example:
    >>> encode_png(np.zeros((2, 3, 1), "uint8"))[:4]
    b'\\x89PNG'
    """
    pixels = np.ascontiguousarray(pixels, dtype="uint8")
    height, width, channels = pixels.shape
    color_type = {1: 0, 3: 2, 4: 6}[channels]

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = pixels.reshape(height, width * channels)
    raw = b"".join(b"\x00" + row.tobytes() for row in rows)  # filter type 0 on every row
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def image_value(tag, pixels):
    """An encoded ``Summary.Value`` holding one PNG image (``uint8``, ``(height, width, channels)``)."""
    height, width, channels = pixels.shape
    image = _int_field(1, height) + _int_field(2, width) + _int_field(3, channels) + _bytes_field(4, encode_png(pixels))
    return _summary_value(tag, _bytes_field(4, image))


def string_tensor_value(tag, text, plugin_name, content=b""):
    """An encoded ``Summary.Value`` holding a scalar string tensor tagged for ``plugin_name``."""
    tensor = _int_field(1, 7) + _bytes_field(2, b"") + _bytes_field(8, text)  # DT_STRING, shape [], string_val
    return _summary_value(tag, _bytes_field(8, tensor), metadata=_plugin_metadata(plugin_name, content))


# ----------------------------------------------------------------- writer

_FILE_COUNTER = itertools.count()


class EventFileWriter:
    """Appends events to a new ``events.out.tfevents.*`` file in ``logdir``.

    Writes are buffered; ``flush`` pushes them to disk and ``close`` ends the
    file. Safe to call from several threads.

    Example:
    >>> writer = EventFileWriter("logs/train")
    >>> writer.add_scalar("epoch_loss", 0.25, step=0)
    >>> writer.close()
    """

    def __init__(self, logdir):
        self.logdir = os.fspath(logdir)
        os.makedirs(self.logdir, exist_ok=True)
        now = time.time()
        name = f"events.out.tfevents.{int(now):010d}.{socket.gethostname()}.{os.getpid()}.{next(_FILE_COUNTER)}.v2"
        self.path = os.path.join(self.logdir, name)
        self._lock = threading.Lock()
        self._file = open(self.path, "wb")
        self._write(_event(0, now, file_version="brain.Event:2"))
        self.flush()

    @property
    def closed(self):
        return self._file is None

    def _write(self, event):
        with self._lock:
            if self._file is None:
                raise ValueError(f"The event file {self.path} is closed.")
            self._file.write(tfrecord(event))

    def add_values(self, values, step, wall_time=None):
        """Writes one event holding the encoded summary ``values`` at ``step``."""
        self._write(_event(int(step), time.time() if wall_time is None else wall_time, summary_values=values))

    def add_scalar(self, tag, value, step, wall_time=None):
        """Logs a float under ``tag``."""
        self.add_values([scalar_value(tag, value)], step, wall_time)

    def add_histogram(self, tag, values, step, bucket_count=30, wall_time=None):
        """Logs the distribution of the array ``values`` under ``tag``."""
        self.add_values([histogram_value(tag, values, bucket_count)], step, wall_time)

    def add_images(self, tag, images, step, max_outputs=3, wall_time=None):
        """Logs up to ``max_outputs`` images from ``images`` (``(count, height, width, channels)`` floats in [0, 1]).

        One image is tagged ``tag``; several are tagged ``tag/0``, ``tag/1``, ...
        """
        images = np.asarray(images, dtype="float64")[:max_outputs]
        # As TensorFlow converts float images: clip to [0, 1], scale to 0..255, round.
        pixels = np.floor(np.clip(images, 0.0, 1.0) * 255.0 + 0.5).astype("uint8")
        if len(pixels) == 1:
            values = [image_value(tag, pixels[0])]
        else:
            values = [image_value(f"{tag}/{i}", image) for i, image in enumerate(pixels)]
        self.add_values(values, step, wall_time)

    def add_text_tensor(self, tag, text, step, plugin_name, content=b"", wall_time=None):
        """Logs the string ``text`` as a tensor summary for the TensorBoard plugin ``plugin_name``."""
        self.add_values([string_tensor_value(tag, text, plugin_name, content)], step, wall_time)

    def flush(self):
        """Writes the buffered events to disk."""
        with self._lock:
            if self._file is not None:
                self._file.flush()

    def close(self):
        """Flushes and closes the file; later writes are an error."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
