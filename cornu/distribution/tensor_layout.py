"""``TensorLayout``: how one tensor is split over the axes of a ``DeviceMesh``."""

from cornu import backend
from cornu.serialization.registry import keras_export


@keras_export("keras.distribution.TensorLayout")
class TensorLayout:
    """For each dimension of a tensor, the mesh axis it is split along, or None to keep it
    whole (on JAX, a ``NamedSharding``).

    Args:
        axes: one entry per tensor dimension: a mesh axis name or None.
        device_mesh: the ``DeviceMesh``; may be set once later (a ``LayoutMap`` sets its own).

    Example:
    >>> mesh = cornu.distribution.DeviceMesh((2, 4), ("batch", "model"))
    >>> layout = cornu.distribution.TensorLayout((None, "model"), mesh)  # columns over 4 devices
    """

    def __init__(self, axes, device_mesh=None):
        self._axes = tuple(axes)
        self._device_mesh = device_mesh
        self._check_axes()

    @property
    def axes(self):
        return self._axes

    @property
    def device_mesh(self):
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh):
        if self._device_mesh is not None:
            raise ValueError(
                "This TensorLayout already has a device mesh, which cannot be replaced: create a new TensorLayout. "
                f"Existing: {self._device_mesh}. Received: device_mesh={device_mesh}"
            )
        self._device_mesh = device_mesh
        self._check_axes()

    @property
    def backend_layout(self):
        """The backend's own layout (``jax.sharding.NamedSharding`` on JAX), made once."""
        layout = getattr(self, "_backend_layout", None)
        if layout is None:
            layout = self._backend_layout = backend.distribution_lib().to_backend_layout(self)
        return layout

    def _check_axes(self):
        if self._device_mesh is None:
            return
        valid = set(self._device_mesh.axis_names)
        named = set()
        for axis in self._axes:
            named.update(axis if isinstance(axis, tuple) else (axis,))
        unknown = named - valid - {None}
        if unknown:
            raise ValueError(
                f"The layout names mesh axes {sorted(unknown)} that the device mesh does not have: use names among "
                f"{sorted(valid)}, or None for an unsplit dimension. Received: axes={self._axes}"
            )

    def __repr__(self):
        return f"<TensorLayout axes={self.axes}, device_mesh={self.device_mesh}>"

    __str__ = __repr__
