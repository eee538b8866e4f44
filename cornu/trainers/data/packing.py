"""The ``(x, y, sample_weight)`` convention for batches.

A batch is ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``; anything
that is not a tuple (an array, a dict of arrays) is ``x`` alone.
"""

from cornu.serialization.registry import keras_export


@keras_export("keras.utils.unpack_x_y_sample_weight")
def unpack_x_y_sample_weight(data):
    """Splits a batch into ``(x, y, sample_weight)``; missing parts are None.

    Example:
    >>> x, y, sample_weight = unpack_x_y_sample_weight((features, labels))
    >>> sample_weight is None
    True
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`. "
        f"Received a tuple of length {len(data)}: {str(data)[:200]}"
    )


@keras_export("keras.utils.pack_x_y_sample_weight")
def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """Packs ``x``, ``y`` and ``sample_weight`` the way ``fit`` expects a batch.

    A single ``x`` that is not a tuple or list is returned as is (no ambiguity);
    a tuple or list ``x`` is wrapped as ``(x,)`` so it is not read as ``(x, y)``.

    Example:
    >>> pack_x_y_sample_weight(features, labels)
    (features, labels)
    """
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def standardize_batch(batch, source="dataset"):
    """A batch from a generator or dataset as a tuple ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``.

    Lists become tuples; a namedtuple is refused, because it is unclear whether
    it is ``(x, y, ...)`` by position or a structured ``x``.
    """
    if isinstance(batch, tuple) and hasattr(type(batch), "_fields"):
        raise ValueError(
            f"A {source} yielded a namedtuple ({type(batch).__name__}), which is ambiguous: it could be read as "
            "`(x, y, sample_weight)` by position or as one structured input. Yield a plain tuple "
            "`(x, y)` / `(x, y, sample_weight)`, or a dict of inputs for `x`. "
            f"Received: batch of type {type(batch).__name__} with fields {type(batch)._fields}"
        )
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, tuple):
        return (batch,)
    if not 1 <= len(batch) <= 3:
        raise ValueError(
            f"A {source} must yield `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`. "
            f"Received a tuple of length {len(batch)}: {str(batch)[:200]}"
        )
    return batch
