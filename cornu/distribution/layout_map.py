"""``LayoutMap``: regular expressions over variable paths, each mapped to a ``TensorLayout``."""

import collections
import re

from cornu.distribution.tensor_layout import TensorLayout
from cornu.serialization.registry import keras_export


@keras_export("keras.distribution.LayoutMap")
class LayoutMap(collections.abc.MutableMapping):
    """A dict from path patterns to layouts, read as ``ModelParallel`` creates each variable.

    Looking up a path (``layout_map[variable.path]``) returns the layout stored under exactly
    that key, else the one whose key, read as a regular expression, matches the whole path
    (``re.fullmatch``); None when no key matches, and a ``ValueError`` when several do. A
    tuple (or list) of axis names may be stored instead of a ``TensorLayout``.

    Args:
        device_mesh: the ``DeviceMesh`` of every layout stored here.

    Example:
    >>> layout_map = cornu.distribution.LayoutMap(mesh)
    >>> layout_map[".*dense.*kernel"] = (None, "model")
    >>> layout_map[".*dense.*bias"] = ("model",)
    >>> layout_map["sequential/dense/kernel"].axes
    (None, 'model')
    >>> layout_map["sequential/conv2d/kernel"] is None
    True
    """

    def __init__(self, device_mesh):
        self._layout_map = collections.OrderedDict()
        self._device_mesh = device_mesh

    def __getitem__(self, key):
        if key in self._layout_map:
            return self._layout_map[key]
        matches = [pattern for pattern in self._layout_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(
                f"The path '{key}' matches several keys of the LayoutMap: {matches}. Make the patterns specific "
                f"enough that each path matches at most one. Received: path={key!r}"
            )
        return self._layout_map[matches[0]] if matches else None

    def __setitem__(self, key, layout):
        if key in self._layout_map:
            raise ValueError(
                f"The LayoutMap already has the key {key!r} (layout {self._layout_map[key]}): each key may be set "
                f"once; delete it first to replace it. Received: key={key!r}"
            )
        if isinstance(layout, (tuple, list)):
            layout = TensorLayout(axes=layout, device_mesh=None)
        if not isinstance(layout, TensorLayout):
            raise ValueError(
                "A LayoutMap value must be a TensorLayout or a tuple of mesh axis names (None for an unsplit "
                f"dimension). Received: layout={layout!r} of type {type(layout).__name__}"
            )
        if layout.device_mesh is None and self._device_mesh is not None:
            layout.device_mesh = self._device_mesh
        self._layout_map[key] = layout

    def __delitem__(self, key):
        return self._layout_map.pop(key)

    def __len__(self):
        return len(self._layout_map)

    def __iter__(self):
        return iter(self._layout_map)

    @property
    def device_mesh(self):
        return self._device_mesh
