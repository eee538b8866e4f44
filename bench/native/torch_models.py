"""The benchmark workloads in plain PyTorch: ``nn.Module`` models, ``F.cross_entropy`` and
``torch.optim.Adam`` with its fastest CPU implementation (``fused=True`` on torch >= 2.4,
else ``foreach=True``), the usual ``zero_grad / backward / step`` loop.

Images are fed NCHW (converted once, before timing), the layout torch's convolutions want.
Initial weights use Keras's scales (Glorot-uniform with Keras's fans, orthogonal recurrent
kernel, unit forget bias); ``nn.LSTM``'s second bias (``bias_hh``) is zeroed and frozen so the
trainable parameters match the Keras LSTM's one bias.

Example:
    >>> from bench.native import torch_models
    >>> from bench.workloads import mlp
    >>> net = torch_models.make("mlp", mlp.TINY, seed=0)
    >>> loss = net.train_step(x, y); net.sync(loss)
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from bench.workloads.common import ADAM_EPSILON, LEARNING_RATE


def _glorot_(tensor, fan_in, fan_out):
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-limit, limit)
    return tensor


def _linear(n_in, n_out, fans=None):
    layer = nn.Linear(n_in, n_out)
    _glorot_(layer.weight, *(fans or (n_in, n_out)))
    nn.init.zeros_(layer.bias)
    return layer


def _embedding(vocabulary, dim):
    layer = nn.Embedding(vocabulary, dim)
    nn.init.uniform_(layer.weight, -0.05, 0.05)
    return layer


class MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.fc1 = _linear(cfg["features"], cfg["hidden"])
        self.fc2 = _linear(cfg["hidden"], cfg["hidden"])
        self.out = _linear(cfg["hidden"], cfg["classes"])

    def forward(self, x):
        return self.out(F.relu(self.fc2(F.relu(self.fc1(x)))))


class CNN(nn.Module):
    channels_first = True

    def __init__(self, cfg):
        super().__init__()
        f1, f2 = cfg["filters1"], cfg["filters2"]
        self.conv1 = nn.Conv2d(1, f1, 3)
        self.conv2 = nn.Conv2d(f1, f2, 3)
        for conv in (self.conv1, self.conv2):
            _glorot_(conv.weight, conv.in_channels * 9, conv.out_channels * 9)
            nn.init.zeros_(conv.bias)
        side = (cfg["image"] - 4) // 2
        self.out = _linear(side * side * f2, cfg["classes"])

    def forward(self, x):
        h = F.relu(self.conv2(F.relu(self.conv1(x))))
        return self.out(torch.flatten(F.max_pool2d(h, 2), 1))


class LSTMClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        e, u = cfg["embedding"], cfg["units"]
        self.embedding = _embedding(cfg["vocabulary"], e)
        self.lstm = nn.LSTM(e, u, batch_first=True)
        with torch.no_grad():
            _glorot_(self.lstm.weight_ih_l0, e, 4 * u)
            nn.init.orthogonal_(self.lstm.weight_hh_l0)
            self.lstm.bias_ih_l0.zero_()
            self.lstm.bias_ih_l0[u:2 * u] = 1.0  # unit forget bias
            self.lstm.bias_hh_l0.zero_()
        self.lstm.bias_hh_l0.requires_grad_(False)
        self.out = _linear(u, cfg["classes"])

    def forward(self, tokens):
        _, (h, _) = self.lstm(self.embedding(tokens))
        return self.out(h[-1])


class SelfAttention(nn.Module):
    """Keras MultiHeadAttention's computation: per-head q/k/v projections with biases,
    scaled dot-product attention (torch's fused kernel), output projection with bias."""

    def __init__(self, d, heads):
        super().__init__()
        key_dim = d // heads
        self.heads, self.key_dim = heads, key_dim
        in_fans = (d * heads, d * key_dim)  # Keras's fans of an EinsumDense (d, heads, key_dim)
        self.q, self.k, self.v = (_linear(d, heads * key_dim, in_fans) for _ in range(3))
        self.o = _linear(heads * key_dim, d, (key_dim * heads, d * heads))

    def forward(self, h):
        b, t, _ = h.shape

        def split(x):
            return x.view(b, t, self.heads, self.key_dim).transpose(1, 2)

        attended = F.scaled_dot_product_attention(split(self.q(h)), split(self.k(h)), split(self.v(h)))
        return self.o(attended.transpose(1, 2).reshape(b, t, self.heads * self.key_dim))


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.attention = SelfAttention(d, cfg["heads"])
        self.norm1 = nn.LayerNorm(d, eps=1e-6)
        self.ff1 = _linear(d, cfg["feed_forward"])
        self.ff2 = _linear(cfg["feed_forward"], d)
        self.norm2 = nn.LayerNorm(d, eps=1e-6)

    def forward(self, h):
        h = self.norm1(h + self.attention(h))
        return self.norm2(h + self.ff2(F.relu(self.ff1(h))))


class Transformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.embedding = _embedding(cfg["vocabulary"], d)
        self.positions = nn.Parameter(torch.empty(cfg["length"], d).uniform_(-0.05, 0.05))
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg["blocks"]))
        self.out = _linear(d, cfg["classes"])

    def forward(self, tokens):
        h = self.embedding(tokens) + self.positions
        for block in self.blocks:
            h = block(h)
        return self.out(h.mean(dim=1))


MODELS = {"mlp": MLP, "cnn": CNN, "lstm": LSTMClassifier, "transformer": Transformer}


def make_adam(params):
    """torch's Adam, fused on CPU when this torch has it (fastest), else foreach."""
    params = [p for p in params if p.requires_grad]
    try:
        return torch.optim.Adam(params, lr=LEARNING_RATE, eps=ADAM_EPSILON, fused=True)
    except (RuntimeError, TypeError):
        return torch.optim.Adam(params, lr=LEARNING_RATE, eps=ADAM_EPSILON, foreach=True)


class TorchNative:
    """One hand-written model, its optimizer and the input conversion."""

    def __init__(self, workload, cfg, seed=0):
        torch.manual_seed(seed)
        self.model = MODELS[workload](cfg)
        self.optimizer = make_adam(self.model.parameters())
        self.channels_first = getattr(self.model, "channels_first", False)

    def prepare(self, x):
        """Puts a whole numpy input array in this model's layout (done once, untimed)."""
        if self.channels_first and x.ndim == 4:
            return np.ascontiguousarray(np.transpose(x, (0, 3, 1, 2)))
        return x

    def train_step(self, x, y):
        x = torch.from_numpy(x)
        y = torch.from_numpy(y).long()
        self.optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(self.model(x), y)
        loss.backward()
        self.optimizer.step()
        return loss.detach()  # a handle that does not keep the autograd graph alive

    def sync(self, loss):
        return float(loss)

    def predict(self, x, batch_size):
        with torch.inference_mode():
            outs = [self.model(torch.from_numpy(x[i:i + batch_size])) for i in range(0, len(x), batch_size)]
            return torch.cat(outs).numpy()

    def to_tensor(self, x):
        return torch.from_numpy(self.prepare(x))

    def call(self, x):
        return self.model(x)

    def num_trainable_params(self):
        return sum(p.numel() for p in self.model.parameters() if p.requires_grad)


def make(workload, cfg, seed=0):
    """The hand-written PyTorch version of ``workload`` ("mlp", "cnn", "lstm", "transformer")."""
    return TorchNative(workload, cfg, seed)
