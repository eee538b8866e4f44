"""The GPU workloads written once against the public Keras API, so the same code builds the
model on cornu and on Keras 3 (``keras`` is the module given).

Example:
    >>> import cornu as keras
    >>> from bench.gpu import configs, keras_models
    >>> model = keras_models.build(keras, "gpt", configs.size("gpt", "tiny"))
"""

import numpy as np

from bench.gpu import configs


def _position_embedding(keras, length, dim):
    class AddPositions(keras.layers.Layer):
        def build(self, input_shape):
            self.positions = self.add_weight(
                shape=(length, dim), initializer=keras.initializers.RandomNormal(stddev=0.02),
                name="positions")

        def call(self, x):
            return x + keras.ops.cast(self.positions, x.dtype)

    return AddPositions()


def gpt(keras, cfg):
    """A pre-norm GPT decoder: token + learned positions, causal self-attention and a GELU
    feed-forward of 4 * d_model per block, a final LayerNormalization and the vocabulary head."""
    layers, d = keras.layers, cfg["d_model"]
    eps = configs.LAYER_NORM_EPSILON
    tokens = keras.Input(shape=(cfg["length"],), dtype="int32")
    h = layers.Embedding(cfg["vocabulary"], d)(tokens)
    h = _position_embedding(keras, cfg["length"], d)(h)
    for _ in range(cfg["layers"]):
        a = layers.LayerNormalization(epsilon=eps)(h)
        a = layers.MultiHeadAttention(cfg["heads"], d // cfg["heads"])(a, a, use_causal_mask=True)
        h = layers.Add()([h, a])
        m = layers.LayerNormalization(epsilon=eps)(h)
        m = layers.Dense(4 * d, activation="gelu")(m)
        h = layers.Add()([h, layers.Dense(d)(m)])
    h = layers.LayerNormalization(epsilon=eps)(h)
    logits = layers.Dense(cfg["vocabulary"], dtype="float32")(h)
    return keras.Model(tokens, logits)


def _conv_bn(keras, x, filters, kernel, strides=1, relu=True):
    layers = keras.layers
    x = layers.Conv2D(filters, kernel, strides=strides, padding="same")(x)
    x = layers.BatchNormalization(epsilon=configs.BATCH_NORM_EPSILON,
                                  momentum=configs.BATCH_NORM_MOMENTUM)(x)
    return layers.Activation("relu")(x) if relu else x


def _bottleneck(keras, x, filters, strides, project):
    shortcut = _conv_bn(keras, x, 4 * filters, 1, strides, relu=False) if project else x
    h = _conv_bn(keras, x, filters, 1, strides)
    h = _conv_bn(keras, h, filters, 3)
    h = _conv_bn(keras, h, 4 * filters, 1, relu=False)
    return keras.layers.Activation("relu")(keras.layers.Add()([shortcut, h]))


def resnet50(keras, cfg):
    """ResNet50 v1 in Keras's layout (the stride sits in a stage's first 1x1 convolution,
    convolutions have biases), channels last, with ``cfg["stages"]`` bottleneck blocks per stage."""
    layers, width = keras.layers, cfg["width"]
    images = keras.Input(shape=(cfg["image"], cfg["image"], 3))
    x = _conv_bn(keras, images, width, 7, 2)
    x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
    for stage, blocks in enumerate(cfg["stages"]):
        filters = width * 2 ** stage
        for block in range(blocks):
            strides = 2 if stage > 0 and block == 0 else 1
            x = _bottleneck(keras, x, filters, strides, project=block == 0)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(images, layers.Dense(cfg["classes"], dtype="float32")(x))


def lstm(keras, cfg):
    """One LSTM over the sequence, its last output into a Dense classifier."""
    inputs = keras.Input(shape=(cfg["length"], cfg["features"]))
    h = keras.layers.LSTM(cfg["units"])(inputs)
    return keras.Model(inputs, keras.layers.Dense(cfg["classes"])(h))


BUILDERS = {"gpt": gpt, "resnet50": resnet50, "lstm": lstm}


def build(keras, workload, cfg):
    """The workload's model under its precision policy, compiled with AdamW and sparse
    categorical cross-entropy on logits."""
    keras.mixed_precision.set_global_policy(cfg["precision"])
    try:
        model = BUILDERS[workload](keras, cfg)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    return model


def compile_model(keras, model, jit_compile="auto"):
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=configs.LEARNING_RATE,
                                         weight_decay=configs.WEIGHT_DECAY,
                                         epsilon=configs.ADAM_EPSILON),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=jit_compile,
    )
    return model


def data(workload, cfg, seed=0):
    """One batch of synthetic inputs and integer targets (NumPy, channels last)."""
    rng = np.random.default_rng(seed)
    b = cfg["batch_size"]
    if workload == "gpt":
        x = rng.integers(0, cfg["vocabulary"], size=(b, cfg["length"])).astype("int32")
        y = rng.integers(0, cfg["vocabulary"], size=(b, cfg["length"])).astype("int32")
    elif workload == "resnet50":
        x = rng.standard_normal((b, cfg["image"], cfg["image"], 3)).astype("float32")
        y = rng.integers(0, cfg["classes"], size=(b,)).astype("int32")
    else:
        x = rng.standard_normal((b, cfg["length"], cfg["features"])).astype("float32")
        y = rng.integers(0, cfg["classes"], size=(b,)).astype("int32")
    return x, y
