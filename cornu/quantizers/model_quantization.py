"""``Model.quantize``: quantizes every leaf layer that knows how, as Keras does."""

import re
import warnings

from cornu.backend.common.global_state import bump_structure_version
from cornu.quantizers.quantization_config import validate_and_resolve_config


def should_quantize_layer(layer, filters):
    """Whether ``layer`` passes ``filters``: a regex on its name, a list of them, or a callable.

    Example:
    >>> should_quantize_layer(cornu.layers.Dense(2, name="head"), ["^head$"])
    True
    """
    if filters is None:
        return True
    if isinstance(filters, str):
        return bool(re.search(filters, layer.name))
    if isinstance(filters, (list, tuple)):
        return any(re.search(pattern, layer.name) for pattern in filters)
    if callable(filters):
        return bool(filters(layer))
    return True


def quantize_model(model, mode=None, config=None, filters=None, **kwargs):
    """Quantizes the weights of ``model``'s layers in place (see ``Model.quantize``).

    Layers without a ``quantize`` method are skipped; a layer whose ``quantize`` raises
    ``NotImplementedError`` (e.g. a subclass of Dense) is skipped with a warning, as in Keras.

    Example:
    >>> quantize_model(model, "int8")
    """
    type_check = kwargs.pop("type_check", True)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments passed to {type(model).__name__}: {kwargs}")
    if filters is not None and not (isinstance(filters, (str, list, tuple)) or callable(filters)):
        raise ValueError(
            "The `filters` argument must be a regex string, a list of regex strings, or a callable. "
            f"Received: {type(filters)}"
        )
    # Checked once here, so an unknown or missing mode is an error, not one warning per layer.
    config = validate_and_resolve_config(mode, config)
    changed = False
    for layer in model._flatten_layers():
        if not should_quantize_layer(layer, filters) or len(layer._flatten_layers()) != 1:
            continue
        quantize = getattr(layer, "quantize", None)
        if quantize is None:
            continue
        try:
            quantize(config.mode, type_check=type_check, config=config)
            changed = True
        except NotImplementedError as e:
            warnings.warn(str(e), stacklevel=2)
    if changed:
        bump_structure_version()
