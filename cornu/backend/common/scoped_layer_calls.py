"""Replacing the ``call`` of every layer of a model while a block runs, and putting it back after:
how the exporters learn which layer an operation came from. ``scoped_layer_calls`` runs each
layer inside a scope named after it, so that what a trace records (JAX equations, TensorFlow ops)
carries the path of the layers it came from; the backend supplies the scope (``jax.named_scope``,
``tf.name_scope``) through ``wrap``. ``wrapped_layer_calls`` is the bare replacement.

Example:
>>> def wrap(call, scope, layer):
...     def scoped_call(*args, **kwargs):
...         with tf.name_scope(scope):
...             return call(*args, **kwargs)
...     return scoped_call
>>> with scoped_layer_calls(model, wrap, {}, lambda name: name) as scopes:
...     concrete = tf.function(model).get_concrete_function(spec)   # ops named "dense_1/..."
>>> scopes["dense_1"] is model.layers[1]
True
"""

import contextlib


def model_layers(model):
    """``model`` and every layer inside it, outermost first (``[model]`` for a plain callable)."""
    flatten = getattr(model, "_flatten_layers", None)
    return flatten(include_self=True, recursive=True) if flatten is not None else [model]


@contextlib.contextmanager
def wrapped_layer_calls(layers, wrap):
    """Replaces the ``call`` of the ``i``-th of ``layers`` with ``wrap(call, layer, i)`` while the
    block runs; the layers' own ``call`` is back on exit, even after an error."""
    patched = []
    try:
        for index, layer in enumerate(layers):
            had_own = "call" in vars(layer)
            original = layer.call
            object.__setattr__(layer, "call", wrap(original, layer, index))
            patched.append((layer, had_own, original))
        yield
    finally:
        for layer, had_own, original in reversed(patched):
            if had_own:
                object.__setattr__(layer, "call", original)
            else:
                object.__delattr__(layer, "call")


@contextlib.contextmanager
def scoped_layer_calls(model, wrap, scopes, clean_name):
    """Replaces the ``call`` of each layer of ``model`` (the model too) with ``wrap(call, scope,
    layer)`` while the block runs, and yields ``scopes`` filled with ``{scope: layer}``.

    A scope is ``clean_name(layer.name)`` (``layer_<i>`` when that is empty), made unique with
    ``__2``, ``__3``..."""
    layers = model_layers(model)
    names = []
    for index, layer in enumerate(layers):
        base = clean_name(str(getattr(layer, "name", "") or "")) or f"layer_{index}"
        scope, suffix = base, 2
        while scope in scopes:
            scope, suffix = f"{base}__{suffix}", suffix + 1
        scopes[scope] = layer
        names.append(scope)
    with wrapped_layer_calls(layers, lambda call, layer, index: wrap(call, names[index], layer)):
        yield scopes
