"""``DeviceMesh``: the devices arranged as an n-dimensional grid with named axes."""

import math

import numpy as np

from cornu import backend
from cornu.distribution.devices import list_devices
from cornu.serialization.registry import keras_export


@keras_export("keras.distribution.DeviceMesh")
class DeviceMesh:
    """A grid of devices with one name per axis (on JAX, a ``jax.sharding.Mesh``).

    Layouts name these axes to say along which of them a tensor dimension is split.

    Args:
        shape: the grid's shape, e.g. ``(8,)`` for data parallelism alone or ``(2, 4)`` for
            data x model parallelism. Its product must equal the number of devices.
        axis_names: one name per axis, e.g. ``("batch", "model")``.
        devices: the devices, in grid order; by default ``list_devices()``.

    Example:
    >>> mesh = cornu.distribution.DeviceMesh((2, 4), ("batch", "model"))
    >>> mesh.devices.shape
    (2, 4)
    """

    def __init__(self, shape, axis_names, devices=None):
        if not shape or not axis_names:
            raise ValueError(
                "A DeviceMesh needs a non-empty `shape` and one axis name per dimension, e.g. "
                f"DeviceMesh((8,), ('batch',)). Received: shape={shape}, axis_names={axis_names}"
            )
        if len(shape) != len(axis_names):
            raise ValueError(
                "`shape` and `axis_names` must have the same length (one name per mesh axis). "
                f"Received: shape={shape}, axis_names={axis_names}"
            )
        if isinstance(axis_names, str):
            axis_names = [axis_names]
        if len(set(axis_names)) != len(axis_names):
            raise ValueError(f"Mesh axis names must be distinct. Received: axis_names={axis_names}")
        devices = np.array(list_devices() if devices is None else devices, dtype=object)
        if math.prod(shape) != devices.size:
            raise ValueError(
                f"A mesh of shape {tuple(shape)} needs {math.prod(shape)} devices, but {devices.size} are given "
                f"(by default every device of `keras.distribution.list_devices()`): choose a shape whose product is "
                f"{devices.size}, or pass that many `devices`. Received: shape={tuple(shape)}, "
                f"devices.shape={devices.shape}"
            )
        self._shape = tuple(shape)
        self._axis_names = list(axis_names)
        self._devices = devices.reshape(self._shape)

    @property
    def shape(self):
        return self._shape

    @property
    def axis_names(self):
        return self._axis_names

    @property
    def devices(self):
        return self._devices

    @property
    def backend_mesh(self):
        """The backend's own mesh (``jax.sharding.Mesh`` on JAX), made once."""
        mesh = getattr(self, "_backend_mesh", None)
        if mesh is None:
            mesh = self._backend_mesh = backend.distribution_lib().to_backend_mesh(self)
        return mesh

    def __repr__(self):
        return f"<DeviceMesh shape={self.shape}, axis_names={self.axis_names}>"

    __str__ = __repr__
