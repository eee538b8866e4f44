"""Choosing the adapter for the user's data, and the (x, y, sample_weight) convention."""

import numpy as np


def unpack_x_y_sample_weight(data):
    """Splits a batch into ``(x, y, sample_weight)``; missing parts are None."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`. "
        f"Received a tuple of length {len(data)}: {data!r}"[:400]
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """Packs ``x``, ``y`` and ``sample_weight`` into the tuple form a step receives."""
    if y is None:
        return (x,) if not isinstance(x, tuple) else (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _is_array_like(x):
    import optree

    leaves = optree.tree_leaves(x, none_is_leaf=False)
    return bool(leaves) and all(hasattr(leaf, "shape") and hasattr(leaf, "__len__") or hasattr(leaf, "__array__") for leaf in leaves)


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None, shuffle=False,
                     class_weight=None):
    """Returns the adapter for ``x``: arrays (NumPy, pandas, backend tensors, nested) or Python iterators."""
    from cornu.trainers.data.array_adapter import ArrayDataAdapter
    from cornu.trainers.data.generator_adapter import GeneratorDataAdapter

    if x is None:
        raise ValueError("No input data: pass `x` (arrays, a generator or a dataset). Received: x=None")
    if _is_array_like(x):
        return ArrayDataAdapter(x, y, sample_weight=sample_weight, batch_size=batch_size,
                                steps=steps_per_epoch, shuffle=shuffle, class_weight=class_weight)
    if y is not None or sample_weight is not None:
        raise ValueError(
            "When `x` is a generator or dataset, `y` and `sample_weight` must be part of the data it yields, "
            f"not passed separately. Received: x of type {type(x).__name__}, y={type(y).__name__}"
        )
    if class_weight is not None:
        raise ValueError("`class_weight` is only supported for array inputs. Received: class_weight with a generator.")
    if hasattr(x, "__next__") or hasattr(x, "__iter__") and not isinstance(x, (str, bytes, dict)):
        return GeneratorDataAdapter(x)
    raise ValueError(
        f"Unrecognized data type: x={x!r} (of type {type(x).__name__}). Pass NumPy arrays, backend tensors, "
        "a pandas DataFrame, a dict or list of arrays, or a Python generator."
    )


def to_numpy(x):
    if x is None:
        return None
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "to_numpy"):
        return x.to_numpy()
    if hasattr(x, "detach"):
        return x.detach().cpu().numpy()
    return np.asarray(x)
