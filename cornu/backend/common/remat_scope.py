"""``RematScope``: which layers recompute their activations in the backward pass.

A layer remembers the innermost scope active when it was *created* (as in Keras);
its calls are then rematerialized according to that scope's mode (the rules live
in ``cornu/layers/remat.py``).
"""

import collections

from cornu.backend.common import global_state

RematMode = collections.namedtuple("RematMode", ["mode", "output_size_threshold", "layer_names"])

_MODES = ("full", "activations", "larger_than", "list_of_layers", None)


class RematScope:
    """Rematerialization (gradient checkpointing) for the layers created inside it: their
    intermediate values are recomputed during the backward pass instead of being stored,
    trading compute for memory.

    Args:
        mode: ``"full"`` (every layer), ``"activations"`` (only the ``activation`` of layers
            that have one, e.g. ``Dense(..., activation="relu")``), ``"larger_than"`` (layers
            whose output has more than ``output_size_threshold`` elements), ``"list_of_layers"``
            (the layers named in ``layer_names``) or ``None`` (off, e.g. inside an outer scope).
        output_size_threshold: the size limit of ``"larger_than"``.
        layer_names: the layer names of ``"list_of_layers"``.

    Example:
    >>> with cornu.RematScope(mode="list_of_layers", layer_names=["big"]):
    ...     big = cornu.layers.Dense(4096, name="big")     # rematerialized
    ...     small = cornu.layers.Dense(8, name="small")    # not
    """

    def __init__(self, mode="full", output_size_threshold=1024, layer_names=None):
        if mode not in _MODES:
            raise ValueError(
                f"Invalid mode '{mode}'. Supported modes are: 'full', 'activations', 'larger_than', "
                f"'list_of_layers', or None. Received: mode={mode!r}"
            )
        self.mode = mode
        self.output_size_threshold = output_size_threshold
        self.layer_names = list(layer_names or [])
        self._entered = False

    def __enter__(self):
        global_state.get_global_attribute("remat_scope_stack", [], set_to_default=True).append(self)
        self._entered = True
        return self

    def __exit__(self, *exc):
        if self._entered:
            global_state.get_global_attribute("remat_scope_stack").pop()
            self._entered = False


def get_current_remat_mode():
    """The innermost active scope's ``RematMode``, or None outside every ``RematScope``."""
    stack = global_state.get_global_attribute("remat_scope_stack")
    if not stack:
        return None
    scope = stack[-1]
    return RematMode(scope.mode, scope.output_size_threshold, scope.layer_names)
