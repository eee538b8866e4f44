"""Every pooling layer side by side with the real Keras: numbers, config and shapes."""

import inspect

import numpy as np
import pytest

import cornu
from cornu.layers import pooling

from tests.helpers.layer_compare import assert_close, assert_same_config, comparable_config, to_numpy

FORMATS = ["channels_last", "channels_first"]

# (class name, constructor arguments, channels_last input shape); each case runs in both data formats.
CASES = [
    ("MaxPooling1D", dict(), (2, 7, 3)),
    ("MaxPooling1D", dict(pool_size=3, strides=2, padding="same"), (2, 8, 3)),
    ("MaxPooling2D", dict(), (2, 6, 7, 3)),
    ("MaxPooling2D", dict(pool_size=(3, 2), strides=(2, 1), padding="same"), (2, 7, 5, 3)),
    ("MaxPooling2D", dict(pool_size=3, strides=1), (2, 5, 6, 2)),
    ("MaxPooling3D", dict(pool_size=2, strides=2, padding="same"), (1, 5, 4, 3, 2)),
    ("MaxPooling3D", dict(pool_size=(2, 3, 2), strides=1), (1, 4, 5, 3, 2)),
    ("AveragePooling1D", dict(pool_size=2), (2, 7, 3)),
    ("AveragePooling1D", dict(pool_size=3, strides=2, padding="same"), (2, 8, 3)),
    ("AveragePooling2D", dict(pool_size=2), (2, 6, 7, 3)),
    ("AveragePooling2D", dict(pool_size=(3, 2), strides=(2, 1), padding="same"), (2, 7, 5, 3)),
    ("AveragePooling3D", dict(pool_size=2, strides=2, padding="same"), (1, 5, 4, 3, 2)),
    ("AveragePooling3D", dict(pool_size=(2, 3, 2), strides=1), (1, 4, 5, 3, 2)),
    ("GlobalMaxPooling1D", dict(), (2, 7, 3)),
    ("GlobalMaxPooling1D", dict(keepdims=True), (2, 7, 3)),
    ("GlobalMaxPooling2D", dict(), (2, 5, 6, 3)),
    ("GlobalMaxPooling2D", dict(keepdims=True), (2, 5, 6, 3)),
    ("GlobalMaxPooling3D", dict(), (2, 3, 4, 3, 2)),
    ("GlobalMaxPooling3D", dict(keepdims=True), (2, 3, 4, 3, 2)),
    ("GlobalAveragePooling1D", dict(), (2, 7, 3)),
    ("GlobalAveragePooling1D", dict(keepdims=True), (2, 7, 3)),
    ("GlobalAveragePooling2D", dict(), (2, 5, 6, 3)),
    ("GlobalAveragePooling2D", dict(keepdims=True), (2, 5, 6, 3)),
    ("GlobalAveragePooling3D", dict(), (2, 3, 4, 3, 2)),
    ("GlobalAveragePooling3D", dict(keepdims=True), (2, 3, 4, 3, 2)),
    ("AdaptiveAveragePooling1D", dict(output_size=3), (2, 8, 3)),
    ("AdaptiveAveragePooling1D", dict(output_size=(5,)), (2, 3, 2)),  # more outputs than inputs
    ("AdaptiveAveragePooling2D", dict(output_size=(3, 2)), (2, 7, 5, 3)),
    ("AdaptiveAveragePooling3D", dict(output_size=(3, 2, 2)), (1, 4, 5, 3, 2)),
    ("AdaptiveMaxPooling1D", dict(output_size=3), (2, 8, 3)),
    ("AdaptiveMaxPooling2D", dict(output_size=4), (2, 6, 3, 2)),
    ("AdaptiveMaxPooling3D", dict(output_size=2), (1, 5, 4, 3, 2)),
]


def _ids(case):
    name, kwargs, shape = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items()) + f"-{shape}"


def _to_format(shape, data_format):
    if data_format == "channels_last":
        return tuple(shape)
    return (shape[0], shape[-1]) + tuple(shape[1:-1])


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_outputs_config_and_shapes_match_keras(keras_ref, case, data_format):
    name, kwargs, shape = case
    shape = _to_format(shape, data_format)
    layer = getattr(pooling, name)(data_format=data_format, **kwargs)
    ref = getattr(keras_ref.layers, name)(data_format=data_format, **kwargs)
    x = np.random.default_rng(1).normal(size=shape).astype("float32")

    expected = np.asarray(ref(x))
    out = layer(x)
    assert tuple(out.shape) == expected.shape
    assert to_numpy(out).dtype == np.float32
    assert_close(out, expected)
    assert layer.weights == []

    assert_same_config(layer, ref)
    clone = type(layer).from_config(layer.get_config())
    assert comparable_config(clone) == comparable_config(layer)

    fresh = getattr(pooling, name)(data_format=data_format, **kwargs)
    assert fresh(cornu.KerasTensor((None,) + shape[1:])).shape == (None,) + expected.shape[1:]
    if not name.startswith("Adaptive"):
        # Keras's adaptive layers need static spatial sizes; the others accept unknown ones.
        channel_axis = len(shape) - 1 if data_format == "channels_last" else 1
        unknown = tuple(d if i == channel_axis else None for i, d in enumerate(shape))
        assert fresh.compute_output_shape(unknown) == tuple(ref.compute_output_shape(unknown))
        assert fresh(cornu.KerasTensor(unknown)).shape == tuple(ref.compute_output_shape(unknown))


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_average_pooling_1d_mask_matches_keras(keras_ref, data_format, keepdims):
    layer = pooling.GlobalAveragePooling1D(data_format=data_format, keepdims=keepdims)
    ref = keras_ref.layers.GlobalAveragePooling1D(data_format=data_format, keepdims=keepdims)
    shape = (3, 6, 4) if data_format == "channels_last" else (3, 4, 6)
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1], [0, 1, 0, 1, 0, 0]], dtype=bool)
    expected = np.asarray(ref(x, mask=mask))
    assert_close(layer(x, mask=mask), expected)
    # Masked steps do not count: the same as averaging the kept steps by hand.
    steps_axis = 1 if data_format == "channels_last" else 2
    by_hand = np.stack([np.take(x[i], np.flatnonzero(mask[i]), axis=steps_axis - 1).mean(axis=steps_axis - 1)
                        for i in range(3)])
    np.testing.assert_allclose(to_numpy(layer(x, mask=mask)).reshape(3, 4), by_hand, rtol=1e-5, atol=1e-6)
    assert layer.compute_mask(x, mask) is None


def test_global_average_pooling_1d_takes_the_mask_of_an_embedding():
    from cornu import layers

    inputs = cornu.Input((5,), dtype="int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(inputs)
    pooled = pooling.GlobalAveragePooling1D()(embedded)
    model = cornu.Model(inputs, pooled)
    tokens = np.array([[4, 2, 0, 0, 0], [1, 2, 3, 4, 5]], dtype="int32")
    table = to_numpy(model.layers[1].embeddings)
    expected = np.stack([table[[4, 2]].mean(axis=0), table[[1, 2, 3, 4, 5]].mean(axis=0)])
    np.testing.assert_allclose(to_numpy(model(tokens)), expected, rtol=1e-5, atol=1e-6)
    assert getattr(pooled, "_keras_mask", None) is None


ALIASES = [("MaxPool1D", "MaxPooling1D"), ("MaxPool2D", "MaxPooling2D"), ("MaxPool3D", "MaxPooling3D"),
           ("AvgPool1D", "AveragePooling1D"), ("AvgPool2D", "AveragePooling2D"), ("AvgPool3D", "AveragePooling3D"),
           ("GlobalMaxPool1D", "GlobalMaxPooling1D"), ("GlobalMaxPool2D", "GlobalMaxPooling2D"),
           ("GlobalMaxPool3D", "GlobalMaxPooling3D"), ("GlobalAvgPool1D", "GlobalAveragePooling1D"),
           ("GlobalAvgPool2D", "GlobalAveragePooling2D"), ("GlobalAvgPool3D", "GlobalAveragePooling3D")]


@pytest.mark.parametrize("alias, target", ALIASES)
def test_aliases_are_the_same_classes_and_resolve_from_configs(alias, target):
    from cornu.serialization.registry import BUILTIN_OBJECTS

    assert getattr(pooling, alias) is getattr(pooling, target)
    assert BUILTIN_OBJECTS[f"keras.layers.{alias}"] is getattr(pooling, target)
    assert BUILTIN_OBJECTS[f"keras.layers.{target}"] is getattr(pooling, target)


def test_constructor_signatures_match_keras(keras_ref):
    names = sorted({name for name, _, _ in CASES})
    for name in names:
        ours = inspect.signature(getattr(pooling, name).__init__).parameters
        theirs = inspect.signature(getattr(keras_ref.layers, name).__init__).parameters
        assert list(ours) == list(theirs), name
        assert [p.default for p in ours.values()] == [p.default for p in theirs.values()], name


def test_keras_configs_load_into_cornu(keras_ref):
    for name, kwargs, _ in CASES[::3]:
        ref = getattr(keras_ref.layers, name)(data_format="channels_first", name="pool", **kwargs)
        layer = getattr(pooling, name).from_config(ref.get_config())
        assert_same_config(layer, ref)
        assert layer.name == "pool"
