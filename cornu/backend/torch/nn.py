"""PyTorch neural-network primitives."""

import torch
import torch.nn.functional as F

from cornu.backend.torch.core import convert_to_tensor, to_torch_dtype
from cornu.backend.torch.numpy import _float_input


def relu(x):
    return torch.relu(convert_to_tensor(x))


def relu6(x):
    return F.relu6(convert_to_tensor(x))


def sigmoid(x):
    return torch.sigmoid(_float_input(x))


def softplus(x):
    return F.softplus(_float_input(x))


def softsign(x):
    return F.softsign(_float_input(x))


def silu(x):
    return F.silu(_float_input(x))


def log_sigmoid(x):
    return F.logsigmoid(_float_input(x))


def leaky_relu(x, negative_slope=0.2):
    return F.leaky_relu(_float_input(x), negative_slope=negative_slope)


def hard_sigmoid(x):
    return F.hardsigmoid(_float_input(x))


def elu(x, alpha=1.0):
    return F.elu(_float_input(x), alpha=alpha)


def selu(x):
    return F.selu(_float_input(x))


def gelu(x, approximate=True):
    return F.gelu(_float_input(x), approximate="tanh" if approximate else "none")


def softmax(x, axis=-1):
    x = _float_input(x)
    if axis is None:
        return torch.softmax(x.flatten(), dim=0).reshape(x.shape)
    return torch.softmax(x, dim=axis)


def log_softmax(x, axis=-1):
    x = _float_input(x)
    if axis is None:
        return torch.log_softmax(x.flatten(), dim=0).reshape(x.shape)
    return torch.log_softmax(x, dim=axis)


def one_hot(x, num_classes, axis=-1, dtype="float32", sparse=False):
    x = convert_to_tensor(x).long()
    valid = x >= 0
    out = F.one_hot(torch.where(valid, x, 0), num_classes) * valid.unsqueeze(-1)
    out = out.to(to_torch_dtype(dtype))
    if axis != -1:
        out = torch.movedim(out, -1, axis)
    return out
