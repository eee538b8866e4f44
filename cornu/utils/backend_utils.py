"""Backend-level public tools: ``cornu.config.set_backend`` (switching the backend of a running
program), ``cornu.device`` (where new tensors live) and ``cornu.SymbolicScope``."""

import importlib
import os
import sys
import warnings

from cornu import backend as _backend
from cornu.backend.common.scopes import SymbolicScope
from cornu.serialization.registry import keras_export

keras_export("keras.SymbolicScope")(SymbolicScope)

_SUPPORTED = ("jax", "torch", "numpy", "tensorflow")
_KERAS_ONLY = ("openvino",)


@keras_export("keras.config.set_backend")
def set_backend(backend):
    """Switches the backend and reloads cornu (every ``cornu`` module is imported again).

    Warning: objects created before the switch are NOT converted. Layers, models, variables,
    tensors and optimizers made under the old backend, and any module-level reference such as
    ``from cornu import layers``, keep pointing at the old modules and must not be used
    afterwards: import cornu again and rebuild them.

    Args:
        backend: ``"jax"``, ``"torch"``, ``"numpy"`` or ``"tensorflow"``.

    Example:
    >>> import cornu
    >>> cornu.config.set_backend("torch")
    >>> import cornu  # the reloaded package
    >>> cornu.backend.backend()
    'torch'
    """
    if backend in _KERAS_ONLY:
        raise ValueError(
            f"cornu does not run on the {backend} backend. Choose one of {_SUPPORTED}. "
            f"Received: backend={backend!r}"
        )
    if backend not in _SUPPORTED:
        raise ValueError(f"Available backends are {_SUPPORTED}. Received: backend={backend!r}")
    os.environ["CORNU_BACKEND"] = backend
    for name, module in list(sys.modules.items()):
        module_name = getattr(module, "__name__", "") or ""
        if name == "cornu" or name.startswith("cornu.") or module_name == "cornu" or module_name.startswith("cornu."):
            # The second test also drops `keras.*` aliases made by `cornu.install_as_keras()`.
            del sys.modules[name]
    importlib.import_module("cornu")
    warnings.warn(
        "`cornu.config.set_backend` reloaded cornu. Objects created before the switch (layers, "
        "models, variables, tensors) are not converted and can no longer be used: import cornu "
        "again and rebuild them.",
        stacklevel=2,
    )


@keras_export("keras.device")
def device(device_name):
    """A context manager placing the tensors created inside it on ``device_name``: ``"cpu"``,
    ``"cpu:0"``, ``"gpu:0"``, ``"gpu:1"`` (on torch ``"gpu"`` means ``"cuda"``; on JAX a
    ``jax.Device`` works too). The numpy backend has only ``"cpu"``.

    Example:
    >>> with cornu.device("cpu:0"):
    ...     x = cornu.ops.ones((2, 2))
    """
    return _backend.core.device_scope(device_name)
