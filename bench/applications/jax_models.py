"""ResNet50 and MobileNetV2 hand-written in plain JAX: pure ``jax.numpy`` / ``jax.lax`` functions
of a params pytree, one ``jax.jit`` forward, NHWC activations and HWIO kernels (the Keras layout,
so the weights of ``weights.py`` need no transposing; a depthwise kernel becomes HWIO with
``feature_group_count``). Architecture and padding follow Keras (see ``torch_models.py``).

Example:
    >>> params = make_params("resnet50", weights_dict)
    >>> forward = make_forward("resnet50")   # jitted: forward(params, images)
    >>> probabilities = forward(params, jnp.asarray(images))
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

_DIMENSIONS = ("NHWC", "HWIO", "NHWC")


def _conv(p, x, stride=1, padding="SAME", groups=1):
    y = lax.conv_general_dilated(x, p["kernel"], (stride, stride), padding, dimension_numbers=_DIMENSIONS,
                                 feature_group_count=groups)
    return y + p["bias"] if "bias" in p else y


def _batch_norm(p, x, epsilon):
    scale = p["gamma"] * lax.rsqrt(p["variance"] + epsilon)
    return x * scale + (p["beta"] - p["mean"] * scale)


def _conv_params(arrays):
    params = {"kernel": jnp.asarray(arrays[0])}
    if len(arrays) > 1:
        params["bias"] = jnp.asarray(arrays[1])
    return params


def _bn_params(arrays):
    return dict(zip(("gamma", "beta", "mean", "variance"), map(jnp.asarray, arrays)))


def _dense_params(arrays):
    return {"kernel": jnp.asarray(arrays[0]), "bias": jnp.asarray(arrays[1])}


def _classify(p, x):
    return jax.nn.softmax(jnp.mean(x, axis=(1, 2)) @ p["kernel"] + p["bias"], axis=-1)


# -- ResNet50 ----------------------------------------------------------------------------------

RESNET_EPSILON = 1.001e-5
RESNET50_STAGES = ((3, 1), (4, 2), (6, 2), (3, 2))  # blocks, stride of the first block


def _resnet50_params(weights):
    def conv_bn(name):
        return {"conv": _conv_params(weights[f"{name}_conv"]), "bn": _bn_params(weights[f"{name}_bn"])}

    stages = []
    for stage, (blocks, _) in enumerate(RESNET50_STAGES, 2):
        stage_blocks = []
        for b in range(1, blocks + 1):
            prefix = f"conv{stage}_block{b}"
            block = {f"c{i}": conv_bn(f"{prefix}_{i}") for i in (1, 2, 3)}
            if b == 1:
                block["shortcut"] = conv_bn(f"{prefix}_0")
            stage_blocks.append(block)
        stages.append(stage_blocks)
    return {"stem": conv_bn("conv1"), "stages": stages, "head": _dense_params(weights["predictions"])}


def _resnet50_apply(params, x):
    def conv_bn(p, x, stride=1, padding="SAME", relu=True):
        y = _batch_norm(p["bn"], _conv(p["conv"], x, stride, padding), RESNET_EPSILON)
        return jax.nn.relu(y) if relu else y

    x = conv_bn(params["stem"], x, 2, ((3, 3), (3, 3)))
    # After a ReLU, padding with zeros (Keras's pool1_pad) equals padding with -inf.
    x = lax.reduce_window(x, 0.0, lax.max, (1, 3, 3, 1), (1, 2, 2, 1), ((0, 0), (1, 1), (1, 1), (0, 0)))
    for blocks, (_, stride) in zip(params["stages"], RESNET50_STAGES):
        for b, p in enumerate(blocks):
            s = stride if b == 0 else 1
            shortcut = conv_bn(p["shortcut"], x, s, "VALID", relu=False) if "shortcut" in p else x
            y = conv_bn(p["c1"], x, s, "VALID")
            y = conv_bn(p["c2"], y)
            x = jax.nn.relu(conv_bn(p["c3"], y, relu=False) + shortcut)
    return _classify(params["head"], x)


# -- MobileNetV2 (alpha 1.0) -------------------------------------------------------------------

MOBILENET_EPSILON = 1e-3
MOBILENET_V2_SETTINGS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                         (6, 160, 3, 2), (6, 320, 1, 1))


def _mobilenet_v2_blocks():
    """(expansion, stride, residual) of each inverted residual block, block_0 first."""
    blocks, c_in = [], 32
    for expansion, c_out, repeats, stride in MOBILENET_V2_SETTINGS:
        for i in range(repeats):
            s = stride if i == 0 else 1
            blocks.append((expansion, s, s == 1 and c_in == c_out))
            c_in = c_out
    return tuple(blocks)


def _mobilenet_v2_params(weights):
    def conv_bn(conv_name, bn_name):
        return {"conv": _conv_params(weights[conv_name]), "bn": _bn_params(weights[bn_name])}

    blocks = []
    for block_id, (expansion, _, _) in enumerate(_mobilenet_v2_blocks()):
        prefix = f"block_{block_id}_" if block_id else "expanded_conv_"
        block = {}
        if expansion != 1:
            block["expand"] = conv_bn(f"{prefix}expand", f"{prefix}expand_BN")
        depthwise = conv_bn(f"{prefix}depthwise", f"{prefix}depthwise_BN")
        kh, kw, channels, multiplier = depthwise["conv"]["kernel"].shape
        depthwise["conv"]["kernel"] = depthwise["conv"]["kernel"].reshape(kh, kw, 1, channels * multiplier)
        block["depthwise"] = depthwise
        block["project"] = conv_bn(f"{prefix}project", f"{prefix}project_BN")
        blocks.append(block)
    return {"stem": conv_bn("Conv1", "bn_Conv1"), "blocks": blocks, "top": conv_bn("Conv_1", "Conv_1_bn"),
            "head": _dense_params(weights["predictions"])}


def _stride2_padding(x):
    """Keras's "same" / ``correct_pad`` for a 3x3 stride-2 window: (0, 1) on even sizes."""
    h, w = x.shape[1:3]
    return ((h % 2, 1), (w % 2, 1))


def _mobilenet_v2_apply(params, x):
    def conv_bn(p, x, stride=1, groups=1, relu6=True):
        padding = _stride2_padding(x) if stride == 2 else "SAME"
        y = _batch_norm(p["bn"], _conv(p["conv"], x, stride, padding, groups), MOBILENET_EPSILON)
        return jnp.clip(y, 0.0, 6.0) if relu6 else y

    x = conv_bn(params["stem"], x, stride=2)
    for p, (_, stride, residual) in zip(params["blocks"], _mobilenet_v2_blocks()):
        y = conv_bn(p["expand"], x) if "expand" in p else x
        y = conv_bn(p["depthwise"], y, stride, groups=y.shape[-1])
        y = conv_bn(p["project"], y, relu6=False)
        x = x + y if residual else y
    return _classify(params["head"], conv_bn(params["top"], x))


_PARAMS = {"resnet50": _resnet50_params, "mobilenet_v2": _mobilenet_v2_params}
_APPLY = {"resnet50": _resnet50_apply, "mobilenet_v2": _mobilenet_v2_apply}


def make_params(model_name, weights):
    """The params pytree of ``model_name`` from Keras-layout ``weights`` (device arrays)."""
    return _PARAMS[model_name](weights)


def make_forward(model_name):
    """The jitted ``forward(params, images) -> probabilities`` of ``model_name``."""
    return jax.jit(_APPLY[model_name])


def num_params(params):
    return sum(int(np.prod(leaf.shape)) for leaf in jax.tree_util.tree_leaves(params))
