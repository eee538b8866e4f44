"""Whether a ``TensorLayout`` can lay out a tensor of a given shape: the check every engine makes
before it places a variable.

Example:
>>> check_layout_fits(layout, (16, 10), "variable 'dense/kernel'")   # raises if 10 % parts
"""

import numpy as np


def check_layout_fits(layout, shape, what):
    """Raises when ``layout`` cannot lay out a tensor of ``shape`` (rank, divisibility)."""
    axes = getattr(layout, "axes", None)
    if axes is None:
        return
    if len(axes) != len(shape):
        raise ValueError(
            f"The layout for {what} has {len(axes)} axes but the tensor has rank {len(shape)}: give one mesh "
            "axis name (or None) per dimension, e.g. `layout_map['.*dense.*kernel'] = (None, 'model')` for a "
            f"2D kernel. Received: layout.axes={tuple(axes)}, shape={tuple(shape)}"
        )
    mesh = layout.device_mesh
    sizes = dict(zip(mesh.axis_names, mesh.shape)) if mesh is not None else {}
    for dim, axis in zip(shape, axes):
        names = axis if isinstance(axis, tuple) else (axis,)
        parts = int(np.prod([sizes.get(n, 1) for n in names if n is not None]))
        if dim is not None and parts > 1 and dim % parts:
            raise ValueError(
                f"The layout for {what} splits a dimension of size {dim} into {parts} parts (mesh axis {axis!r}), "
                "which does not divide evenly: choose a mesh axis whose size divides that dimension, or leave it "
                f"unsharded (None). Received: layout.axes={tuple(axes)}, shape={tuple(shape)}"
            )
