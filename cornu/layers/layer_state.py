"""The state half of ``Layer``: variables, sub-layers, weights lists, losses.

State is found by walking the layer's attributes (lists, tuples and dicts are
opened), so assigning a Variable, a Layer, a Metric or a SeedGenerator to an
attribute is all it takes to track it.

Once ``build`` has run, a layer's state is locked, as in Keras: creating a
variable with ``add_weight`` or assigning a new Variable, Layer, Metric or
SeedGenerator to an attribute raises a ``ValueError``. Re-assigning state the
layer already tracks, deleting it, and any non-state attribute stay allowed.
Code that legitimately grows a built layer (LoRA adapters, a model's
``compile``) opens ``layer._state_unlocked()`` or ``state_lock_lifted()``.
Functional and Sequential models stay open, as in Keras. Unlike Keras, an
element appended in place to a list attribute after build is not checked.
"""

import contextlib
import functools
import threading
import weakref

import numpy as np

from cornu import backend
from cornu.backend.common.global_state import bump_structure_version, cached_structure
from cornu.backend.common.variables import install_weight_hooks
from cornu.random.seed_generator import SeedGenerator

# Layers that hold per-call losses; cleared at the start of each outermost call.
LAYERS_WITH_LOSSES = weakref.WeakSet()
_FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")


def structure_cached(method):
    """Makes a no-argument method's list result (a walk over the structure) remembered while a
    ``structure_cache`` is open; callers get their own copy of the list."""
    key = method.__qualname__

    @functools.wraps(method)
    def cached(self):
        return list(cached_structure(self, key, lambda: method(self)))

    return cached


STATE_LOCKED_MESSAGE = (
    "You cannot add new elements of state (variables or sub-layers) to a layer that is already built. "
    "All state must be created in the `__init__()` method or in the `build()` method."
)
# Open while `state_lock_lifted()` is (e.g. during `Trainer.compile`, which Keras runs with tracking off).
_LOCK_LIFTED = threading.local()


@contextlib.contextmanager
def state_lock_lifted():
    """While open, built layers accept new state (Keras's ``no_automatic_dependency_tracking``).

    For library code that attaches objects to a built model on purpose, such as
    ``compile`` setting up its loss tracker.

    Example:
    >>> with state_lock_lifted():
    ...     model._loss_tracker = cornu.metrics.Mean(name="loss")
    """
    depth = getattr(_LOCK_LIFTED, "depth", 0)
    _LOCK_LIFTED.depth = depth + 1
    try:
        yield
    finally:
        _LOCK_LIFTED.depth = depth


def _state_types():
    global _STATE_TYPES
    if _STATE_TYPES is None:
        from cornu.metrics.metric import Metric

        _STATE_TYPES = (backend.Variable, LayerState, Metric, SeedGenerator)
    return _STATE_TYPES


_STATE_TYPES = None
_MAY_HOLD_VARIABLES = (backend.Variable, list, tuple, dict)
# Values of these types that are not cornu layers are wrapped into a layer when assigned to an
# attribute: `torch.nn.Module` on torch (into `TorchModuleWrapper`, as Keras does), none elsewhere.
_FOREIGN_MODULE_TYPES = getattr(backend.layer.BackendLayer, "_foreign_module_types", ())
# Bookkeeping attributes that never hold the layer's own state (with the backend's own, such as
# `torch.nn.Module`'s `_modules` and `_parameters` on torch).
_NEVER_TRACKED = frozenset({"_inbound_nodes", "_outbound_nodes", "_init_args", "_own_variables"}).union(
    getattr(backend.layer.BackendLayer, "_backend_internal_attributes", ())
)


def _record_variables(value, own):
    """Appends the Variables in ``value`` to ``own`` in assignment order (Keras orders a layer's
    weights by when they were tracked, ``add_weight`` and attribute assignment alike)."""
    if isinstance(value, backend.Variable):
        found = (value,)
    elif isinstance(value, (list, tuple, dict)) and value:
        found = [v for v in _flatten_containers([value]) if isinstance(v, backend.Variable)]
    else:
        return
    for variable in found:
        if not any(variable is v for v in own):
            own.append(variable)


class LayerState:
    """Mixin of ``Layer``: creating and finding variables, weights and losses."""

    def __setattr__(self, name, value):
        if isinstance(value, _FOREIGN_MODULE_TYPES) and not isinstance(value, LayerState):
            value = self._wrap_foreign_module(value)
        # Plain values on an unlocked layer (most assignments in `__init__`) skip all bookkeeping.
        if isinstance(value, _MAY_HOLD_VARIABLES) or self.__dict__.get("_state_locked", False):
            self._track_assignment(name, value)
        super().__setattr__(name, value)

    def _wrap_foreign_module(self, module):
        """A ``torch.nn.Module`` assigned to an attribute becomes a ``TorchModuleWrapper`` (whose
        variables are the module's parameters), except on the wrapper itself."""
        from cornu.layers import TorchModuleWrapper  # the package: layer_state sits below the wrapper

        if isinstance(self, TorchModuleWrapper):
            return module
        return TorchModuleWrapper(module)

    def _track_assignment(self, name, value):
        own = self.__dict__.get("_own_variables")
        if own is None or name in _NEVER_TRACKED or name in self._untracked_attrs:
            return
        if self.__dict__.get("_state_locked", False) and not getattr(_LOCK_LIFTED, "depth", 0):
            self._check_no_new_state(name, value)
        _record_variables(value, own)

    def __delattr__(self, name):
        value = self.__dict__.get(name)
        super().__delattr__(name)
        if isinstance(value, backend.Variable):
            own = self.__dict__.get("_own_variables", [])
            own[:] = [v for v in own if v is not value]

    def _check_no_new_state(self, name, value):
        """Raises when ``value`` holds a Variable, Layer, Metric or SeedGenerator this layer does not
        track yet (the check behind the state lock)."""
        state_types = _state_types()
        if isinstance(value, state_types):
            candidates = (value,)
        elif isinstance(value, (list, tuple, dict)):
            candidates = [v for v in _flatten_containers([value]) if isinstance(v, state_types)]
        else:
            return
        if not candidates:
            return
        tracked = {id(v) for v in self._own_variables}
        tracked.update(id(v) for v in self._tracked_values())
        if any(id(v) not in tracked and v is not self for v in candidates):
            raise ValueError(STATE_LOCKED_MESSAGE)

    def _lock_state(self):
        """Refuses new state from now on; called when the outermost ``build`` returns.

        Models whose structure is a graph or a list of layers (Functional, Sequential) override
        it to stay open, as in Keras.
        """
        self.__dict__["_state_locked"] = True

    @contextlib.contextmanager
    def _state_unlocked(self):
        """Lets this built layer take new state inside the block, then restores the lock.

        Example:
        >>> with layer._state_unlocked():
        ...     layer.scale = layer.add_weight(shape=(), initializer="ones", name="scale")
        """
        previous = self.__dict__.get("_state_locked", False)
        self.__dict__["_state_locked"] = False
        try:
            yield self
        finally:
            self.__dict__["_state_locked"] = previous

    def _check_state_unlocked(self):
        if self.__dict__.get("_state_locked", False) and not getattr(_LOCK_LIFTED, "depth", 0):
            raise ValueError(STATE_LOCKED_MESSAGE)

    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True, regularizer=None,
                   constraint=None, aggregation="none", overwrite_with_gradient=False, name=None):
        """Creates a variable owned by this layer (call it from ``build``).

        Example:
        >>> self.kernel = self.add_weight(shape=(4, 8), initializer="glorot_uniform", name="kernel")
        """
        self._check_state_unlocked()
        from cornu import constraints, initializers, regularizers

        if isinstance(shape, str):
            raise ValueError(
                "The first argument of `add_weight` is the shape; pass the variable's name as "
                f"`name=`. Received: shape={shape!r}"
            )
        shape = () if shape is None else shape
        dtype = backend.standardize_dtype(dtype) if dtype is not None else self.variable_dtype
        if initializer is None:
            initializer = "glorot_uniform" if dtype in _FLOAT_DTYPES else "zeros"
        initializer = initializers.get(initializer)
        with backend.name_scope(self.name, caller=self):
            variable = backend.Variable(
                initializer=initializer, shape=shape, dtype=dtype, trainable=trainable, autocast=autocast,
                aggregation=aggregation, name=name,
            )
        variable.regularizer = regularizers.get(regularizer)
        variable.constraint = constraints.get(constraint)
        variable.overwrite_with_gradient = overwrite_with_gradient
        self._own_variables.append(variable)
        return variable

    def add_variable(self, shape, initializer, dtype=None, trainable=True, autocast=True, regularizer=None,
                     constraint=None, aggregation="none", name=None):
        """Alias of :meth:`add_weight` with ``shape`` and ``initializer`` required."""
        return self.add_weight(shape=shape, initializer=initializer, dtype=dtype, trainable=trainable,
                               autocast=autocast, regularizer=regularizer, constraint=constraint,
                               aggregation=aggregation, name=name)

    _untracked_attrs = ()

    def _tracked_values(self):
        """Attribute values in assignment order, with lists/tuples/dicts opened."""
        skip = self._untracked_attrs
        for key, value in vars(self).items():
            if key in _NEVER_TRACKED or key in skip:
                continue
            if isinstance(value, (list, tuple)):
                yield from _flatten_containers(value)
            elif isinstance(value, dict):
                yield from _flatten_containers(list(value.values()))
            else:
                yield value

    def _named_sublayers(self):
        """``(path, layer)`` for each direct sub-layer, ``path`` a tuple of names: the index in
        ``self._layers`` for models that keep their layers in a list (Sequential, Functional),
        else the attribute holding the layer, then the position or key inside a list, tuple or dict
        attribute (``("blocks", "0")``). A layer held in two places appears under both paths.
        The torch backend names the layer's ``torch.nn.Module`` children after these.
        """
        if type(self)._layers is not LayerState._layers:
            return [((str(index),), layer) for index, layer in enumerate(self._layers)]
        named = []
        skip = self._untracked_attrs

        def visit(path, value):
            if isinstance(value, LayerState):
                if value is not self:
                    named.append((path, value))
            elif isinstance(value, (list, tuple)):
                for index, item in enumerate(value):
                    visit(path + (str(index),), item)
            elif isinstance(value, dict):
                for key, item in value.items():
                    visit(path + (str(key),), item)

        for key, value in vars(self).items():
            if key not in _NEVER_TRACKED and key not in skip:
                visit((key,), value)
        return named

    @property
    @structure_cached
    def _layers(self):
        seen = set()
        layers = []
        for value in self._tracked_values():
            if isinstance(value, LayerState) and value is not self and id(value) not in seen:
                seen.add(id(value))
                layers.append(value)
        return layers

    @structure_cached
    def _own_state(self):
        """Own variables in the order they were tracked (``add_weight`` and attribute assignment
        alike), then any reached only through a container changed in place."""
        seen = {id(v) for v in self._own_variables}
        extra = []
        for value in self._tracked_values():
            if isinstance(value, backend.Variable) and id(value) not in seen:
                seen.add(id(value))
                extra.append(value)
        return self._own_variables + extra

    @staticmethod
    def _own_in_keras_order(own):
        """Variables created trainable first, then the others, each in creation order.

        The flag at creation decides, as in Keras: freezing a weight later does
        not move it (weight files and ``get_weights()`` depend on this order).
        """
        return [v for v in own if v._created_trainable] + [v for v in own if not v._created_trainable]

    @structure_cached
    def _seed_generators(self):
        return [v for v in self._tracked_values() if isinstance(v, SeedGenerator)]

    def _flatten_layers(self, include_self=True, recursive=True):
        return list(cached_structure(
            self, ("_flatten_layers", include_self, recursive),
            lambda: self._walk_flatten_layers(include_self, recursive)))

    def _walk_flatten_layers(self, include_self, recursive):
        result = [self] if include_self else []
        seen = {id(self)}
        stack = list(reversed(self._layers))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            result.append(layer)
            if recursive:
                stack.extend(reversed(layer._layers))
        return result

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        for layer in self._flatten_layers():
            layer._trainable = value
        bump_structure_version()

    def _unique(self, variables):
        seen = set()
        out = []
        for v in variables:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        return out

    @property
    @structure_cached
    def weights(self):
        """All weight variables: this layer's own, then its sub-layers' (no seeds, no metrics)."""
        own = self._own_state()
        out = self._own_in_keras_order(own)
        for layer in self._layers:
            out.extend(layer.weights)
        return self._unique(out)

    @property
    @structure_cached
    def trainable_weights(self):
        if not self._trainable:
            return []
        out = [v for v in self._own_in_keras_order(self._own_state()) if v.trainable]
        for layer in self._layers:
            out.extend(layer.trainable_weights)
        return self._unique(out)

    @property
    @structure_cached
    def non_trainable_weights(self):
        if not self._trainable:
            return self.weights
        out = [v for v in self._own_in_keras_order(self._own_state()) if not v.trainable]
        for layer in self._layers:
            out.extend(layer.non_trainable_weights)
        return self._unique(out)

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    @structure_cached
    def non_trainable_variables(self):
        """Non-trainable weights plus the state of seed generators."""
        out = list(self.non_trainable_weights)
        for layer in self._flatten_layers():
            out.extend(g.state for g in layer._seed_generators())
        return self._unique(out)

    @property
    @structure_cached
    def variables(self):
        out = list(self.weights)
        for layer in self._flatten_layers():
            out.extend(g.state for g in layer._seed_generators())
        return self._unique(out)

    @property
    def metrics_variables(self):
        out = []
        for metric in self.metrics:
            out.extend(metric.variables)
        return out

    @property
    @structure_cached
    def metrics(self):
        return self._tracked_metrics()

    def _tracked_metrics(self):
        """The metrics tracked by this layer and its sub-layers (a plain method, so that a
        subclass's ``metrics`` can extend it without ``property.fget``, which ``torch.compile``
        cannot trace)."""
        from cornu.metrics import Metric

        out = []
        for layer in self._flatten_layers():
            out.extend(v for v in layer._tracked_values() if isinstance(v, Metric))
        return out

    def count_params(self):
        """Total number of scalars in the layer's weights."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't built. "
                "Build it first by calling it on data or with `layer.build(input_shape)`."
            )
        return int(sum(np.prod(v.shape, dtype="int64") for v in self.weights))

    def get_weights(self):
        """The weights as a list of NumPy arrays."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        """Sets the weights from a list of arrays (same order and shapes as ``get_weights()``)."""
        variables = self.weights
        if len(weights) != len(variables):
            raise ValueError(
                f"Layer '{self.name}' expects {len(variables)} weights, but the weight list has "
                f"{len(weights)} elements. Received: weights of length {len(weights)}"
            )
        for variable, value in zip(variables, weights):
            if tuple(np.shape(value)) != tuple(variable.shape):
                raise ValueError(
                    f"Layer '{self.name}' weight shape {variable.shape} is not compatible with provided "
                    f"weight shape {np.shape(value)}."
                )
        for variable, value in zip(variables, weights):
            variable.assign(value)

    # --------------------------------------------------------------- losses
    def add_loss(self, loss):
        """Adds a loss term (a scalar tensor) to be minimised during training."""
        scope = backend.get_stateless_scope()
        if scope is not None and scope.collect_losses:
            scope.add_loss(loss)
            return
        self._losses.append(loss)
        LAYERS_WITH_LOSSES.add(self)

    def _clear_losses(self):
        for layer in list(LAYERS_WITH_LOSSES):
            layer._losses = []

    @property
    def losses(self):
        """Losses added during the last call plus the weight regularization penalties."""
        out = []
        for layer, own in self._loss_sources():
            out.extend(layer._losses)
            for variable in own:
                if variable.regularizer is not None and variable.trainable:
                    out.append(variable.regularizer(variable.value))
        return out

    @structure_cached
    def _loss_sources(self):
        """Every layer with its own variables, in the order ``losses`` reports them."""
        return [(layer, layer._own_state()) for layer in self._flatten_layers()]


def _flatten_containers(values):
    for v in values:
        if isinstance(v, (list, tuple)):
            yield from _flatten_containers(v)
        elif isinstance(v, dict):
            yield from _flatten_containers(list(v.values()))
        else:
            yield v


def _initializer_from_name(name):
    from cornu import initializers

    return initializers.get(name)


# Variables made directly (``cornu.Variable("zeros", shape=(2,))``) resolve initializer names
# through this, so the backend never imports initializers. As in Keras, any callable (a
# ``Regularizer``/``Constraint`` instance or a plain function such as ``lambda w: 0.1 * ops.sum(w)``)
# is a valid regularizer or constraint.
install_weight_hooks(_initializer_from_name, callable, callable)
