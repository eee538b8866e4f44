"""Reading PCM ``.wav`` files with the standard library (``wave``), as ``tf.audio.decode_wav`` does."""

import wave

import numpy as np

# Integer PCM sample widths (bytes) -> (NumPy dtype of a sample, full scale).
_PCM = {1: ("uint8", 128.0), 2: ("<i2", 32768.0), 4: ("<i4", 2147483648.0)}


def _int24_to_int32(raw):
    bytes_ = np.frombuffer(raw, dtype="uint8").reshape(-1, 3)
    widened = np.zeros((len(bytes_), 4), dtype="uint8")
    widened[:, 1:] = bytes_  # little-endian: the 3 bytes become the top bytes of an int32
    return widened.view("<i4").reshape(-1)


def read_wav(path, desired_samples=-1):
    """``(audio, sample_rate)``: float32 samples in ``[-1, 1)`` of shape ``(samples, channels)``.

    ``desired_samples >= 0`` crops or zero-pads the audio to that many samples.

    Example:
    >>> audio, rate = read_wav("speech/yes/0001.wav")
    >>> audio.shape, rate
    ((16000, 1), 16000)
    """
    with wave.open(str(path), "rb") as reader:
        channels, width, rate = reader.getnchannels(), reader.getsampwidth(), reader.getframerate()
        raw = reader.readframes(reader.getnframes())
    if width == 3:
        samples = _int24_to_int32(raw).astype("float32") / 2147483648.0
    elif width in _PCM:
        dtype, scale = _PCM[width]
        samples = np.frombuffer(raw, dtype=dtype).astype("float32")
        samples = (samples - 128.0) / scale if width == 1 else samples / scale
    else:
        raise ValueError(f"Only 8, 16, 24 and 32-bit PCM wav files can be read. Received: {path} ({8 * width}-bit)")
    audio = samples.reshape(-1, channels)
    if desired_samples is not None and desired_samples >= 0:
        audio = audio[:desired_samples]
        if len(audio) < desired_samples:
            audio = np.pad(audio, [(0, desired_samples - len(audio)), (0, 0)])
    return audio, rate
