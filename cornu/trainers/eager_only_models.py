"""Models that cannot be compiled run their steps eagerly.

Two kinds of model cannot enter a jitted JAX function or a compiled torch step:

- a model with string inputs (``keras.Input(dtype="string")``, read by ``TextVectorization``
  or ``StringLookup`` on the host): no backend tensor holds strings, so the string arrays stay
  NumPy through the data path;
- a model holding a layer with ``supports_jit = False`` (``Hashing`` and ``HashedCrossing``
  hash on the host), which Keras never compiles either.

Such a model runs each step as plain Python: the host layers turn strings or values into ids,
and the rest of the model runs on the backend op by op (still differentiated).
"""


def has_string_inputs(model):
    """True when one of ``model``'s symbolic inputs has dtype "string"."""
    inputs = getattr(model, "_inputs", None) or []
    return any(getattr(tensor, "dtype", None) == "string" for tensor in inputs)


def has_untraceable_layers(model):
    """True when a layer of ``model`` says ``supports_jit = False``."""
    flatten = getattr(model, "_flatten_layers", None)
    return flatten is not None and not all(getattr(layer, "supports_jit", True) for layer in flatten())


def run_eagerly_if_needed(model):
    """Turns off compilation (``jit_compile=False``, ``run_eagerly=True``) for a model with string
    inputs or an untraceable layer, before its steps are made; other models are left as they are.

    Example:
    >>> run_eagerly_if_needed(model)  # model = keras.Model(keras.Input((1,), dtype="string"), ...)
    >>> model.jit_compile
    False
    """
    if has_string_inputs(model) or has_untraceable_layers(model):
        model.jit_compile = False
        model.run_eagerly = True
