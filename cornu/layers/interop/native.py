"""The interop layers' one gateway to the frameworks they wrap.

``TorchModuleWrapper``, ``JaxLayer`` and ``FlaxLayer`` hold torch modules, JAX
functions and flax modules themselves, so unlike the rest of cornu (which
reaches its framework only through ``cornu/backend/``) they need the framework
modules. They get them here, on first use, so importing cornu never loads a
framework that the selected backend does not use.
"""

import importlib


def torch():
    """The ``torch`` module (only called on the torch backend)."""
    import torch

    return torch


def jax():
    """The ``jax`` module (only called on the JAX backend)."""
    import jax

    return jax


def optional(module_name, layer_name, install):
    """Imports an optional package ``module_name`` for ``layer_name``, or raises an ``ImportError``
    saying how to install it.

    Example:
    >>> linen = optional("flax.linen", "FlaxLayer", "pip install flax")
    """
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        raise ImportError(
            f"{layer_name} needs `{module_name}`, which is not installed. Install it with `{install}`. "
            f"Received: {error}"
        ) from error
