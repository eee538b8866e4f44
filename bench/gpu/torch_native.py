"""The GPU workloads in plain PyTorch, written as a performance-minded user would: bf16
autocast, fused AdamW, ``F.scaled_dot_product_attention``, cuDNN through ``nn.LSTM``,
channels-last convolutions, and optionally ``torch.compile`` on the model.

Example:
    >>> from bench.gpu import configs, torch_native
    >>> net = torch_native.Native("gpt", configs.size("gpt", "tiny"), device="cpu")
    >>> loss = net.train_step(*net.batch(x, y)); float(loss)
"""

import torch
import torch.nn.functional as F
from torch import nn

from bench.gpu import configs


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(d, eps=configs.LAYER_NORM_EPSILON)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.norm2 = nn.LayerNorm(d, eps=configs.LAYER_NORM_EPSILON)
        self.up = nn.Linear(d, 4 * d)
        self.down = nn.Linear(4 * d, d)

    def forward(self, h):
        b, t, d = h.shape
        q, k, v = self.qkv(self.norm1(h)).view(b, t, 3, self.heads, d // self.heads).unbind(2)
        a = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2),
                                           is_causal=True)
        h = h + self.proj(a.transpose(1, 2).reshape(b, t, d))
        return h + self.down(F.gelu(self.up(self.norm2(h))))


class GPT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.tokens = nn.Embedding(cfg["vocabulary"], d)
        self.positions = nn.Parameter(torch.randn(cfg["length"], d) * 0.02)
        self.blocks = nn.ModuleList(Block(d, cfg["heads"]) for _ in range(cfg["layers"]))
        self.norm = nn.LayerNorm(d, eps=configs.LAYER_NORM_EPSILON)
        self.head = nn.Linear(d, cfg["vocabulary"])

    def forward(self, tokens):
        h = self.tokens(tokens) + self.positions
        for block in self.blocks:
            h = block(h)
        return self.head(self.norm(h))


def _bn(channels):
    # torch's momentum is the weight of the new batch: Keras's 0.99 is torch's 0.01.
    return nn.BatchNorm2d(channels, eps=configs.BATCH_NORM_EPSILON,
                          momentum=1.0 - configs.BATCH_NORM_MOMENTUM)


class Bottleneck(nn.Module):
    def __init__(self, c_in, filters, stride, project):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, filters, 1, stride)
        self.bn1 = _bn(filters)
        self.conv2 = nn.Conv2d(filters, filters, 3, 1, 1)
        self.bn2 = _bn(filters)
        self.conv3 = nn.Conv2d(filters, 4 * filters, 1)
        self.bn3 = _bn(4 * filters)
        self.shortcut = (nn.Sequential(nn.Conv2d(c_in, 4 * filters, 1, stride),
                                       _bn(4 * filters)) if project else nn.Identity())

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = F.relu(self.bn2(self.conv2(h)))
        return F.relu(self.shortcut(x) + self.bn3(self.conv3(h)))


class ResNet50(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        width = cfg["width"]
        self.stem = nn.Sequential(nn.Conv2d(3, width, 7, 2, 3), _bn(width), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))
        blocks, c_in = [], width
        for stage, count in enumerate(cfg["stages"]):
            filters = width * 2 ** stage
            for i in range(count):
                stride = 2 if stage > 0 and i == 0 else 1
                blocks.append(Bottleneck(c_in, filters, stride, project=i == 0))
                c_in = 4 * filters
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(c_in, cfg["classes"])

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)).mean(dim=(2, 3)))


class LSTMClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.lstm = nn.LSTM(cfg["features"], cfg["units"], batch_first=True)
        self.head = nn.Linear(cfg["units"], cfg["classes"])

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


MODELS = {"gpt": GPT, "resnet50": ResNet50, "lstm": LSTMClassifier}


class Native:
    """One hand-written model on ``device`` with fused AdamW; ``compiled`` wraps the model in
    ``torch.compile``."""

    def __init__(self, workload, cfg, device, compiled=False, seed=0):
        torch.manual_seed(seed)
        self.workload, self.cfg, self.device = workload, cfg, torch.device(device)
        self.model = MODELS[workload](cfg).to(self.device)
        self.channels_last = workload == "resnet50"
        if self.channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        fused = self.device.type == "cuda"
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=configs.LEARNING_RATE,
                                           eps=configs.ADAM_EPSILON,
                                           weight_decay=configs.WEIGHT_DECAY,
                                           fused=fused, foreach=None if fused else True)
        self.forward = torch.compile(self.model) if compiled else self.model
        self.autocast = cfg["precision"] == "mixed_bfloat16"

    def num_params(self):
        return sum(p.numel() for p in self.model.parameters())

    def batch(self, x, y):
        """NumPy channels-last inputs as device tensors in this model's layout (untimed)."""
        x = torch.from_numpy(x).to(self.device)
        if self.channels_last:
            x = x.permute(0, 3, 1, 2).contiguous(memory_format=torch.channels_last)
        return x, torch.from_numpy(y).long().to(self.device)

    def train_step(self, x, y):
        self.optimizer.zero_grad(set_to_none=True)
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.autocast):
            logits = self.forward(x)
        loss = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), y.reshape(-1))
        loss.backward()
        self.optimizer.step()
        return loss.detach()

    def sync(self, loss):
        return float(loss)

