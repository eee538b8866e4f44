"""ResNet50 and MobileNetV2 hand-written in plain PyTorch (``torch.nn`` modules), laid out as
torchvision's (``Bottleneck`` blocks in ``layer1..layer4``; ``features`` of ``InvertedResidual``
blocks and a ``classifier``), loaded from the Keras-layout weights of ``weights.py``.

Keras's architectures differ from torchvision's in three places, and these modules follow Keras
so that the same weights give the same outputs: ResNet50 (v1) convolutions have biases and a
block's stride sits on its first 1x1 convolution (torchvision's v1.5 puts it on the 3x3);
MobileNetV2's stride-2 convolutions pad (0, 1) on even sizes ("same" padding, Keras's
``correct_pad``) where torchvision pads (1, 1). Batch normalization is not folded into the
convolutions (as in torchvision and Keras). Run with ``torch.inference_mode()`` on a
channels-last tensor: a channels-last NumPy batch permuted to NCHW is already that, no copy.

Example:
    >>> net = build("mobilenet_v2", weights_dict)
    >>> with torch.inference_mode():
    ...     probabilities = net(to_input(images))
"""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def _conv_from_keras(conv, arrays):
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(np.ascontiguousarray(arrays[0].transpose(3, 2, 0, 1))))
        if conv.bias is not None:
            conv.bias.copy_(torch.from_numpy(arrays[1]))


def _depthwise_from_keras(conv, arrays):
    kernel = arrays[0]  # (kh, kw, channels, 1)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(np.ascontiguousarray(kernel.transpose(2, 3, 0, 1))))


def _bn_from_keras(bn, arrays):
    gamma, beta, mean, variance = arrays
    with torch.no_grad():
        bn.weight.copy_(torch.from_numpy(gamma))
        bn.bias.copy_(torch.from_numpy(beta))
        bn.running_mean.copy_(torch.from_numpy(mean))
        bn.running_var.copy_(torch.from_numpy(variance))


def _dense_from_keras(linear, arrays):
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(arrays[0].T)))
        linear.bias.copy_(torch.from_numpy(arrays[1]))


def _same_pad_stride2(x):
    """Pads for a 3x3 stride-2 convolution as Keras's "same" / ``correct_pad``: (0, 1) on an even
    size, (1, 1) on an odd one."""
    h, w = x.shape[-2:]
    return F.pad(x, (w % 2, 1, h % 2, 1))


# -- ResNet50 ----------------------------------------------------------------------------------

RESNET_EPSILON = 1.001e-5


class Bottleneck(nn.Module):
    def __init__(self, c_in, width, stride, project):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, width, 1, stride=stride)
        self.bn1 = nn.BatchNorm2d(width, eps=RESNET_EPSILON)
        self.conv2 = nn.Conv2d(width, width, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(width, eps=RESNET_EPSILON)
        self.conv3 = nn.Conv2d(width, 4 * width, 1)
        self.bn3 = nn.BatchNorm2d(4 * width, eps=RESNET_EPSILON)
        self.downsample = None
        if project:
            self.downsample = nn.Sequential(nn.Conv2d(c_in, 4 * width, 1, stride=stride),
                                            nn.BatchNorm2d(4 * width, eps=RESNET_EPSILON))

    def forward(self, x):
        shortcut = x if self.downsample is None else self.downsample(x)
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        return F.relu(self.bn3(self.conv3(y)) + shortcut)

    def load_keras(self, weights, prefix):
        for i, (conv, bn) in enumerate([(self.conv1, self.bn1), (self.conv2, self.bn2), (self.conv3, self.bn3)], 1):
            _conv_from_keras(conv, weights[f"{prefix}_{i}_conv"])
            _bn_from_keras(bn, weights[f"{prefix}_{i}_bn"])
        if self.downsample is not None:
            _conv_from_keras(self.downsample[0], weights[f"{prefix}_0_conv"])
            _bn_from_keras(self.downsample[1], weights[f"{prefix}_0_bn"])


RESNET50_STAGES = ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2))  # width, blocks, stride


class ResNet50(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3)
        self.bn1 = nn.BatchNorm2d(64, eps=RESNET_EPSILON)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)  # after a ReLU: same as zero padding
        c_in = 64
        for index, (width, blocks, stride) in enumerate(RESNET50_STAGES, 1):
            layer = [Bottleneck(c_in, width, stride, project=True)]
            layer += [Bottleneck(4 * width, width, 1, project=False) for _ in range(blocks - 1)]
            setattr(self, f"layer{index}", nn.Sequential(*layer))
            c_in = 4 * width
        self.fc = nn.Linear(c_in, classes)

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return F.softmax(self.fc(x.mean(dim=(2, 3))), dim=-1)

    def load_keras(self, weights):
        _conv_from_keras(self.conv1, weights["conv1_conv"])
        _bn_from_keras(self.bn1, weights["conv1_bn"])
        for index in range(1, 5):
            for b, block in enumerate(getattr(self, f"layer{index}"), 1):
                block.load_keras(weights, f"conv{index + 1}_block{b}")
        _dense_from_keras(self.fc, weights["predictions"])


# -- MobileNetV2 (alpha 1.0) -------------------------------------------------------------------

MOBILENET_EPSILON = 1e-3
# expansion, output channels, repeats, first stride (Keras's block_0 .. block_16)
MOBILENET_V2_SETTINGS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                         (6, 160, 3, 2), (6, 320, 1, 1))


class ConvBNReLU6(nn.Module):
    """A convolution (no bias), batch norm and ReLU6; a stride-2 3x3 pads as Keras's "same"."""

    def __init__(self, c_in, c_out, kernel, stride=1, groups=1):
        super().__init__()
        self.pad_first = stride == 2
        padding = 0 if self.pad_first else kernel // 2
        self.conv = nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(c_out, eps=MOBILENET_EPSILON)

    def forward(self, x):
        if self.pad_first:
            x = _same_pad_stride2(x)
        return F.relu6(self.bn(self.conv(x)))

    def load_keras(self, weights, conv_name, bn_name, depthwise=False):
        (_depthwise_from_keras if depthwise else _conv_from_keras)(self.conv, weights[conv_name])
        _bn_from_keras(self.bn, weights[bn_name])


class InvertedResidual(nn.Module):
    def __init__(self, c_in, c_out, stride, expansion):
        super().__init__()
        hidden = c_in * expansion
        self.expand = ConvBNReLU6(c_in, hidden, 1) if expansion != 1 else None
        self.depthwise = ConvBNReLU6(hidden, hidden, 3, stride=stride, groups=hidden)
        self.project = nn.Conv2d(hidden, c_out, 1, bias=False)
        self.project_bn = nn.BatchNorm2d(c_out, eps=MOBILENET_EPSILON)
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x):
        y = x if self.expand is None else self.expand(x)
        y = self.project_bn(self.project(self.depthwise(y)))
        return x + y if self.residual else y

    def load_keras(self, weights, block_id):
        prefix = f"block_{block_id}_" if block_id else "expanded_conv_"
        if self.expand is not None:
            self.expand.load_keras(weights, f"{prefix}expand", f"{prefix}expand_BN")
        self.depthwise.load_keras(weights, f"{prefix}depthwise", f"{prefix}depthwise_BN", depthwise=True)
        _conv_from_keras(self.project, weights[f"{prefix}project"])
        _bn_from_keras(self.project_bn, weights[f"{prefix}project_BN"])


class MobileNetV2(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        features = [ConvBNReLU6(3, 32, 3, stride=2)]
        c_in = 32
        for expansion, c_out, repeats, stride in MOBILENET_V2_SETTINGS:
            for i in range(repeats):
                features.append(InvertedResidual(c_in, c_out, stride if i == 0 else 1, expansion))
                c_in = c_out
        features.append(ConvBNReLU6(c_in, 1280, 1))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Linear(1280, classes)

    def forward(self, x):
        return F.softmax(self.classifier(self.features(x).mean(dim=(2, 3))), dim=-1)

    def load_keras(self, weights):
        self.features[0].load_keras(weights, "Conv1", "bn_Conv1")
        for block_id, block in enumerate(self.features[1:-1]):
            block.load_keras(weights, block_id)
        self.features[-1].load_keras(weights, "Conv_1", "Conv_1_bn")
        _dense_from_keras(self.classifier, weights["predictions"])


def build(model_name, weights, channels_last=True):
    """The hand-written model ``model_name`` in eval mode, loaded with Keras-layout ``weights``."""
    classes = weights["predictions"][0].shape[-1]
    net = {"resnet50": ResNet50, "mobilenet_v2": MobileNetV2}[model_name](classes)
    net.load_keras(weights)
    net.eval()
    for parameter in net.parameters():
        parameter.requires_grad_(False)
    if channels_last:
        net = net.to(memory_format=torch.channels_last)
    return net


def to_input(images, channels_last=True):
    """A channels-last NumPy batch as the NCHW tensor the modules take (channels-last memory:
    a view, no copy; else a contiguous copy)."""
    tensor = torch.from_numpy(images).permute(0, 3, 1, 2)
    return tensor if channels_last else tensor.contiguous()
