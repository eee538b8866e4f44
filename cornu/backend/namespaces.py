"""Where a preprocessing computation runs: on the chosen backend, or on NumPy in a data pipeline.

Preprocessing layers write their math once, over ``layer.backend.numpy``,
``.image``, ``.random``, ... The namespace is the chosen backend inside a
model, and the NumPy backend while ``compute_on_numpy()`` is active, which is
how the same layer runs in a ``PyDataset`` worker or a torch ``DataLoader``
without touching JAX or torch. The NumPy backend imports only NumPy, so it is
available whatever backend was chosen.
"""

import contextlib
import contextvars
import importlib
import threading

from cornu.backend.config import backend as chosen_backend

_MODULES = ("core", "numpy", "nn", "math", "linalg", "image", "random")


class BackendNamespace:
    """One backend's op modules under the names the rest of cornu uses.

    Example:
    >>> ns = numpy_namespace()
    >>> ns.numpy.add(ns.convert_to_tensor([1.0]), 1.0)
    array([2.], dtype=float32)
    """

    def __init__(self, name):
        self.name = name
        for module in _MODULES:
            setattr(self, module, importlib.import_module(f"cornu.backend.{name}.{module}"))
        core = self.core
        self.convert_to_tensor = core.convert_to_tensor
        self.convert_to_numpy = core.convert_to_numpy
        self.is_tensor = core.is_tensor
        self.cast = core.cast
        self.shape = core.shape
        self.SEED_DTYPE = self.random.SEED_DTYPE

    @property
    def is_numpy(self):
        return self.name == "numpy"

    def __repr__(self):
        return f"<BackendNamespace {self.name}>"


_NAMESPACES = {}
_NAMESPACES_LOCK = threading.Lock()
_ON_NUMPY = contextvars.ContextVar("cornu_compute_on_numpy", default=False)


def namespace(name):
    """The (cached) namespace of backend ``name``: ``"numpy"`` or the chosen backend."""
    if name not in ("numpy", chosen_backend()):
        raise ValueError(
            "Only the chosen backend and NumPy can run preprocessing. "
            f"Received: name={name!r} (chosen backend: {chosen_backend()!r})"
        )
    found = _NAMESPACES.get(name)
    if found is None:
        with _NAMESPACES_LOCK:  # data-pipeline threads may ask for it at once
            found = _NAMESPACES.get(name)
            if found is None:
                found = _NAMESPACES[name] = BackendNamespace(name)
    return found


def numpy_namespace():
    """The NumPy backend's namespace."""
    return namespace("numpy")


def current_namespace():
    """NumPy inside ``compute_on_numpy()``, else the chosen backend."""
    return namespace("numpy" if _ON_NUMPY.get() else chosen_backend())


def computing_on_numpy():
    """True inside ``compute_on_numpy()`` (or when NumPy is the chosen backend)."""
    return _ON_NUMPY.get() or chosen_backend() == "numpy"


@contextlib.contextmanager
def compute_on_numpy(enabled=True):
    """Runs the enclosed preprocessing on NumPy (per thread and per asyncio task).

    Example:
    >>> with compute_on_numpy():
    ...     current_namespace().name
    'numpy'
    """
    token = _ON_NUMPY.set(bool(enabled))
    try:
        yield
    finally:
        _ON_NUMPY.reset(token)
