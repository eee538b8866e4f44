"""Rematerialization (gradient checkpointing): ``cornu.remat`` and the rules that decide,
under a ``cornu.RematScope``, which layer calls recompute their activations.

The rules follow Keras's: the scope active when a layer is created sets its mode;
``"full"`` wraps every call, ``"list_of_layers"`` the named layers, ``"larger_than"``
the calls whose outputs exceed the threshold, ``"activations"`` only the
``activation`` function of layers that have one. One difference, on purpose: a layer
whose call updates state (Dropout's seed, BatchNormalization's moving statistics, or
any model holding such layers) runs without remat, because recomputing it in the
backward pass would replay the update (twice-applied statistics and a different
dropout mask on torch, a leaked tracer on JAX).
"""

import functools
import math

import optree

from cornu import backend
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.backend.common.remat_scope import RematScope, get_current_remat_mode
from cornu.serialization.registry import keras_export

keras_export("keras.RematScope")(RematScope)

__all__ = ["remat", "RematScope", "get_current_remat_mode", "rematerialized_call"]


@keras_export("keras.remat")
def remat(f):
    """Wraps ``f`` for gradient checkpointing: the values computed inside ``f`` are not kept
    for the backward pass but recomputed there, trading compute for memory. Outputs and
    gradients are unchanged. (``jax.checkpoint`` on JAX, ``torch.utils.checkpoint`` on torch,
    ``f`` itself on NumPy.)

    Example:
    >>> class Block(cornu.layers.Layer):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.inner = cornu.remat(self.expensive)
    ...     def expensive(self, x):
    ...         return cornu.ops.tanh(x) * cornu.ops.sigmoid(x)
    ...     def call(self, x):
    ...         return self.inner(x)
    """
    return backend.core.remat(f)


def rematerialized_call(layer, layer_call, args, kwargs):
    """The function to run for ``layer_call(*args, **kwargs)`` given the layer's remat mode."""
    remat_mode = layer._remat_mode
    mode = remat_mode.mode if remat_mode is not None else None
    if mode is None:
        return layer_call
    if mode == "activations":
        if getattr(layer, "activation", None) is None:
            return layer_call
        return _with_remat_activation(layer, layer_call)
    if _updates_state(layer):
        return layer_call
    if mode == "full":
        return remat(layer_call)
    if mode == "list_of_layers":
        return remat(layer_call) if layer.name in remat_mode.layer_names else layer_call
    # "larger_than"
    if _output_size(layer, args, kwargs) > remat_mode.output_size_threshold:
        return remat(layer_call)
    return layer_call


def _with_remat_activation(layer, layer_call):
    @functools.wraps(layer_call)
    def call_with_remat_activation(*args, **kwargs):
        activation = layer.activation
        object.__setattr__(layer, "activation", remat(activation))
        try:
            return layer_call(*args, **kwargs)
        finally:
            object.__setattr__(layer, "activation", activation)

    return call_with_remat_activation


def _updates_state(layer):
    """Whether calling ``layer`` may assign variables (it owns non-trainable state); remembered
    once the layer is built."""
    cached = layer.__dict__.get("_remat_updates_state")
    if cached is not None:
        return cached
    updates = bool(layer.non_trainable_variables)
    if layer.built:
        object.__setattr__(layer, "_remat_updates_state", updates)
    return updates


def _output_size(layer, args, kwargs):
    """The number of elements of the call's outputs (unknown dimensions count as 1), from the
    layer's output spec; remembered per input shape."""
    key = tuple(tuple(getattr(x, "shape", ())) for x in optree.tree_leaves((args, kwargs), none_is_leaf=True))
    sizes = layer.__dict__.get("_remat_output_sizes")
    if sizes is None:
        sizes = {}
        object.__setattr__(layer, "_remat_output_sizes", sizes)
    if key not in sizes:
        spec = layer.compute_output_spec(*args, **kwargs)
        sizes[key] = sum(math.prod(d or 1 for d in leaf.shape) for leaf in optree.tree_leaves(spec)
                         if isinstance(leaf, KerasTensor))
    return sizes[key]
