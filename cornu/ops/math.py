"""Math ops (``keras.ops`` top level): top-k, segment reductions, special
functions, FFT. Complex inputs and outputs are ``(real, imag)`` pairs, as in Keras."""

from cornu import backend
from cornu.ops.operation import op

_b = backend.math


@op
def top_k(x, k, sorted=True):
    """The ``k`` largest values along the last axis and their int32 indices.

    Example: ``top_k([1.0, 5.0, 3.0], 2)  # ([5., 3.], [1, 2])``
    """
    return _b.top_k(x, k, sorted=sorted)


@op
def in_top_k(targets, predictions, k):
    """Whether each integer ``targets[i]`` is among the top ``k`` entries of ``predictions[i]``.

    Example: ``in_top_k([1], [[0.1, 0.9, 0.0]], 1)  # [True]``
    """
    return _b.in_top_k(targets, predictions, k)


@op
def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x), axis))``, computed stably. Example: ``logsumexp([0.0, 0.0])  # 0.6931``"""
    return _b.logsumexp(x, axis=axis, keepdims=keepdims)


@op
def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sums the rows of ``data`` that share a segment id. Example: ``segment_sum([1, 2, 3], [0, 0, 1])  # [3, 3]``"""
    return _b.segment_sum(data, segment_ids, num_segments=num_segments, sorted=sorted)


@op
def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """Maximum of the rows of ``data`` per segment id. Example: ``segment_max([1, 2, 3], [0, 0, 1])  # [2, 3]``"""
    return _b.segment_max(data, segment_ids, num_segments=num_segments, sorted=sorted)


@op
def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """Minimum of the rows of ``data`` per segment id. Example: ``segment_min([1, 2, 3], [0, 0, 1])  # [1, 3]``"""
    return _b.segment_min(data, segment_ids, num_segments=num_segments, sorted=sorted)


@op
def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """Product of the rows of ``data`` per segment id. Example: ``segment_prod([2, 3, 4], [0, 0, 1])  # [6, 4]``"""
    return _b.segment_prod(data, segment_ids, num_segments=num_segments, sorted=sorted)


@op
def rsqrt(x):
    """Element-wise ``1 / sqrt(x)``. Example: ``rsqrt([4.0])  # [0.5]``"""
    return _b.rsqrt(x)


@op
def erf(x):
    """Element-wise error function. Example: ``erf([0.0])  # [0.]``"""
    return _b.erf(x)


@op
def erfc(x):
    """Element-wise complementary error function ``1 - erf(x)``. Example: ``erfc([0.0])  # [1.]``"""
    return _b.erfc(x)


@op
def erfinv(x):
    """Element-wise inverse error function. Example: ``erfinv([0.0])  # [0.]``"""
    return _b.erfinv(x)


@op
def logdet(x):
    """Log-determinant of a (batch of) symmetric positive-definite matrices. Example: ``logdet(2 * ops.eye(2))  # 1.386``"""
    return _b.logdet(x)


@op
def cdist(x, y):
    """Pairwise Euclidean distances between the rows of ``x`` and ``y``. Example: ``cdist([[0.0, 0.0]], [[3.0, 4.0]])  # [[5.]]``"""
    return _b.cdist(x, y)


@op
def fft(x):
    """1-D FFT over the last axis of the complex tensor ``x = (real, imag)``. Example: ``fft((re, im))``"""
    return _b.fft(x)


@op
def fft2(x):
    """2-D FFT over the last two axes of ``x = (real, imag)``. Example: ``fft2((re, im))``"""
    return _b.fft2(x)


@op
def ifft2(x):
    """Inverse 2-D FFT over the last two axes of ``x = (real, imag)``. Example: ``ifft2((re, im))``"""
    return _b.ifft2(x)


@op
def rfft(x, fft_length=None):
    """FFT of a real signal over its last axis: ``(real, imag)`` of the non-negative frequencies. Example: ``rfft(x)``"""
    return _b.rfft(x, fft_length=fft_length)


@op
def irfft(x, fft_length=None):
    """Inverse of :func:`rfft` for ``x = (real, imag)``. Example: ``irfft(rfft(x))``"""
    return _b.irfft(x, fft_length=fft_length)


@op
def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` taken every ``sequence_stride`` along the last axis.

    Example: ``extract_sequences(ops.arange(5), 2, 2)  # [[0, 1], [2, 3]]``
    """
    return _b.extract_sequences(x, sequence_length, sequence_stride)


__all__ = [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", None) == __name__ and not n.startswith("_")]
