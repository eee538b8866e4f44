"""Every convolution layer side by side with the real Keras: numbers, weights, config and shapes."""

import numpy as np
import pytest

import cornu
from cornu.layers import convolutional

from tests.helpers.layer_compare import (assert_close, assert_same_config, assert_same_weights_layout,
                                         comparable_config, copy_weights, randomize_keras_weights, to_numpy)

FORMATS = ["channels_last", "channels_first"]

# (class name, constructor arguments, channels_last input shape); each case runs in both data formats.
CASES = [
    ("Conv1D", dict(filters=4, kernel_size=3), (2, 7, 3)),
    ("Conv1D", dict(filters=4, kernel_size=3, strides=2, padding="same", activation="relu"), (2, 8, 3)),
    ("Conv1D", dict(filters=2, kernel_size=2, dilation_rate=2, padding="causal"), (2, 6, 3)),
    ("Conv1D", dict(filters=6, kernel_size=3, groups=2, padding="same", use_bias=False), (2, 5, 4)),
    ("Conv2D", dict(filters=4, kernel_size=3), (2, 6, 7, 3)),
    ("Conv2D", dict(filters=3, kernel_size=(2, 3), strides=(2, 1), padding="same", activation="tanh"), (2, 7, 6, 3)),
    ("Conv2D", dict(filters=2, kernel_size=3, dilation_rate=(2, 1)), (2, 7, 5, 3)),
    ("Conv2D", dict(filters=4, kernel_size=2, groups=2, strides=2, use_bias=False), (2, 6, 5, 4)),
    ("Conv3D", dict(filters=3, kernel_size=2, strides=2, padding="same"), (2, 5, 4, 5, 2)),
    ("Conv3D", dict(filters=4, kernel_size=(2, 3, 2), dilation_rate=2, groups=2), (1, 5, 6, 5, 4)),
    ("Conv1DTranspose", dict(filters=4, kernel_size=3, strides=2), (2, 5, 3)),
    ("Conv1DTranspose", dict(filters=3, kernel_size=3, strides=2, padding="same", output_padding=1), (2, 5, 3)),
    ("Conv1DTranspose", dict(filters=2, kernel_size=3, dilation_rate=2, use_bias=False), (2, 5, 3)),
    ("Conv2DTranspose", dict(filters=3, kernel_size=3, strides=2, padding="same"), (2, 4, 5, 3)),
    ("Conv2DTranspose", dict(filters=2, kernel_size=(2, 3), strides=(3, 2), output_padding=(2, 1)), (2, 4, 3, 3)),
    ("Conv2DTranspose", dict(filters=2, kernel_size=3, dilation_rate=2, padding="same"), (2, 4, 4, 3)),
    ("Conv2DTranspose", dict(filters=2, kernel_size=4, strides=2, padding="same", output_padding=1), (2, 3, 3, 2)),
    ("Conv3DTranspose", dict(filters=2, kernel_size=2, strides=2), (1, 3, 2, 3, 3)),
    ("Conv3DTranspose", dict(filters=3, kernel_size=3, strides=2, padding="same", output_padding=1), (1, 2, 3, 2, 2)),
    ("DepthwiseConv1D", dict(kernel_size=3, depth_multiplier=2), (2, 7, 3)),
    ("DepthwiseConv1D", dict(kernel_size=3, strides=2, padding="same", use_bias=False), (2, 8, 3)),
    ("DepthwiseConv1D", dict(kernel_size=2, dilation_rate=3, activation="relu"), (2, 8, 3)),
    ("DepthwiseConv2D", dict(kernel_size=3, depth_multiplier=2), (2, 6, 5, 3)),
    ("DepthwiseConv2D", dict(kernel_size=(3, 2), strides=2, padding="same"), (2, 7, 6, 3)),
    ("DepthwiseConv2D", dict(kernel_size=2, dilation_rate=2, depth_multiplier=3), (2, 6, 6, 2)),
    ("SeparableConv1D", dict(filters=4, kernel_size=3, depth_multiplier=2), (2, 7, 3)),
    ("SeparableConv1D", dict(filters=3, kernel_size=3, strides=2, padding="same", use_bias=False), (2, 8, 3)),
    ("SeparableConv1D", dict(filters=2, kernel_size=2, dilation_rate=2), (2, 7, 3)),
    ("SeparableConv2D", dict(filters=4, kernel_size=3), (2, 6, 5, 3)),
    ("SeparableConv2D", dict(filters=3, kernel_size=(2, 3), strides=2, padding="same", depth_multiplier=2),
     (2, 7, 6, 3)),
    ("SeparableConv2D", dict(filters=2, kernel_size=2, dilation_rate=2, activation="relu"), (2, 6, 6, 2)),
]


def _ids(case):
    name, kwargs, _ = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items() if k not in ("filters", "kernel_size"))


def _to_format(shape, data_format):
    if data_format == "channels_last":
        return tuple(shape)
    return (shape[0], shape[-1]) + tuple(shape[1:-1])


def _pair(keras_ref, class_name, **kwargs):
    return getattr(convolutional, class_name)(**kwargs), getattr(keras_ref.layers, class_name)(**kwargs)


def _cheap_initializers(name):
    """Zeros initializers: real Keras on JAX compiles its random initializers once per shape (seconds);
    the tests overwrite every weight with random values anyway."""
    if name.startswith("Depthwise"):
        return {"depthwise_initializer": "zeros"}
    if name.startswith("Separable"):
        return {"depthwise_initializer": "zeros", "pointwise_initializer": "zeros"}
    return {"kernel_initializer": "zeros"}


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_outputs_weights_config_and_shapes_match_keras(keras_ref, case, data_format):
    name, kwargs, shape = case
    shape = _to_format(shape, data_format)
    layer, ref = _pair(keras_ref, name, data_format=data_format, **kwargs, **_cheap_initializers(name))
    x = np.random.default_rng(1).normal(size=shape).astype("float32")

    ref.build(shape)
    randomize_keras_weights(ref, seed=2)
    layer.build(shape)
    assert_same_weights_layout(layer, ref)
    copy_weights(ref, layer)
    expected = np.asarray(ref(x))
    out = layer(x)
    assert tuple(out.shape) == expected.shape
    assert to_numpy(out).dtype == np.float32
    assert_close(out, expected)

    # Configs with the default initializers (no need to build for that).
    configured, configured_ref = _pair(keras_ref, name, data_format=data_format, **kwargs)
    assert_same_config(configured, configured_ref)
    clone = type(configured).from_config(configured.get_config())
    assert comparable_config(clone) == comparable_config(configured)

    # Symbolic shapes: batch unknown, then every spatial size unknown too.
    def fresh():
        return getattr(convolutional, name)(data_format=data_format, **kwargs, **_cheap_initializers(name))

    assert fresh()(cornu.KerasTensor((None,) + shape[1:])).shape == (None,) + expected.shape[1:]
    channel_axis = len(shape) - 1 if data_format == "channels_last" else 1
    unknown = tuple(d if i == channel_axis else None for i, d in enumerate(shape))
    assert layer.compute_output_shape(unknown) == tuple(ref.compute_output_shape(unknown))
    assert fresh()(cornu.KerasTensor(unknown)).shape == tuple(ref.compute_output_shape(unknown))


@pytest.mark.parametrize("name", ["Conv2D", "Conv1DTranspose", "DepthwiseConv2D", "SeparableConv1D"])
def test_every_argument_reaches_the_config(keras_ref, name):
    kwargs = dict(kernel_size=2, strides=2, padding="same", data_format="channels_first", activation="gelu",
                  use_bias=False, bias_initializer="ones", bias_regularizer="l2", activity_regularizer="l2",
                  bias_constraint="non_neg", name="custom", trainable=False, dtype="float64")
    prefix = "depthwise" if name.startswith(("Depthwise", "Separable")) else "kernel"
    kwargs.update({f"{prefix}_initializer": "he_normal", f"{prefix}_regularizer": "l2",
                   f"{prefix}_constraint": "unit_norm"})
    if name.startswith("Separable"):
        kwargs.update(pointwise_initializer="orthogonal", pointwise_regularizer="l2", pointwise_constraint="max_norm",
                      depth_multiplier=2)
    if name.startswith("Depthwise"):
        kwargs.update(depth_multiplier=3)
    else:
        kwargs.update(filters=4)
    if name == "Conv2D":
        kwargs.update(groups=2, dilation_rate=1)
    if name.endswith("Transpose"):
        kwargs.update(output_padding=1)
    layer, ref = _pair(keras_ref, name, **kwargs)
    assert_same_config(layer, ref)
    assert layer.get_config()["name"] == "custom"
    clone = type(layer).from_config(layer.get_config())
    assert comparable_config(clone) == comparable_config(layer)
    # A Keras config loads into cornu and gives the same layer.
    from_keras = type(layer).from_config(ref.get_config())
    assert comparable_config(from_keras) == comparable_config(layer)


@pytest.mark.parametrize("alias, target", [
    ("Convolution1D", "Conv1D"), ("Convolution2D", "Conv2D"), ("Convolution3D", "Conv3D"),
    ("Convolution1DTranspose", "Conv1DTranspose"), ("Convolution2DTranspose", "Conv2DTranspose"),
    ("Convolution3DTranspose", "Conv3DTranspose"), ("SeparableConvolution1D", "SeparableConv1D"),
    ("SeparableConvolution2D", "SeparableConv2D"),
])
def test_aliases_are_the_same_classes_and_resolve_from_configs(alias, target):
    from cornu.serialization.registry import BUILTIN_OBJECTS

    assert getattr(convolutional, alias) is getattr(convolutional, target)
    assert BUILTIN_OBJECTS[f"keras.layers.{alias}"] is getattr(convolutional, target)
    assert BUILTIN_OBJECTS[f"keras.layers.{target}"] is getattr(convolutional, target)


def test_constructor_signatures_match_keras(keras_ref):
    import inspect

    names = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
             "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D"]
    for name in names:
        ours = inspect.signature(getattr(convolutional, name).__init__).parameters
        theirs = inspect.signature(getattr(keras_ref.layers, name).__init__).parameters
        assert list(ours) == list(theirs), name
        assert [p.default for p in ours.values()] == [p.default for p in theirs.values()], name
