"""One cornu layer -> its TensorFlow.js layers-model entry: class name, config and named weights.

TensorFlow.js reads the Keras 2 layer configs (``batch_input_shape``, plain dtype strings, snake_case
keys that it turns into camelCase itself) and silently ignores keys it does not know. So this
module never passes a key through blindly: each supported class lists the keys TF.js gets, the keys
that must keep a value TF.js can reproduce (``GRU(reset_after=True)`` computes something TF.js's GRU
cannot), and the keys that do not change inference (seeds, dropout rates). A key in none of these
lists, a class not in the table, or an activation TF.js lacks is an error naming the layer.

Initializers, regularizers and constraints are kept where TF.js has the same class (so the model can
be fine-tuned in the browser) and replaced by ``Zeros``/``None`` otherwise: loading overwrites every
weight, so inference never depends on them.

Example:
>>> entry = translate_layer(cornu.layers.Dense(2, activation="relu"))
>>> entry.class_name, entry.config["units"], entry.config["activation"]
('Dense', 2, 'relu')
"""

import dataclasses

import numpy as np

from cornu import backend

# Keras 3 activation name -> the TF.js name; anything else is refused (e.g. Keras 3's
# hard_sigmoid is relu6(x + 3) / 6, TF.js's is the Keras 2 clip(0.2 x + 0.5)).
ACTIVATIONS = {
    "linear": "linear", "relu": "relu", "relu6": "relu6", "elu": "elu", "selu": "selu",
    "sigmoid": "sigmoid", "tanh": "tanh", "softmax": "softmax", "log_softmax": "log_softmax",
    "softplus": "softplus", "softsign": "softsign", "swish": "swish", "silu": "swish",
    "gelu": "gelu", "mish": "mish",
}

INITIALIZERS = {
    "Zeros": (), "Ones": (), "Constant": ("value",), "RandomUniform": ("minval", "maxval", "seed"),
    "RandomNormal": ("mean", "stddev", "seed"), "TruncatedNormal": ("mean", "stddev", "seed"),
    "VarianceScaling": ("scale", "mode", "distribution", "seed"), "GlorotUniform": ("seed",),
    "GlorotNormal": ("seed",), "HeNormal": ("seed",), "HeUniform": ("seed",), "LecunNormal": ("seed",),
    "LecunUniform": ("seed",), "Orthogonal": ("gain", "seed"), "Identity": ("gain",),
}
_INITIALIZER_NAMES = {"LecunNormal": "LeCunNormal", "LecunUniform": "LeCunUniform"}
CONSTRAINTS = {"MaxNorm": ("max_value", "axis"), "NonNeg": (), "UnitNorm": ("axis",),
               "MinMaxNorm": ("min_value", "max_value", "rate", "axis")}

# Keys that never change what a layer computes at inference (``zero_output_for_mask`` only matters when a
# mask reaches the layer, which ``translate_layer`` checks).
_INFERENCE_NEUTRAL = ("seed", "dropout", "recurrent_dropout", "rate", "noise_shape", "stddev", "unroll",
                      "synchronized", "renorm_momentum", "momentum", "unit_forget_bias", "sparse", "ragged",
                      "zero_output_for_mask")


@dataclasses.dataclass
class Entry:
    """A translated layer: its TF.js ``class_name``, its ``config`` and its ``weights`` as
    ``(name under the layer, variable)`` pairs in TF.js's order."""

    class_name: str
    config: dict
    weights: list


@dataclasses.dataclass(frozen=True)
class Spec:
    """How one Keras class maps to TF.js (see the module docstring)."""

    keys: tuple = ()
    require: tuple = ()  # (key, allowed values, why) triples
    rename: tuple = ()  # (Keras key, TF.js key) pairs
    weight_names: tuple = ()  # (cornu variable name, TF.js name) pairs
    tfjs_class: str = None


def _init(*names):
    return tuple(f"{n}_{kind}" for n in names for kind in ("initializer", "regularizer", "constraint"))


_DATA_FORMATS = ("channels_last", "channels_first")
_CONV = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
         "use_bias", "activity_regularizer", *_init("kernel", "bias"))
_POOL = ("pool_size", "strides", "padding", "data_format")
_RNN = ("units", "activation", "use_bias", "return_sequences", "return_state", "go_backwards",
        *_init("kernel", "recurrent", "bias"), "activity_regularizer")
_RNN_REQUIRE = (
    ("stateful", (False,), "a stateful RNN keeps its state between calls, which the exported model does not "
     "carry; rebuild it with stateful=False"),
)
_NO_LORA = (("lora_rank", (None,), "merge the LoRA weights first (`layer.enable_lora` off)"),
            ("quantization_config", (None,), "TF.js has no quantized layers; export the float model"))
_GLOBAL = (("keepdims", (False,), "TF.js's global pooling drops the pooled axes; add a Reshape after it"),)

LAYERS = {
    "Dense": Spec(("units", "activation", "use_bias", "activity_regularizer", *_init("kernel", "bias")),
                  _NO_LORA),
    "Conv1D": Spec(_CONV, (("groups", (1,), "TF.js has no grouped convolution"),
                           ("padding", ("valid", "same"), "TF.js's Conv1D has no causal padding"))),
    "Conv2D": Spec(_CONV, (("groups", (1,), "TF.js has no grouped convolution"),)),
    "Conv3D": Spec(_CONV, (("groups", (1,), "TF.js has no grouped convolution"),)),
    "Conv2DTranspose": Spec(_CONV, (("output_padding", (None,), "TF.js has no output_padding"),)),
    "SeparableConv2D": Spec(("depth_multiplier", *_CONV, *_init("depthwise", "pointwise"))),
    "DepthwiseConv2D": Spec(("kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
                             "use_bias", "activity_regularizer", "depth_multiplier", *_init("depthwise", "bias")),
                            weight_names=(("kernel", "depthwise_kernel"),)),  # Keras 3 renamed it
    "MaxPooling1D": Spec(_POOL), "MaxPooling2D": Spec(_POOL), "MaxPooling3D": Spec(_POOL),
    "AveragePooling1D": Spec(_POOL), "AveragePooling2D": Spec(_POOL), "AveragePooling3D": Spec(_POOL),
    "GlobalAveragePooling1D": Spec((), (*_GLOBAL, ("data_format", ("channels_last",), "TF.js pools 1D inputs "
                                                   "over axis 1 only"))),
    "GlobalMaxPooling1D": Spec((), (*_GLOBAL, ("data_format", ("channels_last",), "TF.js pools 1D inputs "
                                               "over axis 1 only"))),
    "GlobalAveragePooling2D": Spec(("data_format",), _GLOBAL),
    "GlobalMaxPooling2D": Spec(("data_format",), _GLOBAL),
    "BatchNormalization": Spec(("axis", "epsilon", "center", "scale", "momentum",
                                *_init("beta", "gamma"), "moving_mean_initializer",
                                "moving_variance_initializer"),
                               (("renorm", (False,), "TF.js has no batch renormalization"),
                                ("renorm_clipping", (None,), "TF.js has no batch renormalization"))),
    "LayerNormalization": Spec(("axis", "epsilon", "center", "scale", *_init("beta", "gamma")),
                               (("rms_scaling", (False,), "TF.js's LayerNormalization has no RMS scaling"),)),
    "Embedding": Spec(("input_dim", "output_dim", "mask_zero", "activity_regularizer", *_init("embeddings")),
                      _NO_LORA),
    "SimpleRNN": Spec(_RNN, _RNN_REQUIRE),
    "LSTM": Spec(_RNN + ("recurrent_activation",), _RNN_REQUIRE),
    "GRU": Spec(_RNN + ("recurrent_activation",), _RNN_REQUIRE + (
        ("reset_after", (False,), "TF.js's GRU implements only reset_after=False (the Keras 2 default); "
         "build the GRU with reset_after=False and train it again"),)),
    "Dropout": Spec(("rate",)), "SpatialDropout1D": Spec(("rate",)),
    "GaussianNoise": Spec(("stddev",)), "GaussianDropout": Spec(("rate",)), "AlphaDropout": Spec(("rate",)),
    "Flatten": Spec(("data_format",)), "Reshape": Spec(("target_shape",)), "Permute": Spec(("dims",)),
    "RepeatVector": Spec(("n",)), "Masking": Spec(("mask_value",)), "Activation": Spec(("activation",)),
    "Concatenate": Spec(("axis",)), "Add": Spec(), "Multiply": Spec(), "Average": Spec(),
    "Maximum": Spec(), "Minimum": Spec(), "Dot": Spec(("axes", "normalize")),
    "ReLU": Spec(("max_value",), (("negative_slope", (0, 0.0), "TF.js's ReLU has no negative_slope; use "
                                   "LeakyReLU"),
                                  ("threshold", (0, 0.0), "TF.js's ReLU has no threshold"))),
    "LeakyReLU": Spec((), rename=(("negative_slope", "alpha"),)),
    "PReLU": Spec(("shared_axes", *_init("alpha"))), "Softmax": Spec(("axis",)),
    "ELU": Spec(("alpha",), (("alpha", (1, 1.0), "TF.js's ELU layer supports only alpha=1"),)),
    "Rescaling": Spec(("scale", "offset")),
    "ZeroPadding2D": Spec(("padding", "data_format")), "Cropping2D": Spec(("cropping", "data_format")),
    "UpSampling2D": Spec(("size", "data_format"), (("interpolation", ("nearest",), "TF.js resizes bilinearly "
                                                   "with other pixel centers than Keras 3"),)),
}

# Classes whose translation is not a plain key table.
_WRAPPERS = ("Bidirectional", "TimeDistributed")


def supported_layers():
    """The names of the layer classes ``format="tfjs"`` exports, sorted."""
    return sorted(set(LAYERS) | set(_WRAPPERS))


def translate_layer(layer, name=None, masked=True):
    """The TF.js :class:`Entry` for ``layer`` (named ``name``, default its own name).

    ``masked`` says whether a mask may reach the layer (the model has a ``Masking`` layer or an
    ``Embedding(mask_zero=True)``): only then do RNN options about masked steps matter.

    Raises:
        ValueError: naming the layer and what TF.js lacks, when TF.js cannot run it as cornu does.
    """
    class_name = type(layer).__name__
    name = name or layer.name
    if class_name == "Bidirectional":
        return _bidirectional(layer, name, masked)
    if class_name == "TimeDistributed":
        return _time_distributed(layer, name, masked)
    spec = LAYERS.get(class_name)
    if spec is None:
        raise unsupported(layer, f"TensorFlow.js has no layer that computes `{class_name}` as cornu does. "
                          f"The layers it can export are: {', '.join(supported_layers())}")
    config = layer.get_config()
    policy = config.get("dtype")
    if isinstance(policy, dict) and "Quantized" in str(policy.get("class_name")):
        raise unsupported(layer, f"it is quantized ({policy['config'].get('mode')}); TF.js layers compute in "
                          "float32, so export the model before `model.quantize()`")
    if masked and config.get("zero_output_for_mask"):
        raise unsupported(layer, "it outputs zeros at masked steps (`zero_output_for_mask=True`, which "
                          "Bidirectional sets), while TF.js repeats the last output there")
    out = {"name": name, "trainable": bool(config.get("trainable", True)), "dtype": "float32"}
    renamed = dict(spec.rename)
    for key, value in config.items():
        if key in ("name", "trainable", "dtype"):
            continue
        constrained = _check_required(layer, key, value, spec.require)
        if key in renamed:
            out[renamed[key]] = _value(layer, key, value)
        elif key in spec.keys:
            out[key] = _value(layer, key, value)
        elif not constrained and key not in _INFERENCE_NEUTRAL:
            raise unsupported(layer, f"its option `{key}={value!r}` has no TF.js equivalent, and exporting "
                              "without it could change the predictions")
    _check_values(layer, out)
    names = dict(spec.weight_names)
    weights = [(names.get(v.name, v.name), v) for v in layer.weights]
    return Entry(spec.tfjs_class or class_name, out, weights)


def unsupported(layer, why):
    """The error for a layer that TF.js cannot run: it names the layer, its class and why."""
    return ValueError(
        f"Cannot export the layer '{layer.name}' ({type(layer).__name__}) to TensorFlow.js: {why}. Replace "
        f"the layer, or export to ONNX (`format=\"onnx\"`), which `onnxruntime-web` runs in browsers too. "
        f"Received: layer={layer.name!r} of class {type(layer).__name__}"
    )


def _check_required(layer, key, value, require):
    for req_key, allowed, why in require:
        if req_key == key:
            if _plain(value) not in [_plain(a) for a in allowed]:
                raise unsupported(layer, f"`{key}={value!r}`: {why}")
            return True
    return False


def _check_values(layer, config):
    for key in ("activation", "recurrent_activation"):
        if key in config:
            config[key] = _activation(layer, key, config[key])
    if "data_format" in config and config["data_format"] not in _DATA_FORMATS:
        raise unsupported(layer, f"unknown data_format {config['data_format']!r}")
    if type(layer).__name__ == "Rescaling":
        for key in ("scale", "offset"):
            if not isinstance(config[key], (int, float)):
                raise unsupported(layer, f"TF.js's Rescaling takes a scalar `{key}`, not {config[key]!r}")
    if type(layer).__name__ == "Conv2DTranspose" and tuple(config["dilation_rate"]) != (1, 1):
        raise unsupported(layer, "TF.js's Conv2DTranspose has no dilation")


def _activation(layer, key, value):
    if not isinstance(value, str) or value not in ACTIVATIONS:
        raise unsupported(layer, f"its {key} {value!r} is not one TF.js has with the same formula "
                          f"(those are: {', '.join(sorted(ACTIVATIONS))})")
    return ACTIVATIONS[value]


def _value(layer, key, value):
    if key.endswith("_initializer"):
        return _initializer(value)
    if key.endswith("_regularizer"):
        return _regularizer(value)
    if key.endswith("_constraint"):
        return _constraint(value)
    return _plain(value)


def _plain(value):
    """Tuples to lists and NumPy scalars to Python ones, so the config is JSON."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _class_config(value):
    if isinstance(value, dict):
        return value.get("class_name"), value.get("config") or {}
    if isinstance(value, str):
        return "".join(part.capitalize() for part in value.split("_")), {}
    if value is None:
        return None, {}
    config = value.get_config() if hasattr(value, "get_config") else {}
    return type(value).__name__, config


def _initializer(value):
    class_name, config = _class_config(value)
    if class_name not in INITIALIZERS:
        return {"class_name": "Zeros", "config": {}}
    config = {k: _plain(config[k]) for k in INITIALIZERS[class_name] if k in config}
    if "seed" in config and not isinstance(config["seed"], int):
        config["seed"] = None
    if class_name == "VarianceScaling" and config.get("distribution") == "untruncated_normal":
        config["distribution"] = "normal"
    return {"class_name": _INITIALIZER_NAMES.get(class_name, class_name), "config": config}


def _regularizer(value):
    class_name, config = _class_config(value)
    if class_name in ("L1", "L2", "L1L2"):
        return {"class_name": "L1L2", "config": {"l1": float(config.get("l1", 0.0) or 0.0),
                                                 "l2": float(config.get("l2", 0.0) or 0.0)}}
    return None


def _constraint(value):
    class_name, config = _class_config(value)
    if class_name not in CONSTRAINTS:
        return None
    return {"class_name": class_name, "config": {k: _plain(config[k]) for k in CONSTRAINTS[class_name]
                                                 if k in config}}


def _inner_name(layer, prefix):
    name = layer.name
    return name[len(prefix):] if name.startswith(prefix) else name


def _bidirectional(layer, name, masked):
    config = layer.get_config()
    merge_mode = config.get("merge_mode")
    if merge_mode not in ("concat", "sum", "mul", "ave"):
        raise unsupported(layer, f"TF.js's Bidirectional merges with 'concat', 'sum', 'mul' or 'ave', not "
                          f"merge_mode={merge_mode!r}")
    forward, backward = layer.forward_layer, layer.backward_layer
    inner = _inner_name(forward, "forward_")
    forward_entry = translate_layer(forward, inner, masked)
    backward_entry = translate_layer(backward, inner, masked)
    backward_entry.config["go_backwards"] = not backward_entry.config["go_backwards"]
    if type(forward) is not type(backward) or forward_entry.config != backward_entry.config:
        raise unsupported(layer, "its backward layer is configured differently from its forward layer; TF.js "
                          "builds the backward layer as a reversed copy of the forward one")
    if forward_entry.config.get("return_state"):
        raise unsupported(layer, "TF.js's Bidirectional cannot return the RNN states")
    weights = [(f"forward_{inner}/{n}", v) for n, v in forward_entry.weights]
    weights += [(f"backward_{inner}/{n}", v) for n, v in backward_entry.weights]
    out = {"name": name, "trainable": bool(config.get("trainable", True)), "dtype": "float32",
           "merge_mode": merge_mode,
           "layer": {"class_name": forward_entry.class_name, "config": forward_entry.config}}
    return Entry("Bidirectional", out, weights)


def _time_distributed(layer, name, masked):
    config = layer.get_config()
    inner = translate_layer(layer.layer, masked=masked)
    out = {"name": name, "trainable": bool(config.get("trainable", True)), "dtype": "float32",
           "layer": {"class_name": inner.class_name, "config": inner.config}}
    # TF.js names the wrapped layer's weights under the wrapper alone (``td/kernel``).
    return Entry("TimeDistributed", out, list(inner.weights))


def tfjs_dtype(dtype):
    """The TF.js dtype an input of cornu dtype ``dtype`` gets: float32, int32 or bool."""
    dtype = backend.standardize_dtype(dtype)
    if dtype == "bool":
        return "bool"
    if "int" in dtype:
        return "int32"
    return "float32"
