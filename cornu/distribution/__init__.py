"""``keras.distribution``: training on several devices and several processes.

The API is backend-free; each backend maps it onto its own engine (on JAX: ``jax.sharding``
and ``jax.distributed``, in ``cornu/backend/jax/distribution.py``).

Example (data parallelism over every device):
>>> import cornu as keras
>>> keras.distribution.set_distribution(keras.distribution.DataParallel())
>>> model = make_model()
>>> model.compile(optimizer="adam", loss="mse")
>>> model.fit(x, y, batch_size=64)
"""

from cornu.distribution.current import distribute_tensor, distribution, set_distribution
from cornu.distribution.device_mesh import DeviceMesh
from cornu.distribution.devices import get_device_count, initialize, list_devices
from cornu.distribution.distributions import DataParallel, ModelParallel
from cornu.distribution.layout_map import LayoutMap
from cornu.distribution.tensor_layout import TensorLayout
from cornu.missing_features import module_getattr

__getattr__ = module_getattr(__name__)
