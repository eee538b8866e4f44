"""Small models covering the layers TF.js export supports, for the browser check and the format tests.

Each builder returns a model with deterministic weights (``set_deterministic_weights``) and
``inputs(batch, seed)`` gives matching inputs. Together with the MLP, CNN and LSTM of
``tests/helpers/export_models.py`` they touch every class in ``cornu.export.tfjs_layers.LAYERS``
that TF.js computes as cornu does.

Example:
>>> model, make_inputs = TFJS_MODELS["tfjs_image"]()
>>> model.predict(make_inputs(2, seed=0), verbose=0).shape
(2, 3)
"""

import numpy as np

import cornu
from cornu import layers
from tests.helpers.export_models import set_deterministic_weights


def _normal(*shape):
    return lambda batch, seed: np.random.default_rng(seed).normal(size=(batch, *shape)).astype("float32")


def tfjs_image():
    """Convolutions of every kind, normalizations, padding/cropping, resampling and pooling."""
    model = cornu.Sequential([
        cornu.Input((10, 10, 3)),
        layers.Rescaling(1.0 / 255, offset=-0.5),
        layers.ZeroPadding2D(1),
        layers.Conv2D(4, 3, strides=2, padding="same", activation="gelu"),
        layers.BatchNormalization(),
        layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same"),
        layers.SeparableConv2D(4, 3, activation="swish"),
        layers.Conv2DTranspose(3, 3, strides=2, padding="same", activation="relu6"),
        layers.UpSampling2D(2),
        layers.Cropping2D(((1, 0), (0, 1))),
        layers.AveragePooling2D(2, padding="same"),
        layers.LayerNormalization(),
        layers.PReLU(),
        layers.MaxPooling2D(2, strides=1),
        layers.GlobalMaxPooling2D(),
        layers.Dense(3, activation="softmax"),
    ], name="tfjs_image")
    images = lambda batch, seed: np.random.default_rng(seed).uniform(0, 255, (batch, 10, 10, 3)).astype("float32")
    return set_deterministic_weights(model, 3), images


def tfjs_recurrent():
    """Bidirectional LSTM/GRU/SimpleRNN with each merge mode, GRU(reset_after=False), TimeDistributed."""
    x = cornu.Input((5, 3))
    a = layers.Bidirectional(layers.LSTM(4, return_sequences=True))(x)
    b = layers.Bidirectional(layers.GRU(3, reset_after=False, return_sequences=True), merge_mode="mul")(a)
    c = layers.TimeDistributed(layers.Dense(3, activation="tanh"))(b)
    d = layers.Bidirectional(layers.SimpleRNN(3), merge_mode="ave")(c)
    e = layers.Bidirectional(layers.GRU(2, reset_after=False), merge_mode="sum")(x)
    e = layers.Concatenate()([e, layers.SimpleRNN(2, go_backwards=True, activation="relu")(x)])
    y = layers.Dense(2)(layers.Concatenate()([d, e]))
    return set_deterministic_weights(cornu.Model(x, y, name="tfjs_recurrent"), 4), _normal(5, 3)


def tfjs_masked_text():
    """Embedding(mask_zero=True) feeding masked LSTM and GRU layers, on int tokens with padding."""
    model = cornu.Sequential([
        cornu.Input((7,), dtype="int32"),
        layers.Embedding(20, 6, mask_zero=True),
        layers.LSTM(5, return_sequences=True),
        layers.GRU(4, reset_after=False),
        layers.Dense(3),
    ], name="tfjs_masked_text")

    def tokens(batch, seed):
        rng = np.random.default_rng(seed)
        values = rng.integers(1, 20, size=(batch, 7))
        lengths = rng.integers(1, 8, size=batch)
        values[np.arange(7)[None, :] >= lengths[:, None]] = 0
        return values.astype("int32")

    return set_deterministic_weights(model, 5), tokens


def tfjs_merges():
    """Merging layers, activation layers and functions, reshaping and inference-only noise, two outputs."""
    x = cornu.Input((8,))
    a = layers.Dense(6, activation="selu")(x)
    b = layers.Dense(6, activation="elu")(layers.GaussianNoise(0.3)(x))
    merged = layers.Concatenate()([
        layers.Add()([a, b]), layers.Multiply()([a, b]), layers.Average()([a, b]),
        layers.Maximum()([a, b]), layers.Minimum()([a, b]), layers.Dot(axes=1, normalize=True)([a, b]),
    ])
    h = layers.LeakyReLU(0.2)(layers.Dense(8, activation="softplus")(layers.Dropout(0.5)(merged)))
    h = layers.ReLU(max_value=0.5)(layers.Dense(8, activation="softsign")(h))
    h = layers.ELU()(layers.Dense(8, activation="mish")(layers.GaussianDropout(0.2)(h)))
    h = layers.Activation("silu")(layers.Dense(8, activation="sigmoid")(layers.AlphaDropout(0.1)(h)))
    seq = layers.RepeatVector(3)(h)
    seq = layers.Permute((2, 1))(layers.Reshape((3, 8))(seq))
    seq = layers.Conv1D(4, 3, dilation_rate=2, activation="tanh")(seq)
    seq = layers.MaxPooling1D(2)(layers.SpatialDropout1D(0.2)(seq))
    seq = layers.AveragePooling1D(1)(seq)
    first = layers.Softmax()(layers.Dense(3)(layers.Flatten()(seq)))
    second = layers.Dense(2, activation="log_softmax")(layers.GlobalAveragePooling1D()(seq))
    model = cornu.Model(x, [first, second], name="tfjs_merges")
    return set_deterministic_weights(model, 6), _normal(8)


TFJS_MODELS = {"tfjs_image": tfjs_image, "tfjs_recurrent": tfjs_recurrent, "tfjs_masked_text": tfjs_masked_text,
               "tfjs_merges": tfjs_merges}
