"""A short path through Pillow's JPEG decoder for plain 8-bit colour JPEGs.

``Image.open`` parses every JPEG marker in Python before libjpeg runs; on small images that
costs as much as the decoding itself, and it holds the GIL, so decoding threads queue on it.
Here the frame header (size and components) is read from the bytes directly and Pillow's own
libjpeg decoder fills the image, with the arguments ``Image.open(...).load()`` gives it, so the
pixels are the same. Anything unusual (not baseline/progressive 8-bit with 3 components, an
image above Pillow's decompression-bomb limit, a decoding error, a Pillow without these
internals) returns None and the caller takes the ordinary ``Image.open`` path, which also
raises the ordinary errors.
"""

import numpy as np

# Start-of-frame markers: SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
_START_OF_FRAME = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_START_OF_SCAN = 0xDA
_STANDALONE = frozenset(range(0xD0, 0xD8)) | {0x01}
_usable = True


def _frame_header(data):
    """``(height, width, precision, components)`` of a JPEG's frame header, or None."""
    if data[:2] != b"\xff\xd8":
        return None
    position, end = 2, len(data)
    while position + 4 <= end:
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in _STANDALONE:
            position += 2
            continue
        if marker == _START_OF_SCAN:
            return None
        length = (data[position + 2] << 8) | data[position + 3]
        if marker in _START_OF_FRAME:
            if position + 10 > end or length < 8:
                return None
            precision = data[position + 4]
            height = (data[position + 5] << 8) | data[position + 6]
            width = (data[position + 7] << 8) | data[position + 8]
            return height, width, precision, data[position + 9]
        position += 2 + length
    return None


def decode_rgb_jpeg(data):
    """The ``uint8`` pixels ``(height, width, 3)`` of the colour JPEG ``data`` (bytes), as
    ``np.asarray(PIL.Image.open(...))`` gives them, or None where this short path does not apply.

    Example:
    >>> with open("cat.jpg", "rb") as f:
    ...     decode_rgb_jpeg(f.read()).shape
    (240, 320, 3)
    """
    global _usable
    if not _usable:
        return None
    header = _frame_header(data)
    if header is None:
        return None
    height, width, precision, components = header
    try:
        from PIL import Image, ImageFile

        limit = Image.MAX_IMAGE_PIXELS
        if precision != 8 or components != 3 or height == 0 or width == 0 or (limit and height * width > limit):
            return None
        core = Image.core
        image = core.new("RGB", (width, height))
        decoder = core.jpeg_decoder("RGB", "RGB", "")  # what JpegImagePlugin's tile asks for
        try:
            decoder.setimage(image, (0, 0, width, height))
            consumed, error = decoder.decode(data)
        finally:
            decoder.cleanup()
        if consumed >= 0 or error < 0:  # wants more data (truncated) or failed
            return None
        encoder = core.raw_encoder("RGB", "RGB")
        encoder.setimage(image, (0, 0, width, height))
        chunks, status = [], 0
        while not status:
            _, status, chunk = encoder.encode(max(ImageFile.MAXBLOCK, width * 4))
            chunks.append(chunk)
        if status < 0:
            return None
    except (AttributeError, TypeError):  # a Pillow without these internals: the public path from now on
        _usable = False
        return None
    except Exception:  # noqa: BLE001 - let the public path decode it (or raise its error)
        return None
    pixels = np.frombuffer(b"".join(chunks) if len(chunks) > 1 else chunks[0], np.uint8)
    if pixels.size != height * width * 3:
        return None
    return pixels.reshape(height, width, 3)
