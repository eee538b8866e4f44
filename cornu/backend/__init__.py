"""The backend package: the only place that imports jax, torch or tensorflow for computation.

Exactly one backend package (``jax``, ``torch``, ``tensorflow`` or ``numpy``) is imported,
chosen once by ``config``; everything else in cornu calls the functions
re-exported here and never asks which backend is active.
"""

import gc
import importlib

from cornu.backend.common import global_state
from cornu.backend.common.dtypes import is_float_dtype, is_int_dtype, result_type, standardize_dtype
from cornu.backend.common.keras_tensor import KerasTensor, is_keras_tensor
from cornu.backend.common.masking import get_keras_mask, set_keras_mask
from cornu.backend.common.scopes import (
    StatelessScope,
    SymbolicScope,
    get_stateless_scope,
    in_stateless_scope,
    in_symbolic_scope,
    name_scope,
)
from cornu.backend.common.variables import AutocastScope, standardize_shape
from cornu.backend.config import (
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    standardize_data_format,
)


# The package each backend needs, and how to install it.
_BACKEND_PACKAGES = {
    "jax": ("jax", "pip install jax"),
    "torch": ("torch", "pip install 'cornu[torch]' (or pip install torch)"),
    "tensorflow": ("tensorflow", "pip install 'cornu[tensorflow]' (or pip install tensorflow-cpu)"),
}


def _load(module):
    try:
        return importlib.import_module(f"cornu.backend.{backend()}.{module}")
    except ModuleNotFoundError as error:
        package, install = _BACKEND_PACKAGES.get(backend(), (None, None))
        if package is None or (error.name or "").split(".")[0] != package:
            raise
        raise ImportError(
            f"The {backend()} backend was chosen (CORNU_BACKEND, KERAS_BACKEND or ~/.cornu/cornu.json) but "
            f"`{package}` is not installed. Install it with `{install}`, or choose another backend, e.g. "
            f"CORNU_BACKEND=numpy for inference. Received: backend={backend()!r}"
        ) from error


# The NumPy backend package is registered first, so that importing one of its modules later
# (preprocessing runs on NumPy on any backend) cannot rebind `cornu.backend.numpy`, the chosen
# backend's numpy ops, to that package.
importlib.import_module("cornu.backend.numpy")
core = _load("core")
numpy = _load("numpy")
nn = _load("nn")
math = _load("math")
linalg = _load("linalg")
image = _load("image")
random = _load("random")
optimizers = _load("optimizers")
compiled_call = _load("compiled_call")
layer = _load("layer")
rnn = _load("rnn")

Variable = core.Variable
convert_to_tensor = core.convert_to_tensor
convert_to_numpy = core.convert_to_numpy
is_tensor = core.is_tensor
shape = core.shape
cast = core.cast
compute_output_spec = core.compute_output_spec
stop_gradient = core.stop_gradient
cond = core.cond
fori_loop = core.fori_loop
while_loop = core.while_loop
device_put_batch = core.device_put_batch
batches_need_transfer = core.batches_need_transfer
SUPPORTS_SPARSE_TENSORS = core.SUPPORTS_SPARSE_TENSORS
IS_THREAD_SAFE = core.IS_THREAD_SAFE


get_uid = global_state.get_uid


def clear_session(free_memory=True):
    """Resets cornu's global state: auto-generated names and ``get_uid`` counters start again,
    the global seed generator and dtype policy go back to their defaults, and the backend's
    compiled-function caches are dropped (``torch.compile``'s on PyTorch).

    Args:
        free_memory: also run Python's garbage collector (it can take a second; pass False in
            a tight loop).

    Example:
    >>> cornu.layers.Dense(2).name
    'dense'
    >>> cornu.backend.clear_session()
    >>> cornu.layers.Dense(2).name
    'dense'
    """
    global_state.clear_session()
    core.clear_caches()
    if free_memory:
        gc.collect()


_STEP_MODULE = []
_DISTRIBUTION_MODULE = []


def distribution_lib():
    """The backend's engine for ``cornu.distribution`` (``backend/<name>/distribution.py``), or
    the one-device stand-in of ``backend/common/single_device_distribution.py`` on a backend
    without one yet."""
    if not _DISTRIBUTION_MODULE:
        try:
            module = importlib.import_module(f"cornu.backend.{backend()}.distribution")
        except ModuleNotFoundError as error:
            if error.name != f"cornu.backend.{backend()}.distribution":
                raise
            module = importlib.import_module("cornu.backend.common.single_device_distribution")
        _DISTRIBUTION_MODULE.append(module)
    return _DISTRIBUTION_MODULE[0]


def backend_module(name):
    """The selected backend's module ``cornu.backend.<backend>.<name>``, imported on first use.

    For optional features (e.g. ``"onnx_export"``) that code above the backend reaches without
    naming a backend. A backend without that module raises ``ModuleNotFoundError`` whose ``name``
    is the module's.

    Example:
    >>> cornu.backend.backend_module("onnx_export").export_onnx
    """
    return _load(name)


def step():
    """The backend's train/test/predict step module (imported on first use), as
    ``cornu/backend/common/step_protocol.py`` describes it."""
    if not _STEP_MODULE:
        _STEP_MODULE.append(_load("step"))
    return _STEP_MODULE[0]
