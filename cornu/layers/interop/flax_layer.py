"""``FlaxLayer``: a ``flax.linen.Module`` used as a cornu layer (JAX backend only).

A ``JaxLayer`` whose ``call_fn``/``init_fn`` are the module's ``apply``/``init``.
The ``"params"`` collection is trainable; every other collection (e.g.
``"batch_stats"``) is non-trainable state that ``apply`` may update. In
training the module gets a ``"dropout"`` key.

``flax.nnx`` modules are not supported (they hold their own state as Python
objects): wrap them with ``flax.nnx.bridge.to_linen`` first.
"""

import inspect

from cornu.layers.interop import native
from cornu.layers.interop.backend_requirement import require_backend
from cornu.layers.interop.jax_layer import JaxLayer
from cornu.serialization.registry import keras_export

_FLAX_INSTALL = "pip install flax (or pip install 'cornu[flax]')"


def _check_module(module):
    linen = native.optional("flax.linen", "FlaxLayer", _FLAX_INSTALL)
    if isinstance(module, linen.Module):
        return linen
    nnx = native.optional("flax.nnx", "FlaxLayer", _FLAX_INSTALL)
    if isinstance(module, nnx.Module):
        raise NotImplementedError(
            "FlaxLayer wraps `flax.linen` modules; `flax.nnx` modules keep their state as Python objects, "
            "which a layer cannot thread through a compiled step. Convert it with "
            "`flax.nnx.bridge.to_linen(ModuleClass, *args)` and wrap the result. "
            f"Received: module of type {type(module).__name__}"
        )
    raise ValueError(f"`module` must be a `flax.linen.Module`. Received: module={module!r}")


@keras_export("keras.layers.FlaxLayer")
class FlaxLayer(JaxLayer):
    """Wraps a ``flax.linen.Module`` as a layer; its variables become the layer's weights.

    Works only with the JAX backend.

    Args:
        module: a ``flax.linen.Module`` instance.
        method: the method that computes the outputs (default ``__call__``), called as
            ``method(inputs)`` or ``method(inputs, training=...)`` when it has a ``training``
            argument; or a function ``fn(module, inputs[, training])``. Used by both ``init``
            and ``apply``.
        variables: the module's variables as ``module.init`` returns them (``{"params": ...,
            "batch_stats": ...}``); created at build time when omitted.

    Example:
    >>> class MLP(flax.linen.Module):
    ...     @flax.linen.compact
    ...     def __call__(self, inputs):
    ...         return flax.linen.Dense(2)(flax.linen.relu(flax.linen.Dense(8)(inputs)))
    >>> layer = cornu.layers.FlaxLayer(MLP())
    >>> layer(np.ones((4, 3))).shape
    (4, 2)
    """

    def __init__(self, module, method=None, variables=None, **kwargs):
        require_backend(type(self).__name__, ("jax",))
        linen = _check_module(module)
        self.module = module
        self.method = method
        not_params = linen.DenyList(["params"])
        if method is None:
            target = module.__call__
        elif isinstance(method, str):
            target = getattr(module, method)
        else:
            target = method
        takes_training = "training" in inspect.signature(target).parameters

        def call_fn(params, state, rng, inputs, training):
            extra = {"training": training} if takes_training else {}
            outputs, updated = self.module.apply(self._params_and_state_to_variables(params, state), inputs,
                                                 rngs=rng, method=self.method, mutable=not_params, **extra)
            # Collections `apply` did not return keep their values; new ones (e.g. `sow`n
            # intermediates) are not state the layer was built with.
            state = state or {}
            return outputs, {name: updated.get(name, value) for name, value in state.items()}

        def init_fn(rng, inputs, training):
            extra = {"training": training} if takes_training else {}
            return self._variables_to_params_and_state(self.module.init(rng, inputs, method=self.method, **extra))

        params, state = self._variables_to_params_and_state(variables)
        super().__init__(call_fn=call_fn, init_fn=init_fn, params=params, state=state, **kwargs)

    @staticmethod
    def _params_and_state_to_variables(params, state):
        return {**(params or {}), **(state or {})}

    @staticmethod
    def _variables_to_params_and_state(variables):
        if variables is None:
            return None, None
        variables = dict(variables)
        params = {"params": variables.pop("params")} if "params" in variables else {}
        return params, variables

    def _get_init_rng(self):
        return {"params": self._get_init_seed(), "dropout": self._get_init_seed()}

    def _get_call_rng(self, training):
        return {"dropout": self._get_call_seed()} if training else {}

    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        if not hasattr(self.module, "get_config"):
            raise TypeError(
                f"FlaxLayer '{self.name}' cannot be saved: its module {type(self.module).__name__} has no "
                "`get_config()`. Give the module class `get_config()` (returning its constructor arguments) and "
                "`from_config()`, and register it with `@cornu.saving.register_keras_serializable()`. "
                f"Received: module={self.module!r}"
            )
        method = self.method
        if getattr(method, "__self__", None) is self.module:
            method = method.__name__  # a bound method is saved by name
        config = super().get_config()
        config.pop("call_fn")
        config.pop("init_fn")
        config["module"] = serialize_keras_object(self.module)
        config["method"] = serialize_keras_object(method)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.serialization.keras_objects import deserialize_keras_object

        config = dict(config)
        module = deserialize_keras_object(config["module"], custom_objects=custom_objects)
        method = config.get("method")
        if isinstance(method, str):
            method = getattr(module, method)
        else:
            method = deserialize_keras_object(method, custom_objects=custom_objects)
        config["module"] = module
        config["method"] = method
        return cls(**config)
