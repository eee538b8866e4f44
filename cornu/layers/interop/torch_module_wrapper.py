"""``TorchModuleWrapper``: a ``torch.nn.Module`` used as a cornu layer (torch backend only).

Each parameter of the module becomes one of the layer's variables. The module
then computes with the variables' own ``torch.nn.Parameter`` objects (they are
registered back on the module, sharing the original storage), so gradients
reach the variables and ``fit()`` or any cornu optimizer trains the module.

Unlike Keras, lazy modules (``torch.nn.LazyLinear``...) need not be run first:
the layer runs them once on zeros of the input shape when it is built.

The config stores the module pickled by ``torch.save``. Unpickling runs
arbitrary code, so ``from_config`` refuses it unless the loading call passed
``safe_mode=False`` (or ``cornu.config.enable_unsafe_deserialization()`` ran).
"""

import base64
import io

import numpy as np
import optree

from cornu import backend
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.interop import native
from cornu.layers.interop.backend_requirement import require_backend
from cornu.layers.layer import Layer, _tuplify
from cornu.serialization.registry import keras_export
from cornu.tree import is_shape


def _device():
    # The device the torch backend puts new tensors on ("cuda" when one is visible).
    return getattr(backend.core, "DEFAULT_DEVICE", "cpu")


def _has_uninitialized_params(module):
    torch = native.torch()
    return any(
        isinstance(sub, torch.nn.modules.lazy.LazyModuleMixin) and sub.has_uninitialized_params()
        for sub in module.modules()
    )


def _parameter_of(variable):
    """The ``torch.nn.Parameter`` a torch-backend variable holds. Not ``variable.value``: while shape
    inference runs on ``meta`` tensors (a lazy module built inside a subclassed model's symbolic
    build), that reads as a ``meta`` stand-in."""
    return variable._value


def _zeros_like_shape(shape, dtype):
    torch = native.torch()
    dims = tuple(1 if d is None else d for d in shape)
    return torch.zeros(dims, dtype=dtype, device=_device())


@keras_export("keras.layers.TorchModuleWrapper")
class TorchModuleWrapper(Layer):
    """Turns a ``torch.nn.Module`` into a layer whose variables are the module's parameters.

    Works only with the torch backend.

    Args:
        module: the ``torch.nn.Module`` to wrap. Lazy modules are materialized when the
            layer is built, from the input shape.
        name: the layer's name.
        output_shape: the output shape, batch axis included (e.g. ``(None, 4)``). Optional:
            without it the shape is found by running the module on shape-only tensors.

    Example:
    >>> inputs = cornu.Input((3,))
    >>> hidden = cornu.layers.TorchModuleWrapper(torch.nn.Linear(3, 4))(inputs)
    >>> model = cornu.Model(inputs, cornu.layers.Dense(1)(hidden))
    >>> model.compile(optimizer="sgd", loss="mse")  # fit() now trains the torch Linear too
    """

    def __init__(self, module, name=None, output_shape=None, **kwargs):
        require_backend(type(self).__name__, ("torch",))
        super().__init__(name=name, **kwargs)
        torch = native.torch()
        if isinstance(module, Layer) or not isinstance(module, torch.nn.Module):
            raise ValueError(
                "`module` must be a `torch.nn.Module` that is not already a cornu layer (use a cornu layer "
                f"directly). Received: module={module!r} of type {type(module).__name__}"
            )
        self.module = module.to(_device())
        self.output_shape = _tuplify(output_shape) if output_shape is not None else None
        if not _has_uninitialized_params(self.module):
            self._track_module_parameters()
            self.built = True

    def build(self, input_shape):
        """Materializes a lazy module by running it once on zeros shaped like the input."""
        if self.__dict__.get("_module_variables") is not None:
            return
        if _has_uninitialized_params(self.module):
            torch = native.torch()
            if not is_shape(input_shape):
                raise ValueError(
                    f"TorchModuleWrapper '{self.name}' can only materialize a lazy module from a single input "
                    "tensor. Run the module once on example inputs before wrapping it. "
                    f"Received: input_shape={input_shape}"
                )
            example = _zeros_like_shape(input_shape, getattr(torch, self.compute_dtype))
            with torch.no_grad():
                self.module(example)
        self._track_module_parameters()

    def _track_module_parameters(self):
        variables = []
        variable_of = {}
        with backend.name_scope(self.name, caller=self):
            for name, parameter in self.module.named_parameters():
                variable = backend.Variable(
                    initializer=parameter,
                    dtype=backend.standardize_dtype(parameter.dtype),
                    trainable=parameter.requires_grad,
                    name=name.replace("/", "_"),
                )
                # Share the module's storage instead of the copy the variable made.
                _parameter_of(variable).data = parameter.data
                variable_of[id(parameter)] = variable
                variables.append(variable)
        # The module must compute with the variables' Parameter objects, or gradients would not
        # reach them: rebind every place a parameter is held (tied weights included).
        for owner in self.module.modules():
            for key, parameter in list(owner.named_parameters(recurse=False)):
                variable = variable_of.get(id(parameter))
                if variable is not None:
                    owner.register_parameter(key, _parameter_of(variable))
        self._module_variables = variables

    def parameters(self, recurse=True):
        """The wrapped module's parameters (the same tensors as the layer's variables)."""
        return self.module.parameters(recurse=recurse)

    def call(self, *args, training=None, **kwargs):
        self.module.train(training is not False)
        return self.module(*args, **kwargs)

    # ----------------------------------------------------------- shapes
    def compute_output_spec(self, *args, training=None, **kwargs):
        if self.output_shape is not None:
            dtype = self.compute_dtype
            return optree.tree_map(lambda s: KerasTensor(s, dtype=dtype), self.output_shape, is_leaf=is_shape,
                                   none_is_leaf=True)
        return backend.compute_output_spec(self._forward_for_shapes, *args, **kwargs)

    def compute_output_shape(self, input_shape):
        if self.output_shape is not None:
            return self.output_shape
        specs = optree.tree_map(lambda s: KerasTensor(s, dtype=self.compute_dtype), input_shape, is_leaf=is_shape,
                                none_is_leaf=False)
        outputs = self.compute_output_spec(specs)
        return optree.tree_map(lambda x: tuple(x.shape), outputs)

    def _forward_for_shapes(self, *args, **kwargs):
        """Runs the module in eval mode without touching its state: on ``meta`` tensors (no
        computation) when shape inference passes them, else on the real parameters."""
        torch = native.torch()
        leaves = optree.tree_leaves((args, kwargs))
        was_training = self.module.training
        self.module.eval()
        try:
            if any(isinstance(t, torch.Tensor) and t.device.type == "meta" for t in leaves):
                stand_ins = {name: torch.empty_like(t, device="meta") for name, t in self.module.named_parameters()}
                stand_ins.update(
                    (name, torch.empty_like(t, device="meta")) for name, t in self.module.named_buffers()
                )
                return torch.func.functional_call(self.module, stand_ins, args, kwargs)
            return self.module(*args, **kwargs)
        finally:
            self.module.train(was_training)

    # ----------------------------------------------------------- saving
    def save_own_variables(self, store):
        """Writes the module's ``state_dict`` (parameters and buffers such as running means), keyed
        by its names, as Keras does."""
        for key, value in self.module.state_dict().items():
            store[key] = backend.convert_to_numpy(value)

    def load_own_variables(self, store):
        """Loads a ``state_dict`` written by :meth:`save_own_variables` (strict: every key must match)."""
        state = {}
        for key in store.keys():
            name = key.decode() if isinstance(key, bytes) else key
            state[name] = backend.convert_to_tensor(np.asarray(store[key]))
        self.module.load_state_dict(state)

    def get_config(self):
        torch = native.torch()
        buffer = io.BytesIO()
        torch.save(self.module, buffer)
        config = {
            "module": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "output_shape": self.output_shape,
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Rebuilds the layer; the pickled module loads only when safe mode is off.

        Example:
        >>> layer = TorchModuleWrapper.from_config(config, safe_mode=False)  # only for trusted configs
        """
        from cornu.serialization.keras_objects import in_safe_mode

        config = dict(config)
        if isinstance(config.get("module"), str):
            if (in_safe_mode() if safe_mode is None else safe_mode) is not False:
                raise ValueError(
                    "Requested the deserialization of a `torch.nn.Module` stored with `torch.save` in a "
                    "TorchModuleWrapper config. Unpickling it can run arbitrary code, so it is disallowed by "
                    "default. If you trust the source of this file, pass `safe_mode=False` to the loading "
                    "function (e.g. `cornu.saving.load_model(path, safe_mode=False)` or "
                    "`TorchModuleWrapper.from_config(config, safe_mode=False)`), or call "
                    "`cornu.config.enable_unsafe_deserialization()`."
                )
            torch = native.torch()
            raw = base64.b64decode(config["module"].encode("ascii"))
            config["module"] = torch.load(io.BytesIO(raw), map_location=_device(), weights_only=False)
        if config.get("output_shape") is not None:
            config["output_shape"] = _tuplify(config["output_shape"])
        return super().from_config(config)
