"""Small models for the export tests and benchmarks, each with deterministic weights from a seed.

``EXPORT_CASES`` maps a case name to an ``ExportCase``: which layer families it covers, how to
build it, and how to make inputs for it at a batch size. ``build_mlp``, ``build_cnn`` and
``build_lstm`` are the three reference models the ONNX, LiteRT and TF.js tests and ``bench/``
share.

Weights do not come from the initializers (zeros for biases, ones for BatchNorm statistics would
hide mistakes): ``set_deterministic_weights`` draws every float variable from a NumPy generator
seeded with ``seed``, keeping variances positive.

Example:
>>> case = EXPORT_CASES["cnn"]
>>> model = case.build(seed=0)
>>> x = case.inputs(batch=4, seed=1)
>>> model.predict(x, verbose=0).shape
(4, 10)
"""

import contextlib
import dataclasses
import inspect
from typing import Callable
from unittest import mock

import numpy as np

import cornu
from cornu import layers
from cornu.initializers import initializer as initializer_base
from cornu.initializers import random_initializers


def set_deterministic_weights(model, seed=0):
    """Sets every float variable of ``model`` from ``np.random.default_rng(seed)``.

    Scales are kept small (about ``1/sqrt(fan_in)``) so that activations stay in a range where
    float32 round-off is far below the tests' tolerance; variables named like a variance or a
    count stay positive. Integer variables (seed states, counters) are left alone.
    """
    rng = np.random.default_rng(seed)
    for variable in model.variables:
        dtype = cornu.backend.standardize_dtype(variable.dtype)
        if not dtype.startswith(("float", "bfloat")):
            continue
        shape = tuple(variable.shape)
        path = variable.path.lower()
        if "variance" in path or path.endswith("count"):
            value = rng.uniform(0.5, 1.5, size=shape)
        elif "gamma" in path or path.endswith("scale"):
            value = rng.uniform(0.8, 1.2, size=shape)
        else:
            fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 4
            value = rng.normal(0.0, 1.0 / np.sqrt(max(fan_in, 1)), size=shape)
        variable.assign(np.asarray(value, dtype=dtype))
    return model


@contextlib.contextmanager
def cheap_initializers():
    """While building, random initializers return zeros from NumPy.

    ``set_deterministic_weights`` overwrites every weight right after, and on JAX each random
    draw of a new shape costs an XLA compilation (about half a CPU second each, 25 models * a
    dozen weights): the corpus would spend most of its time drawing numbers it throws away.
    """
    def zeros(self, shape, dtype=None):
        return np.zeros(shape, dtype=cornu.backend.standardize_dtype(dtype or cornu.backend.floatx()))

    classes = [c for _, c in inspect.getmembers(random_initializers, inspect.isclass)
               if issubclass(c, initializer_base.Initializer) and "__call__" in vars(c)]
    with contextlib.ExitStack() as stack:
        for cls in classes:
            stack.enter_context(mock.patch.object(cls, "__call__", zeros))
        yield


@dataclasses.dataclass(frozen=True)
class ExportCase:
    """One model of the export corpus.

    ``make`` builds the model (weights not yet set); ``input_kinds`` describes each input as
    ``(shape without batch, dtype, kind)`` where kind is ``"normal"``, ``"image"`` (0..255),
    ``"tokens:<vocab>"`` or ``"masked_tokens:<vocab>"`` (with trailing zero padding).
    """

    name: str
    families: tuple
    make: Callable
    input_kinds: tuple
    dtype: str = "float32"
    atol: float = 1e-5
    dynamic_batch: bool = True

    def build(self, seed=0):
        """The model, with weights from ``seed``."""
        cornu.backend.clear_session(free_memory=False)
        with cheap_initializers():
            model = self.make()
        return set_deterministic_weights(model, seed)

    def inputs(self, batch, seed=0, shapes=None):
        """Inputs for ``batch`` samples: one array, or a list for a multi-input model.

        ``shapes`` overrides the per-input shapes (for a ``None`` axis, e.g. the time axis).
        """
        rng = np.random.default_rng(seed)
        arrays = []
        for index, (shape, dtype, kind) in enumerate(self.input_kinds):
            shape = (batch,) + tuple(shapes[index] if shapes else shape)
            arrays.append(_sample(rng, shape, dtype, kind))
        return arrays[0] if len(arrays) == 1 else arrays


def _sample(rng, shape, dtype, kind):
    if kind == "image":
        return rng.uniform(0, 255, size=shape).astype(dtype)
    if kind.startswith("tokens:"):
        return rng.integers(1, int(kind.split(":")[1]), size=shape).astype(dtype)
    if kind.startswith("masked_tokens:"):
        tokens = rng.integers(1, int(kind.split(":")[1]), size=shape)
        lengths = rng.integers(1, shape[1] + 1, size=shape[0])
        tokens[np.arange(shape[1])[None, :] >= lengths[:, None]] = 0
        return tokens.astype(dtype)
    return rng.normal(size=shape).astype(dtype)


def _sequential(input_shape, stack, dtype="float32", name=None):
    return cornu.Sequential([cornu.Input(input_shape, dtype=dtype)] + list(stack), name=name)


# -- the three reference models ----------------------------------------------------------------

def build_mlp(seed=0, features=8, classes=4, dtype="float32"):
    """Dense -> ReLU -> Dropout -> Dense softmax."""
    with cheap_initializers():
        model = _sequential((features,), [
            layers.Dense(16, activation="relu", dtype=dtype),
            layers.Dropout(0.5, dtype=dtype),
            layers.Dense(classes, activation="softmax", dtype=dtype),
        ], dtype=dtype, name="mlp")
    return set_deterministic_weights(model, seed)


def build_cnn(seed=0, input_shape=(16, 16, 3), classes=10, dtype="float32"):
    """Conv2D -> MaxPooling2D -> Conv2D -> GlobalAveragePooling2D -> Dense softmax."""
    with cheap_initializers():
        model = _sequential(input_shape, [
            layers.Conv2D(8, 3, padding="same", activation="relu", dtype=dtype),
            layers.MaxPooling2D(2, dtype=dtype),
            layers.Conv2D(8, 3, activation="relu", dtype=dtype),
            layers.GlobalAveragePooling2D(dtype=dtype),
            layers.Dense(classes, activation="softmax", dtype=dtype),
        ], dtype=dtype, name="cnn")
    return set_deterministic_weights(model, seed)


def build_lstm(seed=0, timesteps=6, features=4, classes=3, dtype="float32"):
    """LSTM -> Dense; ``timesteps=None`` makes the time axis dynamic."""
    with cheap_initializers():
        model = _sequential((timesteps, features), [
            layers.LSTM(8, dtype=dtype),
            layers.Dense(classes, dtype=dtype),
        ], dtype=dtype, name="lstm")
    return set_deterministic_weights(model, seed)


# -- the corpus ------------------------------------------------------------------------------

def _conv1d():
    return _sequential((16, 3), [
        layers.Conv1D(4, 3, padding="causal", dilation_rate=2, activation="relu"),
        layers.MaxPooling1D(2),
        layers.Conv1D(4, 3, strides=2, padding="same"),
        layers.AveragePooling1D(2, padding="same"),
        layers.GlobalMaxPooling1D(),
        layers.Dense(2),
    ])


def _conv3d():
    return _sequential((6, 6, 6, 2), [
        layers.Conv3D(3, 3, padding="same", activation="relu"),
        layers.MaxPooling3D(2),
        layers.AveragePooling3D(2, strides=1),
        layers.GlobalAveragePooling3D(),
        layers.Dense(2),
    ])


def _depthwise_separable_2d():
    return _sequential((10, 10, 4), [
        layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same"),
        layers.SeparableConv2D(6, 3, activation="relu"),
        layers.GlobalMaxPooling2D(),
    ])


def _depthwise_separable_1d():
    return _sequential((12, 4), [
        layers.DepthwiseConv1D(3, depth_multiplier=2),
        layers.SeparableConv1D(5, 3, padding="same"),
        layers.GlobalAveragePooling1D(),
    ])


def _conv_transpose():
    return _sequential((6, 6, 3), [
        layers.Conv2DTranspose(4, 3, strides=2, padding="same"),
        layers.Conv2DTranspose(2, 3, padding="valid"),
        layers.UpSampling2D(2),
        layers.Conv2D(2, 1),
    ])


def _conv1d_transpose():
    return _sequential((8, 2), [
        layers.Conv1DTranspose(3, 3, strides=2),
        layers.UpSampling1D(2),
        layers.Flatten(),
        layers.Dense(2),
    ])


def _grouped_dilated_padded():
    return _sequential((10, 10, 4), [
        layers.Conv2D(4, 3, groups=2, dilation_rate=2, padding="same"),
        layers.ZeroPadding2D(1),
        layers.Cropping2D(((1, 0), (0, 1))),
        layers.Flatten(),
        layers.Dense(3),
    ])


def _normalizations():
    return _sequential((8, 8, 4), [
        layers.Conv2D(8, 3, padding="same"),
        layers.BatchNormalization(),
        layers.GroupNormalization(groups=4),
        layers.LayerNormalization(),
        layers.GlobalAveragePooling2D(),
        layers.Dense(8),
        layers.BatchNormalization(),
        layers.UnitNormalization(),
    ])


def _embedding():
    return _sequential((7,), [
        layers.Embedding(20, 4),
        layers.GlobalAveragePooling1D(),
        layers.Dense(3),
    ], dtype="int32")


def _gru_simple_rnn():
    return _sequential((5, 3), [
        layers.GRU(6, return_sequences=True),
        layers.SimpleRNN(4),
        layers.Dense(2),
    ])


def _bidirectional():
    return _sequential((5, 3), [
        layers.Bidirectional(layers.LSTM(4, return_sequences=True)),
        layers.Bidirectional(layers.GRU(3), merge_mode="sum"),
    ])


def _masked_rnn():
    return _sequential((5,), [
        layers.Embedding(20, 4, mask_zero=True),
        layers.LSTM(5, return_sequences=True),
        layers.GRU(3),
    ], dtype="int32")


def _lstm_dynamic_time():
    return build_lstm(timesteps=None)


def _multi_head_attention():
    x = cornu.Input((6, 8))
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
    y = layers.LayerNormalization()(layers.Add()([x, attended]))
    return cornu.Model(x, layers.Dense(2)(layers.GlobalAveragePooling1D()(y)))


def _grouped_query_attention():
    query = cornu.Input((5, 8))
    value = cornu.Input((7, 8))
    attended = layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)(query, value)
    return cornu.Model([query, value], layers.GlobalAveragePooling1D()(attended))


def _numeric_preprocessing():
    return _sequential((10, 10, 3), [
        layers.Rescaling(1.0 / 255),
        layers.Normalization(mean=[0.4, 0.5, 0.6], variance=[0.05, 0.06, 0.07]),
        layers.Resizing(6, 6),
        layers.CenterCrop(4, 4),
        layers.Flatten(),
        layers.Dense(3),
    ])


def _discretization_encoding():
    return _sequential((6,), [
        layers.Discretization(bin_boundaries=[-0.5, 0.0, 0.5]),
        layers.CategoryEncoding(num_tokens=4, output_mode="count"),
        layers.Dense(2),
    ])


def _activations():
    return _sequential((12,), [
        layers.Dense(12, activation="gelu"),
        layers.Activation("swish"),
        layers.Dense(12, activation="selu"),
        layers.ELU(),
        layers.Dense(12, activation="softplus"),
        layers.LeakyReLU(0.2),
        layers.Dense(12, activation="tanh"),
        layers.PReLU(),
        layers.Dense(12, activation="softsign"),
        layers.ReLU(max_value=0.5),
        layers.Dense(12, activation="hard_sigmoid"),
        layers.Activation("mish"),
        layers.Dense(12, activation="sigmoid"),
        layers.Softmax(),
    ])


def _residual():
    x = cornu.Input((8, 8, 3))
    a = layers.Conv2D(4, 3, padding="same", activation="relu")(x)
    b = layers.BatchNormalization()(layers.Conv2D(4, 3, padding="same")(a))
    merged = layers.Add()([a, b])
    merged = layers.Multiply()([merged, layers.Activation("sigmoid")(b)])
    both = layers.Concatenate()([merged, layers.Subtract()([a, b]), layers.Maximum()([a, b]), layers.Average()([a, b])])
    return cornu.Model(x, layers.Dense(3)(layers.GlobalAveragePooling2D()(both)))


def _multi_input_output():
    image = cornu.Input((8, 8, 1), name="image")
    extra = cornu.Input((5,), name="extra")
    features = layers.Flatten()(layers.MaxPooling2D(2)(layers.Conv2D(3, 3, padding="same")(image)))
    joined = layers.Concatenate()([features, layers.Dense(4, activation="relu")(extra)])
    return cornu.Model([image, extra], [layers.Dense(2, name="scores")(joined),
                                        layers.Dense(1, activation="sigmoid", name="flag")(joined)])


def _reshaping():
    return _sequential((4, 6), [
        layers.Permute((2, 1)),
        layers.Reshape((3, 8)),
        layers.Flatten(),
        layers.RepeatVector(2),
        layers.TimeDistributed(layers.Dense(3)),
        layers.Cropping1D((0, 1)),
        layers.ZeroPadding1D(1),
        layers.Flatten(),
    ])


def _mlp_float16():
    return build_mlp(dtype="float16")


def _cnn_float16():
    return build_cnn(input_shape=(8, 8, 3), dtype="float16")


_F16 = 4e-3  # four float16 steps at 1.0 (outputs are softmax or O(1)); runtimes round in different orders

EXPORT_CASES = {case.name: case for case in [
    ExportCase("mlp", ("Dense", "Dropout", "activations"), build_mlp, (((8,), "float32", "normal"),)),
    ExportCase("cnn", ("Conv2D", "MaxPooling2D", "GlobalAveragePooling2D"), build_cnn,
               (((16, 16, 3), "float32", "normal"),)),
    ExportCase("lstm", ("LSTM",), build_lstm, (((6, 4), "float32", "normal"),)),
    ExportCase("lstm_dynamic_time", ("LSTM", "dynamic time axis"), _lstm_dynamic_time,
               (((None, 4), "float32", "normal"),)),
    ExportCase("conv1d", ("Conv1D", "MaxPooling1D", "AveragePooling1D", "GlobalMaxPooling1D"), _conv1d,
               (((16, 3), "float32", "normal"),)),
    ExportCase("conv3d", ("Conv3D", "MaxPooling3D", "AveragePooling3D", "GlobalAveragePooling3D"), _conv3d,
               (((6, 6, 6, 2), "float32", "normal"),)),
    ExportCase("depthwise_separable_2d", ("DepthwiseConv2D", "SeparableConv2D", "GlobalMaxPooling2D"),
               _depthwise_separable_2d, (((10, 10, 4), "float32", "normal"),)),
    ExportCase("depthwise_separable_1d", ("DepthwiseConv1D", "SeparableConv1D"), _depthwise_separable_1d,
               (((12, 4), "float32", "normal"),)),
    ExportCase("conv2d_transpose", ("Conv2DTranspose", "UpSampling2D"), _conv_transpose,
               (((6, 6, 3), "float32", "normal"),)),
    ExportCase("conv1d_transpose", ("Conv1DTranspose", "UpSampling1D"), _conv1d_transpose,
               (((8, 2), "float32", "normal"),)),
    ExportCase("grouped_dilated_conv", ("Conv2D groups/dilation", "ZeroPadding2D", "Cropping2D"),
               _grouped_dilated_padded, (((10, 10, 4), "float32", "normal"),)),
    ExportCase("normalizations", ("BatchNormalization", "GroupNormalization", "LayerNormalization",
                                  "UnitNormalization"), _normalizations, (((8, 8, 4), "float32", "normal"),)),
    ExportCase("embedding", ("Embedding",), _embedding, (((7,), "int32", "tokens:20"),)),
    ExportCase("gru_simple_rnn", ("GRU", "SimpleRNN"), _gru_simple_rnn, (((5, 3), "float32", "normal"),)),
    ExportCase("bidirectional", ("Bidirectional",), _bidirectional, (((5, 3), "float32", "normal"),)),
    ExportCase("masked_rnn", ("Embedding mask_zero", "masked LSTM/GRU"), _masked_rnn,
               (((5,), "int32", "masked_tokens:20"),)),
    ExportCase("multi_head_attention", ("MultiHeadAttention", "Add"), _multi_head_attention,
               (((6, 8), "float32", "normal"),)),
    ExportCase("grouped_query_attention", ("GroupQueryAttention", "two inputs"), _grouped_query_attention,
               (((5, 8), "float32", "normal"), ((7, 8), "float32", "normal"))),
    ExportCase("numeric_preprocessing", ("Rescaling", "Normalization", "Resizing", "CenterCrop"),
               _numeric_preprocessing, (((10, 10, 3), "float32", "image"),)),
    ExportCase("discretization_encoding", ("Discretization", "CategoryEncoding"), _discretization_encoding,
               (((6,), "float32", "normal"),)),
    ExportCase("activations", ("activations", "ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"), _activations,
               (((12,), "float32", "normal"),)),
    ExportCase("residual", ("Functional residual", "merging layers"), _residual,
               (((8, 8, 3), "float32", "normal"),)),
    ExportCase("multi_input_output", ("two inputs", "two outputs"), _multi_input_output,
               (((8, 8, 1), "float32", "normal"), ((5,), "float32", "normal"))),
    ExportCase("reshaping", ("Permute", "Reshape", "RepeatVector", "TimeDistributed", "Cropping1D"),
               _reshaping, (((4, 6), "float32", "normal"),)),
    ExportCase("mlp_float16", ("float16 Dense",), _mlp_float16, (((8,), "float16", "normal"),),
               dtype="float16", atol=_F16),
    ExportCase("cnn_float16", ("float16 Conv2D",), _cnn_float16, (((8, 8, 3), "float16", "normal"),),
               dtype="float16", atol=_F16),
]}
