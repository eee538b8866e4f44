"""The benchmark workloads in plain JAX: pure functions of a parameter tree, one
``jax.jit``-ed train step with donated parameters and optimizer state, and Adam written by
hand (optax is not installed in this environment; the update below is Keras's Adam:
bias-corrected step size, epsilon added outside the square root).

Example:
    >>> from bench.native import jax_models
    >>> from bench.workloads import mlp
    >>> net = jax_models.make("mlp", mlp.TINY, seed=0)
    >>> loss = net.train_step(x, y); net.sync(loss)
"""

import math

import jax
import jax.numpy as jnp
import numpy as np

from bench.workloads.common import ADAM_EPSILON, LEARNING_RATE

BETA_1 = 0.9
BETA_2 = 0.999


# ---- initialisers (the scales Keras uses) ----------------------------------------------

def glorot_uniform(key, shape, fan_in, fan_out):
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return jax.random.uniform(key, shape, jnp.float32, -limit, limit)


def keras_fans(shape):
    """Keras's (fan_in, fan_out) of a kernel: leading dims count as a receptive field."""
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def dense_params(key, n_in, n_out):
    return {"w": glorot_uniform(key, (n_in, n_out), n_in, n_out), "b": jnp.zeros((n_out,))}


def orthogonal(key, rows, cols):
    a = jax.random.normal(key, (max(rows, cols), min(rows, cols)), jnp.float32)
    q, r = jnp.linalg.qr(a)
    q = q * jnp.sign(jnp.diag(r))
    return q if rows >= cols else q.T


def embedding_params(key, vocabulary, dim):
    return jax.random.uniform(key, (vocabulary, dim), jnp.float32, -0.05, 0.05)


def dense(p, x):
    return x @ p["w"] + p["b"]


# ---- the four models: init(key, cfg) -> params; apply(params, x) -> logits ----------------

def mlp_init(key, cfg):
    k1, k2, k3 = jax.random.split(key, 3)
    return [
        dense_params(k1, cfg["features"], cfg["hidden"]),
        dense_params(k2, cfg["hidden"], cfg["hidden"]),
        dense_params(k3, cfg["hidden"], cfg["classes"]),
    ]


def mlp_apply(params, x):
    h = jax.nn.relu(dense(params[0], x))
    h = jax.nn.relu(dense(params[1], h))
    return dense(params[2], h)


def _conv_params(key, in_channels, filters):
    shape = (3, 3, in_channels, filters)
    return {"w": glorot_uniform(key, shape, 9 * in_channels, 9 * filters), "b": jnp.zeros((filters,))}


def cnn_init(key, cfg):
    k1, k2, k3 = jax.random.split(key, 3)
    side = (cfg["image"] - 4) // 2
    return {
        "conv1": _conv_params(k1, 1, cfg["filters1"]),
        "conv2": _conv_params(k2, cfg["filters1"], cfg["filters2"]),
        "out": dense_params(k3, side * side * cfg["filters2"], cfg["classes"]),
    }


def _conv_relu(p, x):
    y = jax.lax.conv_general_dilated(x, p["w"], (1, 1), "VALID",
                                     dimension_numbers=("NHWC", "HWIO", "NHWC"))
    return jax.nn.relu(y + p["b"])


def cnn_apply(params, x):
    h = _conv_relu(params["conv1"], x)
    h = _conv_relu(params["conv2"], h)
    h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
    return dense(params["out"], h.reshape(h.shape[0], -1))


def lstm_init(key, cfg):
    k1, k2, k3, k4 = jax.random.split(key, 4)
    e, u = cfg["embedding"], cfg["units"]
    bias = jnp.zeros((4 * u,)).at[u:2 * u].set(1.0)  # unit forget bias
    return {
        "embedding": embedding_params(k1, cfg["vocabulary"], e),
        "kernel": glorot_uniform(k2, (e, 4 * u), e, 4 * u),
        "recurrent": orthogonal(k3, u, 4 * u),
        "bias": bias,
        "out": dense_params(k4, u, cfg["classes"]),
    }


def lstm_apply(params, tokens):
    # Time-major scan with both projections inside the step: on XLA:CPU this measured ~25%
    # faster than projecting all time steps in one matmul before the scan.
    x = jnp.swapaxes(jnp.take(params["embedding"], tokens, axis=0), 0, 1)  # (T, B, E)
    units = params["recurrent"].shape[0]

    def step(carry, x_t):
        h, c = carry
        z = x_t @ params["kernel"] + h @ params["recurrent"] + params["bias"]
        i, f, g, o = jnp.split(z, 4, axis=-1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (h, c), None

    zeros = jnp.zeros((tokens.shape[0], units), x.dtype)
    (h, _), _ = jax.lax.scan(step, (zeros, zeros), x)
    return dense(params["out"], h)


def _layer_norm_params(dim):
    return {"gamma": jnp.ones((dim,)), "beta": jnp.zeros((dim,))}


def _layer_norm(p, x, epsilon=1e-6):
    mean = x.mean(-1, keepdims=True)
    var = jnp.square(x - mean).mean(-1, keepdims=True)
    return (x - mean) * jax.lax.rsqrt(var + epsilon) * p["gamma"] + p["beta"]


def _attention_params(key, d, heads, key_dim):
    kq, kk, kv, ko = jax.random.split(key, 4)
    def projection(k):
        shape = (d, heads, key_dim)
        return {"w": glorot_uniform(k, shape, *keras_fans(shape)), "b": jnp.zeros((heads, key_dim))}

    out_shape = (heads, key_dim, d)
    return {
        "q": projection(kq),
        "k": projection(kk),
        "v": projection(kv),
        "o": {"w": glorot_uniform(ko, out_shape, *keras_fans(out_shape)), "b": jnp.zeros((d,))},
    }


def _attention(p, h):
    def project(w):
        return jnp.einsum("btd,dnk->btnk", h, w["w"]) + w["b"]

    q, k, v = project(p["q"]), project(p["k"]), project(p["v"])
    # Plain einsum + softmax: on XLA:CPU this measured ~9% faster per train step than
    # jax.nn.dot_product_attention.
    scores = jnp.einsum("bqnk,bsnk->bnqs", q, k) / math.sqrt(q.shape[-1])
    attended = jnp.einsum("bnqs,bsnk->bqnk", jax.nn.softmax(scores, axis=-1), v)
    return jnp.einsum("btnk,nkd->btd", attended, p["o"]["w"]) + p["o"]["b"]


def transformer_init(key, cfg):
    d, heads = cfg["d_model"], cfg["heads"]
    keys = jax.random.split(key, 3 + 3 * cfg["blocks"])
    blocks = []
    for i in range(cfg["blocks"]):
        ka, kf1, kf2 = keys[3 + 3 * i: 6 + 3 * i]
        blocks.append({
            "attention": _attention_params(ka, d, heads, d // heads),
            "norm1": _layer_norm_params(d),
            "ff1": dense_params(kf1, d, cfg["feed_forward"]),
            "ff2": dense_params(kf2, cfg["feed_forward"], d),
            "norm2": _layer_norm_params(d),
        })
    return {
        "embedding": embedding_params(keys[0], cfg["vocabulary"], d),
        "positions": jax.random.uniform(keys[1], (cfg["length"], d), jnp.float32, -0.05, 0.05),
        "blocks": blocks,
        "out": dense_params(keys[2], d, cfg["classes"]),
    }


def transformer_apply(params, tokens):
    h = jnp.take(params["embedding"], tokens, axis=0) + params["positions"]
    for b in params["blocks"]:
        h = _layer_norm(b["norm1"], h + _attention(b["attention"], h))
        ff = dense(b["ff2"], jax.nn.relu(dense(b["ff1"], h)))
        h = _layer_norm(b["norm2"], h + ff)
    return dense(params["out"], h.mean(axis=1))


MODELS = {
    "mlp": (mlp_init, mlp_apply),
    "cnn": (cnn_init, cnn_apply),
    "lstm": (lstm_init, lstm_apply),
    "transformer": (transformer_init, transformer_apply),
}


# ---- loss, Adam, the jitted steps ------------------------------------------------------

def sparse_cross_entropy(logits, labels):
    log_probs = jax.nn.log_softmax(logits)
    return -jnp.take_along_axis(log_probs, labels[:, None].astype(jnp.int32), axis=1).mean()


def adam_init(params):
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    return {"m": zeros, "v": jax.tree_util.tree_map(jnp.zeros_like, params),
            "t": jnp.zeros((), jnp.float32)}


def adam_update(grads, state, params):
    t = state["t"] + 1
    m = jax.tree_util.tree_map(lambda m, g: BETA_1 * m + (1 - BETA_1) * g, state["m"], grads)
    v = jax.tree_util.tree_map(lambda v, g: BETA_2 * v + (1 - BETA_2) * g * g, state["v"], grads)
    step_size = LEARNING_RATE * jnp.sqrt(1 - BETA_2 ** t) / (1 - BETA_1 ** t)
    params = jax.tree_util.tree_map(
        lambda p, m, v: p - step_size * m / (jnp.sqrt(v) + ADAM_EPSILON), params, m, v)
    return params, {"m": m, "v": v, "t": t}


class JaxNative:
    """One hand-written model with its jitted train, predict and call functions."""

    def __init__(self, workload, cfg, seed=0):
        init, apply = MODELS[workload]
        self.params = init(jax.random.PRNGKey(seed), cfg)
        self.opt_state = adam_init(self.params)

        def train(params, opt_state, x, y):
            loss, grads = jax.value_and_grad(lambda p: sparse_cross_entropy(apply(p, x), y))(params)
            params, opt_state = adam_update(grads, opt_state, params)
            return params, opt_state, loss

        self._train = jax.jit(train, donate_argnums=(0, 1))
        self._apply = jax.jit(apply)

    def prepare(self, x):
        """Puts a whole numpy input array in this model's layout (JAX takes NHWC as is)."""
        return x

    def train_step(self, x, y):
        self.params, self.opt_state, loss = self._train(self.params, self.opt_state, x, y)
        return loss

    def sync(self, loss):
        return float(loss)

    def predict(self, x, batch_size):
        outs = [self._apply(self.params, x[i:i + batch_size]) for i in range(0, len(x), batch_size)]
        return np.concatenate([np.asarray(o) for o in outs])

    def to_tensor(self, x):
        return jnp.asarray(x)

    def call(self, x):
        return self._apply(self.params, x).block_until_ready()

    def num_trainable_params(self):
        return sum(int(np.prod(p.shape)) for p in jax.tree_util.tree_leaves(self.params))


def make(workload, cfg, seed=0):
    """The hand-written JAX version of ``workload`` ("mlp", "cnn", "lstm", "transformer")."""
    return JaxNative(workload, cfg, seed)
