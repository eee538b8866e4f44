"""The benchmark workloads in plain TensorFlow, without ``tf.keras``: parameters are
``tf.Variable``s, the train step is one ``tf.function`` that runs the forward pass under
``tf.GradientTape`` and updates every variable with Adam through TensorFlow's fused kernel
(``tf.raw_ops.ResourceApplyAdam``: Keras's Adam, bias-corrected step size and epsilon outside
the square root), the loss is ``tf.nn.sparse_softmax_cross_entropy_with_logits`` averaged.

``jit_compile`` follows Keras's "auto" on TensorFlow by default, so the three
implementations run the same kind of graph: XLA only where TensorFlow sees a device other
than the CPU, a plain TensorFlow graph on a CPU-only machine. ``BENCH_TF_JIT_COMPILE=1`` (or
``0``) forces it either way. The forward pass used for predict and ``model(x)`` is a
``tf.function`` with the same setting.

Images stay NHWC (TensorFlow's CPU convolutions take it as is). Attention projections are
stored as 2-D ``(d, heads * key_dim)`` matrices with the fans Keras gives its 3-D EinsumDense
kernels, as the PyTorch version does.

Example:
    >>> from bench.native import tf_models
    >>> from bench.workloads import mlp
    >>> net = tf_models.make("mlp", mlp.TINY, seed=0)
    >>> loss = net.train_step(x, y); net.sync(loss)
"""

import math
import os

import numpy as np
import tensorflow as tf

from bench.workloads.common import ADAM_EPSILON, LEARNING_RATE

BETA_1 = 0.9
BETA_2 = 0.999


def default_jit_compile():
    """``BENCH_TF_JIT_COMPILE`` if set ("1"/"0"), else Keras's "auto" on TensorFlow."""
    forced = os.environ.get("BENCH_TF_JIT_COMPILE", "auto").strip().lower()
    if forced in ("1", "true"):
        return True
    if forced in ("0", "false"):
        return False
    return any(device.device_type != "CPU" for device in tf.config.list_physical_devices())


class Init:
    """Initialisers with Keras's scales, drawn from one seeded generator."""

    def __init__(self, seed):
        self.rng = tf.random.Generator.from_seed(seed)

    def uniform(self, shape, limit, name):
        return tf.Variable(self.rng.uniform(shape, -limit, limit, tf.float32), name=name)

    def glorot(self, shape, fan_in, fan_out, name):
        return self.uniform(shape, math.sqrt(6.0 / (fan_in + fan_out)), name)

    def orthogonal(self, rows, cols, name):
        a = self.rng.normal((max(rows, cols), min(rows, cols)), dtype=tf.float32)
        q, r = tf.linalg.qr(a)
        q = q * tf.sign(tf.linalg.diag_part(r))
        return tf.Variable(q if rows >= cols else tf.transpose(q), name=name)

    @staticmethod
    def constant(value, name):
        return tf.Variable(tf.constant(value, tf.float32), name=name)

    def dense(self, n_in, n_out, name, fans=None):
        return (self.glorot((n_in, n_out), *(fans or (n_in, n_out)), name + "/w"),
                self.constant(np.zeros(n_out, "float32"), name + "/b"))


def dense(layer, x):
    w, b = layer
    return tf.matmul(x, w) + b


def dense_nd(layer, x):
    """A Dense layer on the last axis of a 3-D input, as one 2-D matrix product."""
    w, b = layer
    batch, length = tf.shape(x)[0], tf.shape(x)[1]
    y = tf.matmul(tf.reshape(x, (-1, x.shape[-1])), w) + b
    return tf.reshape(y, (batch, length, w.shape[-1]))


# ---- the four models: each holds its variables and maps inputs to logits ----------------

class MLP:
    def __init__(self, cfg, init):
        self.layers = [init.dense(cfg["features"], cfg["hidden"], "fc1"),
                       init.dense(cfg["hidden"], cfg["hidden"], "fc2"),
                       init.dense(cfg["hidden"], cfg["classes"], "out")]

    def __call__(self, x):
        h = tf.nn.relu(dense(self.layers[0], x))
        h = tf.nn.relu(dense(self.layers[1], h))
        return dense(self.layers[2], h)


class CNN:
    def __init__(self, cfg, init):
        f1, f2 = cfg["filters1"], cfg["filters2"]
        self.conv1 = (init.glorot((3, 3, 1, f1), 9, 9 * f1, "conv1/w"),
                      init.constant(np.zeros(f1, "float32"), "conv1/b"))
        self.conv2 = (init.glorot((3, 3, f1, f2), 9 * f1, 9 * f2, "conv2/w"),
                      init.constant(np.zeros(f2, "float32"), "conv2/b"))
        side = (cfg["image"] - 4) // 2
        self.out = init.dense(side * side * f2, cfg["classes"], "out")

    def __call__(self, x):
        for w, b in (self.conv1, self.conv2):
            x = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, 1, "VALID"), b))
        x = tf.nn.max_pool2d(x, 2, 2, "VALID")
        return dense(self.out, tf.reshape(x, (tf.shape(x)[0], -1)))


class LSTMClassifier:
    def __init__(self, cfg, init):
        e, u = cfg["embedding"], cfg["units"]
        self.units = u
        self.embedding = init.uniform((cfg["vocabulary"], e), 0.05, "embedding")
        self.kernel = init.glorot((e, 4 * u), e, 4 * u, "lstm/kernel")
        self.recurrent = init.orthogonal(u, 4 * u, "lstm/recurrent")
        bias = np.zeros(4 * u, "float32")
        bias[u:2 * u] = 1.0  # unit forget bias
        self.bias = init.constant(bias, "lstm/bias")
        self.out = init.dense(u, cfg["classes"], "out")

    def __call__(self, tokens):
        # The input projection of every time step in one product, then a time-major scan of
        # the recurrent part (fewer ops per loop iteration in a TensorFlow graph).
        x = tf.gather(self.embedding, tokens)                          # (B, T, E)
        projected = tf.transpose(dense_nd((self.kernel, self.bias), x), (1, 0, 2))  # (T, B, 4U)

        def step(carry, z_x):
            h, c = carry
            z = z_x + tf.matmul(h, self.recurrent)
            i, f, g, o = tf.split(z, 4, axis=-1)
            c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
            return tf.sigmoid(o) * tf.tanh(c), c

        zeros = tf.zeros((tf.shape(tokens)[0], self.units), tf.float32)
        h, _ = tf.scan(step, projected, initializer=(zeros, zeros))
        return dense(self.out, h[-1])


def layer_norm(params, x, epsilon=1e-6):
    gamma, beta = params
    mean, variance = tf.nn.moments(x, axes=[-1], keepdims=True)
    return (x - mean) * tf.math.rsqrt(variance + epsilon) * gamma + beta


class Transformer:
    def __init__(self, cfg, init):
        d, heads = cfg["d_model"], cfg["heads"]
        self.heads, self.key_dim = heads, d // heads
        self.embedding = init.uniform((cfg["vocabulary"], d), 0.05, "embedding")
        self.positions = init.uniform((cfg["length"], d), 0.05, "positions")
        in_fans = (d * heads, d * self.key_dim)     # Keras's fans of an EinsumDense (d, heads, key_dim)
        out_fans = (self.key_dim * heads, d * heads)
        self.blocks = []
        for i in range(cfg["blocks"]):
            name = f"block{i}"
            ones, zeros = np.ones(d, "float32"), np.zeros(d, "float32")
            self.blocks.append({
                "q": init.dense(d, d, name + "/q", in_fans),
                "k": init.dense(d, d, name + "/k", in_fans),
                "v": init.dense(d, d, name + "/v", in_fans),
                "o": init.dense(d, d, name + "/o", out_fans),
                "norm1": (init.constant(ones, name + "/norm1/gamma"), init.constant(zeros, name + "/norm1/beta")),
                "ff1": init.dense(d, cfg["feed_forward"], name + "/ff1"),
                "ff2": init.dense(cfg["feed_forward"], d, name + "/ff2"),
                "norm2": (init.constant(ones, name + "/norm2/gamma"), init.constant(zeros, name + "/norm2/beta")),
            })
        self.out = init.dense(d, cfg["classes"], "out")

    def _attention(self, block, h):
        batch, length = tf.shape(h)[0], tf.shape(h)[1]

        def split(x):  # (B, T, heads * key_dim) -> (B, heads, T, key_dim)
            return tf.transpose(tf.reshape(x, (batch, length, self.heads, self.key_dim)), (0, 2, 1, 3))

        q, k, v = (split(dense_nd(block[name], h)) for name in ("q", "k", "v"))
        scores = tf.matmul(q, k, transpose_b=True) / math.sqrt(self.key_dim)
        attended = tf.matmul(tf.nn.softmax(scores, axis=-1), v)
        merged = tf.reshape(tf.transpose(attended, (0, 2, 1, 3)), (batch, length, self.heads * self.key_dim))
        return dense_nd(block["o"], merged)

    def __call__(self, tokens):
        h = tf.gather(self.embedding, tokens) + self.positions
        for block in self.blocks:
            h = layer_norm(block["norm1"], h + self._attention(block, h))
            ff = dense_nd(block["ff2"], tf.nn.relu(dense_nd(block["ff1"], h)))
            h = layer_norm(block["norm2"], h + ff)
        return dense(self.out, tf.reduce_mean(h, axis=1))


MODELS = {"mlp": MLP, "cnn": CNN, "lstm": LSTMClassifier, "transformer": Transformer}


def all_variables(model):
    """Every ``tf.Variable`` an object holds (directly, or in tuples, lists and dicts)."""
    found = []

    def walk(value):
        if isinstance(value, tf.Variable):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(list(vars(model).values()))
    return found


class TFNative:
    """One hand-written model, its Adam slots and the traced train and forward functions."""

    def __init__(self, workload, cfg, seed=0, jit_compile=None):
        self.jit_compile = default_jit_compile() if jit_compile is None else jit_compile
        self.model = MODELS[workload](cfg, Init(seed))
        self.params = all_variables(self.model)
        self.m = [tf.Variable(tf.zeros_like(p), name="m") for p in self.params]
        self.v = [tf.Variable(tf.zeros_like(p), name="v") for p in self.params]
        self.iterations = tf.Variable(0, dtype=tf.int64, name="iterations")
        self._train = tf.function(self._train_step, jit_compile=self.jit_compile, autograph=False)
        self._forward = tf.function(self.model.__call__, jit_compile=self.jit_compile, autograph=False)

    def _train_step(self, x, y):
        with tf.GradientTape() as tape:
            logits = self.model(x)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        grads = tape.gradient(loss, self.params)
        t = tf.cast(self.iterations.assign_add(1), tf.float32)
        beta_1_power, beta_2_power = tf.pow(BETA_1, t), tf.pow(BETA_2, t)
        for p, m, v, g in zip(self.params, self.m, self.v, grads):
            # Embedding gradients come as IndexedSlices; the fused kernel takes dense ones.
            tf.raw_ops.ResourceApplyAdam(
                var=p.handle, m=m.handle, v=v.handle, beta1_power=beta_1_power,
                beta2_power=beta_2_power, lr=LEARNING_RATE, beta1=BETA_1, beta2=BETA_2,
                epsilon=ADAM_EPSILON, grad=tf.convert_to_tensor(g))
        return loss

    def prepare(self, x):
        """Puts a whole numpy input array in this model's layout (TensorFlow takes NHWC as is)."""
        return x

    def train_step(self, x, y):
        return self._train(tf.convert_to_tensor(x), tf.convert_to_tensor(y))

    def sync(self, loss):
        return float(loss)

    def predict(self, x, batch_size):
        outs = [self._forward(tf.convert_to_tensor(x[i:i + batch_size])) for i in range(0, len(x), batch_size)]
        return np.concatenate([o.numpy() for o in outs])

    def to_tensor(self, x):
        return tf.convert_to_tensor(x)

    def call(self, x):
        return self._forward(x)

    def num_trainable_params(self):
        return sum(int(np.prod(p.shape)) for p in self.params)


def make(workload, cfg, seed=0, jit_compile=None):
    """The hand-written TensorFlow version of ``workload`` ("mlp", "cnn", "lstm", "transformer")."""
    return TFNative(workload, cfg, seed, jit_compile)
