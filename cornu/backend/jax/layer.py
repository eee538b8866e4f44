"""What this backend adds to every ``Layer``: nothing (see the torch backend's
``layer.py`` for the ``torch.nn.Module``-style methods)."""


class BackendLayer:
    """Empty base class of ``cornu.layers.Layer`` on this backend."""
