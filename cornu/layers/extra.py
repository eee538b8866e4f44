"""Re-exports of layer families that live in their own sub-packages."""

import importlib

_FAMILIES = (
    ("cornu.layers.core.embedding", ("Embedding",)),
    ("cornu.layers.core.lambda_layer", ("Lambda",)),
    ("cornu.layers.normalization.batch_normalization", ("BatchNormalization",)),
    ("cornu.layers.normalization.layer_normalization", ("LayerNormalization",)),
    ("cornu.layers.merging", ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot",
                              "add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate", "dot")),
)

__all__ = []
for _module, _names in _FAMILIES:
    try:
        _mod = importlib.import_module(_module)
    except ModuleNotFoundError as _e:
        if _e.name != _module and not _module.startswith(str(_e.name)):
            raise
        continue
    for _name in _names:
        if hasattr(_mod, _name):
            globals()[_name] = getattr(_mod, _name)
            __all__.append(_name)
