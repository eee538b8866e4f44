"""Every ``Layer`` is a real ``torch.nn.Module`` under the torch backend.

So PyTorch code accepts cornu layers and models as they are: ``model.to(device)``,
``state_dict()`` / ``load_state_dict()`` / ``torch.save``, ``parameters()`` for a
``torch.optim`` optimizer, ``named_modules()``, ``train()`` / ``eval()``,
``torch.nn.Sequential(model, ...)``, ``torch.compile`` and ``DistributedDataParallel``.

Two classes take part; ``Layer`` puts them at both ends of its bases::

    class Layer(BackendLayer, LayerState, LayerConfig, Operation, BackendModule)

``BackendLayer`` comes first, so its ``torch.nn.Module`` methods (the ones that
read the module tree) bring the tree up to date before running. ``BackendModule``
(a ``torch.nn.Module``) comes last, so cornu's own methods win every name clash and
only the torch machinery is inherited.

The module tree is derived from cornu's own tracking, never the other way round:

- children: the layer's direct sub-layers. Sequential and Functional models name
  them by their index in ``model.layers`` (``"0"``, ``"1"``..., as
  ``torch.nn.Sequential`` does); other layers by the attribute holding them
  (``"dense"``), with a list or dict attribute becoming a container module keyed
  by position or key (``"blocks.0"``, as ``torch.nn.ModuleList`` does).
- parameters: the layer's own variables (Keras order: created-trainable first) and
  seed-generator states, keyed by the variable's name (``"kernel"``, ``"bias"``,
  ``"moving_mean"``, ``"seed_generator_state"``; a repeated name gets ``_1``,
  ``_2``...). Each is the variable's own ``torch.nn.Parameter``, so gradients,
  in-place loads and ``fit()`` updates are seen by both sides.

So ``state_dict()`` keys are stable across instances and processes, e.g.
``"0.kernel"``, ``"1.moving_mean"`` for a Sequential, ``"encoder.dense.kernel"``
for a subclassed model. (Keras 3 uses ``_torch_params.<variable path>``, whose
auto-numbered layer names change from one instance to the next, so a
``state_dict`` does not load into a freshly built Keras model; cornu's does.)

Each layer refreshes its own part of the tree (children and parameters) when a
``torch.nn.Module`` method that reads the tree is called on it; recursive torch
methods reach every sub-layer through those same methods, so the refresh costs
one pass over the model and nothing at all on ``__call__``.

Sub-layers stay in the instance ``__dict__`` as well as in ``_modules``, so
``self.dense`` is a plain attribute read (``torch.nn.Module`` would move it out of
``__dict__`` and route every read through its slow ``__getattr__``). Calling a layer
runs cornu's ``Layer.__call__`` directly: ``torch.nn.Module`` forward hooks do not
run (``forward`` exists and calls the layer, for code that calls it explicitly).

``module.training`` (``train()`` / ``eval()``) does not change how layers run,
exactly as in Keras 3 on torch: a layer's ``training`` comes from the call's
``training`` argument, then the enclosing call, then the call signature's default
(``Dropout`` is off unless ``training=True`` or inside ``fit``).
"""

import torch

from cornu.backend.common.dtypes import standardize_dtype

# The attributes `torch.nn.Module.__init__` creates: bookkeeping, never layer state.
_MODULE_INTERNALS = frozenset(vars(torch.nn.Module()))
# What the refresh records: {parameter key: variable} for the variables it registered.
_REGISTERED_VARIABLES = "_torch_registered_variables"
# Checked first in `__setattr__`: cheap C isinstance checks (`Parameter`'s own check is Python code).
_MODULE_OR_TENSOR = (torch.nn.Module, torch.Tensor)


class SublayerContainer(torch.nn.Module):
    """The module standing for a list, tuple or dict attribute holding layers (as
    ``torch.nn.ModuleList`` / ``ModuleDict`` would), so a layer's ``state_dict`` keys
    read ``"blocks.0.kernel"``.

    Built and refreshed by the layer owning the attribute; it holds no state itself.

    Example:
    >>> dict(model.named_children())["blocks"]
    SublayerContainer(...)
    """

    def forward(self, *args, **kwargs):
        raise TypeError("A SublayerContainer only groups layers in the module tree; call the layers themselves.")


def _is_managed(module):
    """True for the modules the refresh owns (cornu layers and containers), False for plain torch
    modules set as attributes (e.g. the module inside ``TorchModuleWrapper``)."""
    return isinstance(module, BackendLayer) or isinstance(module, SublayerContainer)


def _fill_container(container, tree):
    modules = container._modules
    wanted = {key: _module_for(modules.get(key), value) for key, value in tree.items()}
    if not _same_items(modules, wanted):
        modules.clear()
        modules.update(wanted)
    return container


def _module_for(existing, value):
    if isinstance(value, dict):
        # Keep the same container object while the attribute keeps holding layers: guards and
        # references taken by torch tools stay valid.
        container = existing if isinstance(existing, SublayerContainer) else SublayerContainer()
        return _fill_container(container, value)
    return value


def _children_tree(named_sublayers):
    """``[(("blocks", "0"), layer), ...]`` -> ``{"blocks": {"0": layer}}``."""
    tree = {}
    for path, layer in named_sublayers:
        path = [part.replace(".", "_") for part in path]  # a dotted module name would not load back
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):  # the same key holds a layer already
                break
        else:
            node.setdefault(path[-1], layer)
    return tree


def _unique_key(name, taken):
    key = name.replace(".", "_") or "variable"
    base, index = key, 1
    while key in taken:
        key = f"{base}_{index}"
        index += 1
    taken.add(key)
    return key


def _same_items(a, b):
    return len(a) == len(b) and all(ka == kb and va is vb for (ka, va), (kb, vb) in zip(a.items(), b.items()))


class BackendLayer:
    """First base of ``cornu.layers.Layer`` on torch: the ``torch.nn.Module`` methods that
    read the module tree, each refreshing this layer's part of it first.

    Example:
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    >>> model.zero_grad()
    >>> loss = torch.nn.functional.mse_loss(model(x), y)
    >>> loss.backward()
    >>> optimizer.step()
    >>> torch.save(model.state_dict(), "model.pt")
    """

    # Attribute names `LayerState` never walks for state.
    _backend_internal_attributes = _MODULE_INTERNALS | {_REGISTERED_VARIABLES}
    # Attribute values that `LayerState.__setattr__` wraps into a `TorchModuleWrapper`
    # (when they are not cornu layers themselves).
    _foreign_module_types = (torch.nn.Module,)

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        # Before any `__init__`, so `_modules` and friends exist whatever the subclass does first.
        torch.nn.Module.__init__(obj)
        return obj

    # ------------------------------------------------------------ the refresh
    def _sync_torch_module(self):
        """Makes this layer's ``_modules`` and ``_parameters`` match its sub-layers and variables
        (only this layer: recursive torch methods call it on each sub-layer)."""
        d = self.__dict__
        modules = d.get("_modules")
        if modules is None:  # `torch.nn.Module.__init__` has not run (unpickled from an old file)
            torch.nn.Module.__init__(self)
            modules = d["_modules"]
        tree = _children_tree(self._named_sublayers())
        wanted = {key: _module_for(modules.get(key), value) for key, value in tree.items()}
        foreign = [(key, module) for key, module in modules.items() if not _is_managed(module)]
        for key, module in foreign:
            wanted.setdefault(key, module)
        if not _same_items(modules, wanted):
            modules.clear()
            modules.update(wanted)

        # Parameters of plain torch modules below this layer (TorchModuleWrapper's variables
        # are its module's parameters) are reached through that module, not registered twice.
        foreign_ids = set()
        for _, module in foreign:
            foreign_ids.update(id(t) for t in module.parameters())
            foreign_ids.update(id(t) for t in module.buffers())
        parameters = d["_parameters"]
        previous = d.get(_REGISTERED_VARIABLES, {})
        others = {key: p for key, p in parameters.items() if key not in previous}
        taken = set(others) | set(wanted)
        registered = {}
        for variable in self._own_in_keras_order(self._own_state()) + [g.state for g in self._seed_generators()]:
            value = variable._value
            if not isinstance(value, torch.nn.Parameter) or id(value) in foreign_ids:
                continue  # not created yet (inside a stateless scope), or held by a torch module
            registered[_unique_key(variable.name, taken)] = variable
        new_parameters = {key: variable._value for key, variable in registered.items()}
        new_parameters.update(others)
        if not _same_items(parameters, new_parameters):
            parameters.clear()
            parameters.update(new_parameters)
        d[_REGISTERED_VARIABLES] = registered

    # ------------------------------------------------- methods reading the tree
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """``(name, module)`` for this layer and every module below it (sub-layers, containers,
        wrapped torch modules)."""
        self._sync_torch_module()
        return torch.nn.Module.named_modules(self, memo, prefix, remove_duplicate)

    def named_children(self):
        """``(name, module)`` for the direct sub-layers (see the module docstring for the names)."""
        self._sync_torch_module()
        return torch.nn.Module.named_children(self)

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """``(key, torch.nn.Parameter)`` for every variable; the parameter *is* the variable's value."""
        self._sync_torch_module()
        return torch.nn.Module.named_parameters(self, prefix, recurse, remove_duplicate)

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        self._sync_torch_module()
        return torch.nn.Module.named_buffers(self, prefix, recurse, remove_duplicate)

    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """Every variable (weights, non-trainable statistics, seed states) by a stable key such as
        ``"0.kernel"``; ``load_state_dict`` takes it back."""
        self._sync_torch_module()
        return torch.nn.Module.state_dict(self, *args, destination=destination, prefix=prefix, keep_vars=keep_vars)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copies the values into the variables in place (the variables keep their tensors).

        ``assign=True`` is refused: it would replace the parameters behind the variables' back.
        """
        if assign:
            raise ValueError(
                "cornu layers load a state dict by copying into their variables; `assign=True` would replace "
                "the tensors the variables own. Call `load_state_dict(state_dict)` without `assign`. "
                f"Received: assign={assign}"
            )
        self._sync_torch_module()
        return torch.nn.Module.load_state_dict(self, state_dict, strict=strict, assign=assign)

    def _load_from_state_dict(self, *args, **kwargs):
        # Reached for every module by `load_state_dict`, before it reads `_modules` (also when an
        # outer torch module does the loading).
        self._sync_torch_module()
        return torch.nn.Module._load_from_state_dict(self, *args, **kwargs)

    def _apply(self, fn, recurse=True):
        # `.to()`, `.cpu()`, `.cuda()`, `.double()`... Torch moves each parameter in place
        # (`param.data = ...`); when it builds a new Parameter instead, or changes its dtype, the
        # variable follows.
        self._sync_torch_module()
        result = torch.nn.Module._apply(self, fn, recurse)
        parameters = self.__dict__["_parameters"]
        for key, variable in self.__dict__.get(_REGISTERED_VARIABLES, {}).items():
            parameter = parameters.get(key)
            if parameter is None:
                continue
            if parameter is not variable._value:
                variable._value = parameter
            dtype = standardize_dtype(parameter.dtype)
            if dtype != variable._dtype:
                variable._dtype = dtype
        return result

    def get_submodule(self, target):
        """The module at a dotted path of ``named_modules()`` names (``"blocks.0"``)."""
        module = self
        for item in target.split(".") if target else ():
            if isinstance(module, BackendLayer):
                module._sync_torch_module()
            child = module._modules.get(item)
            if child is None:
                raise AttributeError(f"{module._get_name()} has no submodule `{item}`. Received: target={target!r}")
            module = child
        return module

    def get_parameter(self, target):
        """The ``torch.nn.Parameter`` at a ``named_parameters()`` key (``"0.kernel"``)."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if isinstance(module, BackendLayer):
            module._sync_torch_module()
        parameter = module._parameters.get(name)
        if parameter is None:
            raise AttributeError(f"{module._get_name()} has no parameter `{name}`. Received: target={target!r}")
        return parameter

    def requires_grad_(self, requires_grad=True):
        """Freezes (``False``) every weight, or unfreezes (``True``) those created trainable,
        through each variable's ``trainable`` flag (statistics such as a moving mean, and seeds,
        never take gradients)."""
        for layer in self._flatten_layers():
            for variable in layer._own_state():
                if variable._created_trainable and variable._value is not None:
                    variable.trainable = requires_grad
        for module in self.modules():
            if not _is_managed(module):
                module.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Clears the gradients ``loss.backward()`` accumulated in the variables."""
        for parameter in self.parameters():
            if parameter.grad is None:
                continue
            if set_to_none:
                parameter.grad = None
            else:
                parameter.grad.detach_()
                parameter.grad.zero_()

    def add_module(self, name, module):
        """Same as ``setattr(self, name, module)``: the module is tracked (a plain torch module is
        wrapped into a ``TorchModuleWrapper``, as for any attribute)."""
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"A module name must be a non-empty string without '.'. Received: name={name!r}")
        setattr(self, name, module)

    register_module = add_module

    def forward(self, *args, **kwargs):
        """Calls the layer (``layer(*args, **kwargs)``); for code that calls ``forward`` directly."""
        return type(self).__call__(self, *args, **kwargs)


class BackendModule(torch.nn.Module):
    """Last base of ``cornu.layers.Layer`` on torch: ``torch.nn.Module`` itself, with attribute
    setting kept as plain as for any Python object.

    A module or parameter assigned to an attribute stays in the instance ``__dict__`` (so reading
    it back is a plain attribute read) and is also recorded in ``_modules`` / ``_parameters``;
    overwriting or deleting the attribute removes it there too.
    """

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        d = self.__dict__
        modules = d.get("_modules")
        if modules is None:  # inside `torch.nn.Module.__init__`
            return
        if isinstance(value, _MODULE_OR_TENSOR):
            if d.get(name) is not value:  # a property took the value
                return
            if isinstance(value, torch.nn.Module):
                modules[name] = value
            elif isinstance(value, torch.nn.Parameter) and name not in d.get(_REGISTERED_VARIABLES, ()):
                d["_parameters"][name] = value
            return
        if name in modules:
            del modules[name]
        parameters = d["_parameters"]
        if name in parameters and name not in d.get(_REGISTERED_VARIABLES, ()):
            del parameters[name]

    def __delattr__(self, name):
        d = self.__dict__
        found = False
        for registry in ("_modules", "_parameters", "_buffers"):
            entries = d.get(registry)
            if entries is not None and name in entries:
                del entries[name]
                found = True
        if not found or name in d:
            object.__delattr__(self, name)
