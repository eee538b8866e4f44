"""Pooling layers refuse bad arguments clearly, and gradients flow through them in ``fit``."""

import numpy as np
import pytest

import cornu
from cornu import layers
from cornu.layers import convolutional, pooling


@pytest.mark.parametrize("make, error, message", [
    (lambda: pooling.MaxPooling2D(padding="full"), ValueError, "padding"),
    (lambda: pooling.AveragePooling1D(2, padding="causal"), ValueError, "padding"),
    (lambda: pooling.MaxPooling2D(pool_size=(2, 2, 2)), ValueError, "pool_size"),
    (lambda: pooling.MaxPooling1D(pool_size=0), ValueError, "pool_size"),
    (lambda: pooling.AveragePooling3D(2, strides=-1), ValueError, "strides"),
    (lambda: pooling.GlobalMaxPooling2D(data_format="nhwc"), ValueError, "data_format"),
    (lambda: pooling.AdaptiveAveragePooling2D((2, 2, 2)), TypeError, "output_size"),
    (lambda: pooling.AdaptiveMaxPooling1D("3"), TypeError, "output_size"),
    (lambda: pooling.AdaptiveMaxPooling3D((2, 0, 2)), ValueError, "output_size"),
    (lambda: pooling.AdaptiveAveragePooling1D(2, data_format="channels_middle"), ValueError, "data_format"),
])
def test_bad_constructor_arguments(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize("layer, shape", [
    (pooling.MaxPooling2D(name="pool_a"), (2, 8, 3)),
    (pooling.AveragePooling1D(2, name="pool_a"), (2, 8, 8, 3)),
    (pooling.GlobalAveragePooling3D(name="pool_a"), (2, 4, 4, 3)),
    (pooling.AdaptiveMaxPooling2D(2, name="pool_a"), (2, 8, 3)),
    (pooling.AdaptiveAveragePooling1D(2, name="pool_a"), (2, 8, 8, 3)),
])
def test_wrong_input_rank_names_the_layer(layer, shape):
    with pytest.raises(ValueError, match="pool_a"):
        layer(np.zeros(shape, "float32"))
    with pytest.raises(ValueError, match="pool_a"):
        layer(cornu.KerasTensor((None,) + shape[1:]))


def test_window_larger_than_the_input_is_refused():
    with pytest.raises(ValueError, match="zero or negative"):
        pooling.MaxPooling2D(pool_size=4)(np.zeros((1, 3, 8, 2), "float32"))
    # 'same' padding always gives at least one output.
    assert pooling.MaxPooling2D(pool_size=4, padding="same")(np.zeros((1, 3, 8, 2), "float32")).shape == (1, 1, 2, 2)


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("make_pool", [
    lambda: pooling.MaxPooling2D(),
    lambda: pooling.AveragePooling2D(2, padding="same"),
    lambda: pooling.GlobalMaxPooling2D(keepdims=True),
    lambda: pooling.GlobalAveragePooling2D(keepdims=True),
    lambda: pooling.AdaptiveMaxPooling2D((2, 3)),
    lambda: pooling.AdaptiveAveragePooling2D(3),
], ids=["max", "average", "global_max", "global_average", "adaptive_max", "adaptive_average"])
def test_gradients_flow_through_pooling_in_fit(make_pool):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 5, 6, 2)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    cornu.utils.set_random_seed(0)
    conv = convolutional.Conv2D(3, 1)
    model = cornu.Sequential([cornu.Input((5, 6, 2)), conv, make_pool(), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = conv.get_weights()[0].copy()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    after = conv.get_weights()[0]
    assert np.all(np.isfinite(after))
    assert not np.allclose(before, after)
