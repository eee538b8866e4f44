"""The distributions: ``DataParallel`` (replicated variables, split batches) and
``ModelParallel`` (variables split by a ``LayoutMap``, batches split along one mesh axis)."""

import contextlib
import warnings

import numpy as np

from cornu import backend
from cornu.distribution.current import distribution, set_distribution
from cornu.distribution.device_mesh import DeviceMesh
from cornu.distribution.devices import list_devices
from cornu.distribution.layout_map import LayoutMap
from cornu.distribution.tensor_layout import TensorLayout
from cornu.serialization.registry import keras_export

DEFAULT_BATCH_DIM_NAME = "batch"


class Distribution:
    """What every distribution tells the trainer: the layout of the input batches
    (``get_data_layout``), of each variable (``get_variable_layout``), and of named
    intermediate tensors (``get_tensor_layout``). ``with d.scope():`` puts it in force.

    Args:
        device_mesh: the ``DeviceMesh``.
        batch_dim_name: the mesh axis the batch dimension is split along.
        auto_shard_dataset: in a multi-process run, the data yields the global batch and each
            process keeps its own rows (True), or each process's data already yields only its
            rows (False).
    """

    def __init__(self, device_mesh, batch_dim_name=None, auto_shard_dataset=True):
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = auto_shard_dataset
        engine = backend.distribution_lib()
        self._num_processes = engine.num_processes()
        self._process_id = engine.process_id()
        self._is_multi_process = self._num_processes > 1

    @property
    def num_processes(self):
        return self._num_processes

    @property
    def num_model_replicas(self):
        raise NotImplementedError

    @property
    def data_shard_id(self):
        """Which part of the data this process feeds (processes of one replica share one)."""
        replicas = self.num_model_replicas
        if replicas >= self.num_processes:
            return self._process_id
        return self._process_id // (self.num_processes // replicas)

    @property
    def device_mesh(self):
        return self._device_mesh

    @property
    def batch_dim_name(self):
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self):
        return self._auto_shard_dataset

    @auto_shard_dataset.setter
    def auto_shard_dataset(self, value):
        self._auto_shard_dataset = value

    def get_data_layout(self, data_shape):
        axes = [None] * len(data_shape)
        axes[0] = self.batch_dim_name
        return TensorLayout(axes, self.device_mesh)

    def get_variable_layout(self, variable):
        raise NotImplementedError

    def get_tensor_layout(self, path):
        raise NotImplementedError

    def distribute_dataset(self, dataset):
        """The dataset each process reads. cornu splits every global batch when it places it
        (each process keeps the rows its devices hold), so the dataset is returned as it is."""
        return dataset

    @contextlib.contextmanager
    def scope(self):
        """Puts this distribution in force inside a ``with`` block.

        Example:
        >>> with cornu.distribution.DataParallel().scope():
        ...     model = make_model()
        ...     model.fit(x, y, batch_size=64)
        """
        previous = distribution()
        set_distribution(self)
        try:
            yield
        finally:
            set_distribution(previous)

    def _replicated(self, variable):
        return TensorLayout([None] * len(variable.shape), self.device_mesh)

    def __repr__(self):
        return f"<{type(self).__name__} device_mesh={self.device_mesh}>"

    __str__ = __repr__


@keras_export("keras.distribution.DataParallel")
class DataParallel(Distribution):
    """Data parallelism: every device holds all the variables, and each batch is split over
    the devices (over the processes too, in a multi-process run). The step's gradients are
    those of the whole global batch, so training matches one device.

    Give either a ``device_mesh`` (its first axis splits the batch) or ``devices`` (a 1D mesh),
    or neither (every device of ``list_devices()``).

    Args:
        device_mesh: a ``DeviceMesh``.
        devices: a list of device names.
        auto_shard_dataset: see ``Distribution``.

    Example:
    >>> cornu.distribution.set_distribution(cornu.distribution.DataParallel())
    >>> model.fit(x, y, batch_size=64)  # 8 devices: 8 samples each
    """

    def __init__(self, device_mesh=None, devices=None, auto_shard_dataset=True):
        if device_mesh:
            if not isinstance(device_mesh, DeviceMesh):
                raise ValueError(
                    "`device_mesh` must be a keras.distribution.DeviceMesh. "
                    f"Received: device_mesh={device_mesh!r} (of type {type(device_mesh).__name__})"
                )
            super().__init__(device_mesh, device_mesh.axis_names[0], auto_shard_dataset)
            if device_mesh.devices.ndim != 1:
                warnings.warn(
                    f"DataParallel expects a 1D device mesh; this one has {device_mesh.devices.ndim} axes, so the "
                    f"first one ('{device_mesh.axis_names[0]}') splits the batch.",
                    stacklevel=2,
                )
            return
        devices = np.array(devices if devices else list_devices(), dtype=object)
        mesh = DeviceMesh(shape=devices.shape, axis_names=[DEFAULT_BATCH_DIM_NAME], devices=devices)
        super().__init__(mesh, DEFAULT_BATCH_DIM_NAME, auto_shard_dataset)

    @property
    def num_model_replicas(self):
        return self.device_mesh.devices.size

    def get_variable_layout(self, variable):
        if getattr(variable, "_layout", None) is not None:
            return variable._layout
        return self._replicated(variable)

    def get_tensor_layout(self, path):
        return None


@keras_export("keras.distribution.ModelParallel")
class ModelParallel(Distribution):
    """Model (and data) parallelism: each variable is split over the mesh as the ``LayoutMap``
    says (variables no key matches are replicated), and each batch is split along the mesh
    axis ``batch_dim_name``.

    Args:
        layout_map: a ``LayoutMap`` (its mesh is the distribution's).
        batch_dim_name: the mesh axis that splits the batch; by default the mesh's first.
        auto_shard_dataset: see ``Distribution``.

    Example:
    >>> mesh = cornu.distribution.DeviceMesh((2, 4), ("batch", "model"))
    >>> layout_map = cornu.distribution.LayoutMap(mesh)
    >>> layout_map[".*dense.*kernel"] = (None, "model")
    >>> layout_map[".*dense.*bias"] = ("model",)
    >>> with cornu.distribution.ModelParallel(layout_map=layout_map, batch_dim_name="batch").scope():
    ...     model = make_model()
    ...     model.fit(x, y, batch_size=64)
    """

    def __init__(self, *, layout_map=None, batch_dim_name=None, auto_shard_dataset=True, **kwargs):
        kwargs.pop("device_mesh", None)  # Keras accepts and ignores it: the layout map's mesh is used
        if kwargs:
            raise TypeError(f"ModelParallel got unexpected keyword arguments. Received: {sorted(kwargs)}")
        if layout_map is None:
            raise ValueError("ModelParallel needs a `layout_map` (a keras.distribution.LayoutMap). "
                             "Received: layout_map=None")
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(
                "`layout_map` must be a keras.distribution.LayoutMap. "
                f"Received: layout_map={layout_map!r} (of type {type(layout_map).__name__})"
            )
        mesh = layout_map.device_mesh
        batch_dim_name = batch_dim_name or mesh.axis_names[0]
        if batch_dim_name not in mesh.axis_names:
            raise ValueError(
                f"`batch_dim_name` must be one of the mesh's axis names {mesh.axis_names}. "
                f"Received: batch_dim_name={batch_dim_name!r}"
            )
        super().__init__(mesh, batch_dim_name, auto_shard_dataset)
        self._layout_map = layout_map
        replicas = self.num_model_replicas
        if self._is_multi_process and self.num_processes > replicas and self.num_processes % replicas:
            raise ValueError(
                "With more processes than model replicas, the number of processes must be a multiple of the "
                f"number of replicas (the size of the mesh axis '{batch_dim_name}'). "
                f"Received: num_processes={self.num_processes}, num_model_replicas={replicas}"
            )

    @property
    def num_model_replicas(self):
        return self.device_mesh.shape[self.device_mesh.axis_names.index(self.batch_dim_name)]

    def get_variable_layout(self, variable):
        if getattr(variable, "_layout", None) is not None:
            return variable._layout
        layout = self._layout_map[variable.path]
        return layout if layout is not None else self._replicated(variable)

    def get_tensor_layout(self, path):
        return self._layout_map[path]
