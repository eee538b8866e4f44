"""Padding arithmetic of convolutions and pooling, per spatial axis, for the backends that pad by hand.

Both functions give a ``(before, after)`` pair for one axis and follow TensorFlow's shapes, as
Keras does on every backend.

Example:
>>> same_padding(size=5, kernel=3, stride=2, dilation=1)
(1, 1)
>>> conv_transpose_padding(kernel_size=3, stride=2, dilation=1, padding="same", output_padding=None)
(2, 1)
"""


def same_padding(size, kernel, stride, dilation):
    """The padding that makes a ``padding="same"`` window cover ``ceil(size / stride)`` positions,
    the odd element going after.

    Example:
    >>> same_padding(size=4, kernel=2, stride=2, dilation=1)
    (0, 0)
    """
    k = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


def conv_transpose_padding(kernel_size, stride, dilation, padding, output_padding):
    """The padding of the stride-dilated input that a stride-1 convolution turns into a transposed
    convolution's output (TensorFlow's conv-transpose shapes; ``output_padding`` may be ``None``).

    Example:
    >>> conv_transpose_padding(kernel_size=3, stride=1, dilation=1, padding="valid", output_padding=None)
    (2, 2)
    """
    k = (kernel_size - 1) * dilation + 1
    if padding.lower() == "valid":
        extra = max(k, stride) - k if output_padding is None else output_padding
        return k - 1, k - 1 + extra
    total = stride + k - 2 if output_padding is None else k + k % 2 - 2 + output_padding
    left = min(total // 2 + total % 2, k - 1)
    return left, total - left
