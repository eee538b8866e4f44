"""Masks travel as a ``_keras_mask`` attribute on tensors that allow one, and
in a side table (weakly keyed by the tensor) for those that do not."""

import weakref

_SIDE_TABLE = {}


def set_keras_mask(x, mask):
    try:
        x._keras_mask = mask
        return
    except AttributeError:
        pass
    key = id(x)
    if mask is None:
        _SIDE_TABLE.pop(key, None)
        return
    try:
        ref = weakref.ref(x, lambda _, k=key: _SIDE_TABLE.pop(k, None))
    except TypeError:
        return
    _SIDE_TABLE[key] = (ref, mask)


def get_keras_mask(x):
    mask = getattr(x, "_keras_mask", None)
    if mask is not None or not _SIDE_TABLE:
        # An empty table needs no ``id(x)``: ``torch.compile`` would guard on the tensor's identity.
        return mask
    entry = _SIDE_TABLE.get(id(x))
    if entry is not None and entry[0]() is x:
        return entry[1]
    return None
