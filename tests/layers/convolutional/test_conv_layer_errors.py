"""Bad arguments and bad inputs give a clear ValueError before any work is done."""

import numpy as np
import pytest

from cornu.layers import convolutional as conv


@pytest.mark.parametrize("make, message", [
    (lambda: conv.Conv2D(5, 3, groups=2), "filters must be evenly divisible by the number of groups"),
    (lambda: conv.Conv2D(4, 3, groups=0), "groups"),
    (lambda: conv.Conv2D(0, 3), "filters"),
    (lambda: conv.Conv2D(-2, 3), "filters"),
    (lambda: conv.Conv1DTranspose(0, 3), "filters"),
    (lambda: conv.SeparableConv2D(0, 3), "filters"),
    (lambda: conv.DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
    (lambda: conv.Conv2D(4, 3, padding="full"), "padding"),
    (lambda: conv.Conv2D(4, 3, padding="causal"), "padding"),
    (lambda: conv.DepthwiseConv1D(3, padding="causal"), "padding"),
    (lambda: conv.Conv2DTranspose(4, 3, padding="sam"), "padding"),
    (lambda: conv.Conv2D(4, (3, 3, 3)), "kernel_size"),
    (lambda: conv.Conv2D(4, 0), "kernel_size"),
    (lambda: conv.Conv1D(4, 3, strides=0), "strides"),
    (lambda: conv.Conv2D(4, 3, strides=2, dilation_rate=2), "dilation_rate"),
    (lambda: conv.Conv2DTranspose(4, 3, strides=2, output_padding=2), "output_padding"),
    (lambda: conv.Conv2DTranspose(4, 3, output_padding=-1), "output_padding"),
    (lambda: conv.Conv2D(4, 3, data_format="channels_middle"), "data_format"),
])
def test_bad_constructor_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_error_messages_show_the_received_values():
    with pytest.raises(ValueError, match=r"Received: groups=2, filters=5"):
        conv.Conv2D(5, 3, groups=2)
    with pytest.raises(ValueError, match=r"Received: padding='full'"):
        conv.Conv1D(4, 3, padding="full")


@pytest.mark.parametrize("layer, shape", [
    (conv.Conv2D(4, 3, name="conv_a"), (2, 8, 3)),
    (conv.Conv2D(4, 3, name="conv_a"), (2, 8, 8, 8, 3)),
    (conv.Conv1DTranspose(4, 3, name="conv_a"), (2, 5, 5, 3)),
    (conv.DepthwiseConv2D(3, name="conv_a"), (2, 5, 3)),
    (conv.SeparableConv1D(4, 3, name="conv_a"), (2, 5, 5, 3)),
])
def test_wrong_input_rank_names_the_layer(layer, shape):
    with pytest.raises(ValueError, match="conv_a"):
        layer(np.zeros(shape, "float32"))


def test_input_channels_not_divisible_by_groups():
    with pytest.raises(ValueError, match=r"input channels .* evenly divisible .* groups=2, but the input has 3"):
        conv.Conv2D(4, 3, groups=2)(np.zeros((1, 5, 5, 3), "float32"))


def test_output_that_would_be_empty_is_refused():
    with pytest.raises(ValueError, match="zero or negative"):
        conv.Conv2D(4, 5, name="too_big")(np.zeros((1, 4, 8, 3), "float32"))
    with pytest.raises(ValueError, match="zero or negative"):
        conv.Conv1D(4, 3, dilation_rate=3)(np.zeros((1, 6, 3), "float32"))


def test_channel_count_is_checked_after_build():
    layer = conv.Conv2D(4, 3)
    layer(np.zeros((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match="incompatible"):
        layer(np.zeros((1, 5, 5, 2), "float32"))


def test_unknown_channel_dimension_is_refused():
    import cornu

    with pytest.raises(ValueError, match="channel dimension"):
        conv.Conv2D(4, 3, data_format="channels_first")(cornu.KerasTensor((None, None, 5, 5)))
