"""The one check the interop layers share: the layer wraps another framework's
objects, so it runs only on the backend that framework computes with."""

from cornu import backend


def require_backend(layer_name, supported):
    """Raises a ``ValueError`` naming the current backend unless it is one of ``supported``.

    Example:
    >>> require_backend("JaxLayer", ("jax",))  # passes on JAX, raises on torch/numpy
    """
    current = backend.backend()
    if current not in supported:
        wanted = " or ".join(repr(name) for name in supported)
        raise ValueError(
            f"{layer_name} only works with the {wanted} backend, because it wraps objects of that framework. "
            f"Select it with CORNU_BACKEND={supported[0]} (or KERAS_BACKEND={supported[0]}) before importing cornu. "
            f"Received: backend={current!r}"
        )

