"""The models of the applications benchmark and the one set of weights every implementation loads.

Weights are a dict ``{layer_name: [array, ...]}`` in the Keras layer's weight order (a
``Conv2D``'s ``kernel`` (kh, kw, in, out) then ``bias``; ``DepthwiseConv2D``'s
``depthwise_kernel`` (kh, kw, in, 1); ``BatchNormalization``'s ``gamma, beta, moving_mean,
moving_variance``; ``Dense``'s ``kernel`` (in, out) then ``bias``), stored in one ``.npz`` file
under the keys ``"<layer>/<index>"``. They are drawn here, not taken from an initializer, so that
the batch-normalization statistics are not the identity and the class probabilities are not
uniform: a wrong weight mapping then shows in the outputs.

Example:
    >>> import keras
    >>> model = build(keras, "mobilenet_v2", size=32)
    >>> weights = random_weights(model, seed=0)
    >>> set_weights(model, weights)
"""

import numpy as np

# Builder name and the arguments shared by every implementation (weights=None, include_top).
MODELS = {
    "resnet50": ("ResNet50", {}),
    "mobilenet_v2": ("MobileNetV2", {"alpha": 1.0}),
}

# The output probabilities of two implementations must agree to this (the check).
TOLERANCE = 1e-3


def build(library, model_name, size):
    """``library.applications.<Builder>(weights=None, include_top=True, input_shape=(size, size, 3))``
    for ``library`` = the ``keras`` or ``cornu`` module."""
    builder_name, kwargs = MODELS[model_name]
    builder = getattr(library.applications, builder_name)
    return builder(weights=None, include_top=True, input_shape=(size, size, 3), **kwargs)


def _weight_kind(variable):
    name = getattr(variable, "path", None) or variable.name
    return name.rsplit("/", 1)[-1].split(":")[0]


def random_weights(model, seed=0):
    """Draws every weight of the Keras-API ``model`` from scales that keep activations near 1
    through the network (He-normal kernels, batch-norm statistics around their identity values,
    a classifier giving logits of standard deviation ~2)."""
    rng = np.random.default_rng(seed)
    weights = {}
    for layer in model.layers:
        arrays = []
        for variable in layer.weights:
            shape = tuple(int(d) for d in variable.shape)
            kind = _weight_kind(variable)
            if kind in ("kernel", "depthwise_kernel"):
                fan_in = int(np.prod(shape[:-1])) if kind == "kernel" else int(np.prod(shape[:2]))
                scale = np.sqrt(2.0 / fan_in)
                if layer.name == "predictions":
                    scale = 4.0 / np.sqrt(fan_in)
                value = rng.normal(0.0, scale, shape)
            elif kind == "gamma":
                value = rng.uniform(0.5, 1.0, shape)
            elif kind == "moving_variance":
                value = rng.uniform(0.5, 1.5, shape)
            elif kind in ("beta", "bias", "moving_mean"):
                value = rng.normal(0.0, 0.05, shape)
            else:
                raise ValueError(f"Unexpected weight {kind!r} in layer {layer.name!r}.")
            arrays.append(value.astype("float32"))
        if arrays:
            weights[layer.name] = arrays
    return weights


def set_weights(model, weights):
    """Loads ``weights`` into the Keras-API ``model`` layer by layer, by name; every weighted
    layer of the model must be in ``weights`` and every entry must be used."""
    used = set()
    for layer in model.layers:
        if not layer.weights:
            continue
        if layer.name not in weights:
            raise KeyError(f"The weights have no entry for layer {layer.name!r}.")
        layer.set_weights(weights[layer.name])
        used.add(layer.name)
    unused = sorted(set(weights) - used)
    if unused:
        raise KeyError(f"The model has no layer named {unused[:5]} (of {len(unused)} unused entries).")


def save(path, weights):
    np.savez(path, **{f"{name}/{i}": array for name, arrays in weights.items() for i, array in enumerate(arrays)})


def load(path):
    """The ``{layer_name: [array, ...]}`` dict saved by ``save``, in weight order."""
    weights = {}
    with np.load(path) as data:
        for key in data.files:
            name, index = key.rsplit("/", 1)
            weights.setdefault(name, {})[int(index)] = data[key]
    return {name: [arrays[i] for i in range(len(arrays))] for name, arrays in weights.items()}


def images(batch, size, seed=1):
    """The benchmark's input batch, channels last (already 'preprocessed': about zero-mean, unit
    variance)."""
    return np.random.default_rng(seed).normal(size=(batch, size, size, 3)).astype("float32")


def max_abs_diff(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype="float64") - np.asarray(b, dtype="float64"))))
