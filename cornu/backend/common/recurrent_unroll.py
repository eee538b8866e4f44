"""Unrolling a model's recurrent layers for a while: exporters whose converters cannot keep a loop
over time steps (LiteRT's tensor lists need a static element shape, which a dynamic batch does not
give) trace the model with every RNN unrolled.

Example:
>>> with unrolled_recurrences(model):
...     trace(model)
"""

import contextlib


@contextlib.contextmanager
def unrolled_recurrences(model):
    """Sets ``unroll=True`` on every recurrent layer of ``model`` while the block runs (a layer
    whose input has an unknown number of time steps cannot unroll: its trace fails, and the
    exporter traces again without unrolling)."""
    changed = []
    try:
        for layer in recurrent_layers(model):
            object.__setattr__(layer, "unroll", True)
            changed.append(layer)
        yield
    finally:
        for layer in changed:
            object.__setattr__(layer, "unroll", False)


def recurrent_layers(model):
    """The layers of ``model`` that run a loop over time steps unless unrolled."""
    flatten = getattr(model, "_flatten_layers", None)
    layers = flatten(include_self=True, recursive=True) if flatten is not None else [model]
    return [layer for layer in layers if getattr(layer, "unroll", None) is False]
