"""A small CNN learns where a bright square is: convolution and pooling layers train end to end."""

import numpy as np
import pytest

import cornu
from cornu import layers
from cornu.layers import convolutional, pooling


def _bright_square_images(n, seed):
    """8x8 noisy images with a bright 2x2 square; label 1 when the square is in the right half."""
    rng = np.random.default_rng(seed)
    images = rng.uniform(0.0, 0.3, size=(n, 8, 8, 1)).astype("float32")
    labels = rng.integers(0, 2, size=n)
    rows = rng.integers(0, 7, size=n)
    cols = np.where(labels == 1, rng.integers(4, 7, size=n), rng.integers(0, 3, size=n))
    for i in range(n):
        images[i, rows[i]:rows[i] + 2, cols[i]:cols[i] + 2, 0] = 1.0
    return images, labels.astype("int32")


@pytest.mark.requires_trainable_backend
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_small_cnn_learns_left_from_right(data_format):
    x, y = _bright_square_images(256, seed=0)
    x_test, y_test = _bright_square_images(128, seed=1)
    if data_format == "channels_first":
        x, x_test = np.transpose(x, (0, 3, 1, 2)), np.transpose(x_test, (0, 3, 1, 2))
    cornu.utils.set_random_seed(0)
    model = cornu.Sequential([
        cornu.Input(x.shape[1:]),
        convolutional.Conv2D(8, 3, padding="same", activation="relu", data_format=data_format),
        pooling.MaxPooling2D(data_format=data_format),
        # A 4x4 kernel over the 4x4 map sees left and right halves with different weights.
        convolutional.Conv2D(8, 4, activation="relu", data_format=data_format),
        pooling.GlobalAveragePooling2D(data_format=data_format),
        layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer=cornu.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=4, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy >= 0.95, f"test accuracy {accuracy:.3f} after {history.history}"
