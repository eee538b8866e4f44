"""The GPU workloads in plain JAX, written as a performance-minded user would: pure functions
of a parameter tree, bf16 compute under an f32 master copy, ``jax.nn.dot_product_attention``,
cuDNN's LSTM through ``jax.experimental.rnn`` on a GPU (a ``lax.scan`` elsewhere), optax's
AdamW, and one jitted step with donated state.

Example:
    >>> from bench.gpu import configs, jax_native
    >>> net = jax_native.Native("gpt", configs.size("gpt", "tiny"))
    >>> loss = net.train_step(*net.batch(x, y)); float(loss)
"""

import jax
import jax.numpy as jnp
import optax
from jax import lax

from bench.gpu import configs


def _normal(key, shape, scale):
    return scale * jax.random.normal(key, shape, jnp.float32)


def _dense(key, n_in, n_out):
    return {"w": _normal(key, (n_in, n_out), n_in ** -0.5), "b": jnp.zeros((n_out,))}


def _norm(d):
    return {"scale": jnp.ones((d,)), "bias": jnp.zeros((d,))}


def _layer_norm(p, x):
    x32 = x.astype(jnp.float32)
    mean = x32.mean(-1, keepdims=True)
    var = jnp.square(x32 - mean).mean(-1, keepdims=True)
    y = (x32 - mean) * lax.rsqrt(var + configs.LAYER_NORM_EPSILON) * p["scale"] + p["bias"]
    return y.astype(x.dtype)


def _apply_dense(p, x):
    return x @ p["w"].astype(x.dtype) + p["b"].astype(x.dtype)


# ---- GPT ---------------------------------------------------------------------------------

def gpt_init(key, cfg):
    d, keys = cfg["d_model"], jax.random.split(key, 3 + 4 * cfg["layers"])
    blocks = []
    for i in range(cfg["layers"]):
        k = keys[3 + 4 * i: 7 + 4 * i]
        blocks.append({"norm1": _norm(d), "qkv": _dense(k[0], d, 3 * d), "proj": _dense(k[1], d, d),
                       "norm2": _norm(d), "up": _dense(k[2], d, 4 * d), "down": _dense(k[3], 4 * d, d)})
    return {"tokens": _normal(keys[0], (cfg["vocabulary"], d), 0.02),
            "positions": _normal(keys[1], (cfg["length"], d), 0.02),
            "blocks": blocks, "norm": _norm(d), "head": _dense(keys[2], d, cfg["vocabulary"])}


def gpt_apply(params, state, tokens, cfg, dtype):
    b, t = tokens.shape
    d, heads = cfg["d_model"], cfg["heads"]
    h = (params["tokens"][tokens] + params["positions"]).astype(dtype)
    for p in params["blocks"]:
        qkv = _apply_dense(p["qkv"], _layer_norm(p["norm1"], h)).reshape(b, t, 3, heads, d // heads)
        a = jax.nn.dot_product_attention(qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2], is_causal=True)
        h = h + _apply_dense(p["proj"], a.reshape(b, t, d))
        m = jax.nn.gelu(_apply_dense(p["up"], _layer_norm(p["norm2"], h)), approximate=False)
        h = h + _apply_dense(p["down"], m)
    logits = _apply_dense(params["head"], _layer_norm(params["norm"], h))
    return logits.astype(jnp.float32), state


# ---- ResNet50 ------------------------------------------------------------------------------

def _conv_init(key, kernel, c_in, c_out):
    fan_in = kernel * kernel * c_in
    return _normal(key, (kernel, kernel, c_in, c_out), (2.0 / fan_in) ** 0.5)


def _conv(p, x, stride):
    y = lax.conv_general_dilated(x, p["w"].astype(x.dtype), (stride, stride), "SAME",
                                 dimension_numbers=("NHWC", "HWIO", "NHWC"))
    return y + p["b"].astype(x.dtype)


def _batch_norm(p, s, x):
    """Training-mode batch normalization; returns the output and the new moving statistics."""
    x32 = x.astype(jnp.float32)
    mean = x32.mean((0, 1, 2))
    var = jnp.square(x32 - mean).mean((0, 1, 2))
    y = (x32 - mean) * lax.rsqrt(var + configs.BATCH_NORM_EPSILON) * p["scale"] + p["bias"]
    m = configs.BATCH_NORM_MOMENTUM
    new = {"mean": m * s["mean"] + (1 - m) * mean, "var": m * s["var"] + (1 - m) * var}
    return y.astype(x.dtype), new


def _conv_bn_init(key, kernel, c_in, c_out):
    return ({"w": _conv_init(key, kernel, c_in, c_out), "b": jnp.zeros((c_out,)), "bn": _norm(c_out)},
            {"mean": jnp.zeros((c_out,)), "var": jnp.ones((c_out,))})


def resnet50_init(key, cfg):
    width, keys = cfg["width"], iter(jax.random.split(key, 8 + 4 * sum(cfg["stages"])))
    params, state = {"blocks": []}, {"blocks": []}
    params["stem"], state["stem"] = _conv_bn_init(next(keys), 7, 3, width)
    c_in = width
    for stage, count in enumerate(cfg["stages"]):
        filters = width * 2 ** stage
        for i in range(count):
            p, s = {}, {}
            specs = [("c1", 1, c_in, filters), ("c2", 3, filters, filters), ("c3", 1, filters, 4 * filters)]
            if i == 0:
                specs.append(("shortcut", 1, c_in, 4 * filters))
            for name, kernel, a, b in specs:
                p[name], s[name] = _conv_bn_init(next(keys), kernel, a, b)
            params["blocks"].append(p)
            state["blocks"].append(s)
            c_in = 4 * filters
    params["head"] = _dense(next(keys), c_in, cfg["classes"])
    return params, state


def _strides(cfg):
    out = []
    for stage, count in enumerate(cfg["stages"]):
        out += [2 if stage > 0 and i == 0 else 1 for i in range(count)]
    return out


def resnet50_apply(params, state, x, cfg, dtype):
    new_state = {"blocks": []}

    def conv_bn(p, s, x, stride, relu=True):
        y, s = _batch_norm(p["bn"], s, _conv(p, x, stride))
        return (jax.nn.relu(y) if relu else y), s

    x, new_state["stem"] = conv_bn(params["stem"], state["stem"], x.astype(dtype), 2)
    x = lax.reduce_window(x, -jnp.inf, lax.max, (1, 3, 3, 1), (1, 2, 2, 1), "SAME")
    for p, s, stride in zip(params["blocks"], state["blocks"], _strides(cfg)):
        ns = {}
        h, ns["c1"] = conv_bn(p["c1"], s["c1"], x, stride)
        h, ns["c2"] = conv_bn(p["c2"], s["c2"], h, 1)
        h, ns["c3"] = conv_bn(p["c3"], s["c3"], h, 1, relu=False)
        if "shortcut" in p:
            x, ns["shortcut"] = conv_bn(p["shortcut"], s["shortcut"], x, stride, relu=False)
        x = jax.nn.relu(x + h)
        new_state["blocks"].append(ns)
    logits = _apply_dense(params["head"], x.mean((1, 2)))
    return logits.astype(jnp.float32), new_state


# ---- LSTM ----------------------------------------------------------------------------------

def _on_gpu():
    return jax.default_backend() == "gpu"


def lstm_init(key, cfg):
    f, u = cfg["features"], cfg["units"]
    k1, k2, k3 = jax.random.split(key, 3)
    if _on_gpu():
        from jax.experimental import rnn
        cell = {"weights": rnn.init_lstm_weight(k1, f, u, 1, False)}
    else:
        cell = {"wi": _normal(k1, (f, 4 * u), f ** -0.5), "wh": _normal(k2, (u, 4 * u), u ** -0.5),
                "b": jnp.zeros((4 * u,))}
    return {"cell": cell, "head": _dense(k3, u, cfg["classes"])}


def _scan_lstm(p, x):
    u = p["wh"].shape[0]
    projected = jnp.swapaxes(x @ p["wi"] + p["b"], 0, 1)  # (time, batch, 4u)

    def step(carry, z):
        h, c = carry
        i, f, g, o = jnp.split(z + h @ p["wh"], 4, axis=-1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (h, c), None

    zeros = jnp.zeros((x.shape[0], u), x.dtype)
    (h, _), _ = lax.scan(step, (zeros, zeros), projected)
    return h


def lstm_apply(params, state, x, cfg, dtype):
    p = params["cell"]
    if "weights" in p:
        from jax.experimental import rnn
        b, t, u = x.shape[0], x.shape[1], cfg["units"]
        zeros = jnp.zeros((1, b, u), x.dtype)
        lengths = jnp.full((b,), t, jnp.int32)
        _, h, _ = rnn.lstm(x, zeros, zeros, p["weights"], lengths, cfg["features"], u, 1, 0.0, False)
        h = h[-1]
    else:
        h = _scan_lstm(p, x)
    return _apply_dense(params["head"], h), state


MODELS = {"gpt": (gpt_init, gpt_apply), "resnet50": (resnet50_init, resnet50_apply),
          "lstm": (lstm_init, lstm_apply)}


class Native:
    """One hand-written JAX model with optax's AdamW and a jitted, donating train step."""

    def __init__(self, workload, cfg, seed=0):
        init, apply = MODELS[workload]
        out = init(jax.random.PRNGKey(seed), cfg)
        self.params, self.state = out if isinstance(out, tuple) else (out, {})
        dtype = jnp.bfloat16 if cfg["precision"] == "mixed_bfloat16" else jnp.float32
        optimizer = optax.adamw(configs.LEARNING_RATE, eps=configs.ADAM_EPSILON,
                                weight_decay=configs.WEIGHT_DECAY)
        self.opt_state = optimizer.init(self.params)

        def loss_fn(params, state, x, y):
            logits, state = apply(params, state, x, cfg, dtype)
            loss = optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()
            return loss, state

        def step(params, opt_state, state, x, y):
            (loss, state), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, state, x, y)
            updates, opt_state = optimizer.update(grads, opt_state, params)
            return optax.apply_updates(params, updates), opt_state, state, loss

        self._step = jax.jit(step, donate_argnums=(0, 1, 2))

    def num_params(self):
        return sum(x.size for x in jax.tree_util.tree_leaves(self.params))

    def batch(self, x, y):
        return jax.device_put(x), jax.device_put(y)

    def train_step(self, x, y):
        self.params, self.opt_state, self.state, loss = self._step(
            self.params, self.opt_state, self.state, x, y)
        return loss

    def sync(self, loss):
        return float(loss)
