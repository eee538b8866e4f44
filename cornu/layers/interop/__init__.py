"""Layers wrapping other frameworks' models: ``TorchModuleWrapper`` (torch backend),
``JaxLayer`` and ``FlaxLayer`` (JAX backend), ``TFSMLayer`` (a TensorFlow SavedModel, TensorFlow
backend). Each imports its framework only when an instance is made, so importing cornu never
loads a framework it does not use."""

from cornu.layers.interop.flax_layer import FlaxLayer
from cornu.layers.interop.jax_layer import JaxLayer
from cornu.layers.interop.tfsm_layer import TFSMLayer
from cornu.layers.interop.torch_module_wrapper import TorchModuleWrapper
