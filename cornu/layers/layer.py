"""``Layer``: the base of every layer and model.

A layer owns variables (created in ``build``), sub-layers and seed generators,
found by walking its attributes. ``__call__`` converts and autocasts inputs,
builds on first use, resolves ``training`` and ``mask``, and records a graph
node for symbolic inputs. Once built, an eager call costs a few attribute
checks on top of ``call()``.
"""

import functools
import inspect
import threading

import numpy as np
import optree

from cornu import backend
from cornu import dtype_policies
from cornu.backend.common.global_state import bump_structure_version
from cornu.backend.common.traceback_filter import filter_traceback
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.backend.common.variables import AutocastScope
from cornu.layers.input_spec import assert_input_compatibility
from cornu.layers.remat import get_current_remat_mode, rematerialized_call
from cornu.layers.layer_config import _LEGACY_KWARGS, LayerConfig, _tuplify  # noqa: F401  (_tuplify re-exported)
from cornu.layers.layer_state import _FLOAT_DTYPES, LAYERS_WITH_LOSSES, LayerState
from cornu.ops.node import Node
from cornu.ops.decorator import any_symbolic_tensors
from cornu.ops.operation import Operation
from cornu.serialization.registry import keras_export
from cornu.tree import is_shape

_CALL_CONTEXT = threading.local()


def _call_training():
    return getattr(_CALL_CONTEXT, "training", None)


def _call_depth():
    return getattr(_CALL_CONTEXT, "depth", 0)


@functools.lru_cache(maxsize=None)
def _call_signature_info(call_fn):
    params = inspect.signature(call_fn).parameters
    names = list(params)
    training_default = params["training"].default if "training" in params else None
    if training_default is inspect.Parameter.empty:
        training_default = None
    return "training" in params, "mask" in params, training_default, names


def _wrap_build(build):
    @functools.wraps(build)
    def build_wrapper(self, *args, **kwargs):
        # A subclass's `build` calling `super().build(...)` runs the parent's wrapper too: only the
        # outermost one locks the state, once the whole build is done (as Keras, which wraps once).
        depth = self.__dict__.get("_build_depth", 0)
        self.__dict__["_build_depth"] = depth + 1
        try:
            with backend.name_scope(self.name, caller=self):
                build(self, *args, **kwargs)
        finally:
            self.__dict__["_build_depth"] = depth
        # The shapes of the outermost call: a wrapper's `build` passes its child's shape to `super().build`.
        if depth == 0 and self._build_shapes is None:
            self._build_shapes = _record_shapes(build, args, kwargs)
        self.built = True
        if depth == 0:
            self._lock_state()

    build_wrapper._cornu_wrapped = True
    return build_wrapper


def _record_shapes(build, args, kwargs):
    params = [p for p in inspect.signature(build).parameters if p != "self"]
    shapes = dict(zip(params, args))
    shapes.update(kwargs)
    return shapes


@functools.lru_cache(maxsize=None)
def _init_signature(cls):
    signature = inspect.signature(cls.__init__)
    params = list(signature.parameters.values())[1:]
    positional_only = any(p.kind is inspect.Parameter.POSITIONAL_ONLY for p in params)
    return signature, positional_only


def _constructor_arguments(cls, obj, args, kwargs):
    """The constructor's arguments by name, defaults included (as Keras's automatic config has
    them), or None when they cannot be passed back by name (positional-only or ``*args``)."""
    signature, positional_only = _init_signature(cls)
    if positional_only:
        return None
    try:
        bound = signature.bind(obj, *args, **kwargs)
    except TypeError:
        return None
    bound.apply_defaults()
    arguments = {}
    for index, (name, value) in enumerate(bound.arguments.items()):
        kind = signature.parameters[name].kind
        if index == 0:
            continue  # self
        if kind is inspect.Parameter.VAR_KEYWORD:
            arguments.update(value)
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            if value:
                return None
        else:
            arguments[name] = value
    return arguments


def _shape_of(x):
    return tuple(x.shape) if hasattr(x, "shape") else x



class _SetBySuperInit:
    """Class-level stand-in for an attribute that ``Layer.__init__`` sets on the instance.

    The instance's own value hides it, so a normal layer never reaches it; a layer whose
    ``__init__`` forgot ``super().__init__()`` gets Keras's error instead of an AttributeError.
    """

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, layer, owner=None):
        if layer is None:
            return self
        raise RuntimeError(
            f"In layer '{type(layer).__name__}', you forgot to call `super().__init__()` as the first "
            "statement in the `__init__()` method. Go add it!"
        )


# On torch the last base is `torch.nn.Module` (cornu's own methods come first); elsewhere nothing.
_BACKEND_MODULE = getattr(backend.layer, "BackendModule", object)


@keras_export("keras.Layer", "keras.layers.Layer")
class Layer(backend.layer.BackendLayer, LayerState, LayerConfig, Operation, _BACKEND_MODULE):
    """Base class of all layers.

    Subclass it and implement ``build(input_shape)`` (create variables with
    ``add_weight``), ``call(inputs, ...)`` and, for saving, ``get_config()``.

    Example:
    >>> class Scale(cornu.layers.Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
    ...     def call(self, x):
    ...         return x * self.w
    >>> y = Scale()(np.ones((2, 3)))
    """

    # Read first by `__call__` (eager and symbolic) and `add_weight`.
    autocast = _SetBySuperInit()
    _dtype_policy = _SetBySuperInit()
    _call_has_training_arg = _SetBySuperInit()
    # The RematScope active when the layer was created (None: no rematerialization).
    _remat_mode = None

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        object.__setattr__(obj, "_init_args", _constructor_arguments(cls, obj, args, kwargs))
        return obj

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_cornu_wrapped", False):
            cls.build = _wrap_build(build)

    def __init__(self, *, activity_regularizer=None, trainable=True, dtype=None, autocast=True, name=None, **kwargs):
        unknown = [k for k in kwargs if k not in _LEGACY_KWARGS]
        if unknown:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {sorted(unknown)}. "
                f"Received: {', '.join(f'{k}={kwargs[k]!r}' for k in unknown)}"
            )
        super().__init__(name=name)
        remat_mode = get_current_remat_mode()
        if remat_mode is not None:
            object.__setattr__(self, "_remat_mode", remat_mode)
        from cornu import regularizers

        self._dtype_policy = dtype_policies.get(dtype)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        if not isinstance(trainable, bool):
            raise ValueError(
                f"Expected `trainable` to be a boolean. Received: trainable={trainable} (of type {type(trainable)})"
            )
        self._trainable = trainable
        self.autocast = autocast
        self.built = False
        self._build_shapes = None
        self._own_variables = []
        self._losses = []
        self._input_spec = None
        self._validated_input = None
        self.supports_jit = True
        self._input_shape_arg = None
        if "input_shape" in kwargs and kwargs["input_shape"] is not None:
            self._input_shape_arg = (kwargs.get("batch_size"),) + tuple(kwargs["input_shape"])
        elif "batch_input_shape" in kwargs and kwargs["batch_input_shape"] is not None:
            self._input_shape_arg = tuple(kwargs["batch_input_shape"])
        elif "input_dim" in kwargs and kwargs["input_dim"] is not None:
            self._input_shape_arg = (kwargs.get("batch_size"), kwargs["input_dim"])
        has_training, has_mask, training_default, _ = _call_signature_info(type(self).call)
        self._call_has_training_arg = has_training
        self._call_has_mask_arg = has_mask
        self._call_training_default = training_default
        if not hasattr(self, "supports_masking"):
            self.supports_masking = type(self).compute_mask is not Layer.compute_mask

    @property
    def input_spec(self):
        return self._input_spec

    @input_spec.setter
    def input_spec(self, value):
        self._input_spec = value
        self._validated_input = None

    # ----------------------------------------------------------------- dtype
    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        self._dtype_policy = dtype_policies.get(value)
        bump_structure_version()

    @property
    def dtype(self):
        """The dtype of the layer's variables (Keras: ``layer.dtype``)."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self):
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self._dtype_policy.variable_dtype

    @property
    def input_dtype(self):
        return self._dtype_policy.compute_dtype

    @property
    def path(self):
        return self.name

    # ----------------------------------------------------------------- call
    def build(self, input_shape=None):
        """Creates the layer's variables for inputs of ``input_shape``. Override it.

        When ``build`` returns (on the first call, or called directly) the layer's state is
        locked: a later ``add_weight`` or a new sub-layer attribute raises a ``ValueError``.
        """
        self.built = True
        if type(self).build is Layer.build:  # not reached through `super().build()`
            self._lock_state()

    def call(self, *args, **kwargs):
        raise NotImplementedError(f"Layer {type(self).__name__} does not implement `call()`.")

    @filter_traceback
    def __call__(self, *args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            return self._symbolic_call(*args, **kwargs)
        args = self._convert_inputs(args)
        if self.input_spec is not None and args:
            first = args[0]
            shape = getattr(first, "shape", None)
            # Inputs of a shape and dtype already validated need no second check.
            key = (tuple(shape), first.dtype) if shape is not None else None
            if key is None or key != self._validated_input:
                assert_input_compatibility(self.input_spec, first, self.name)
                self._validated_input = key
        if not self.built:
            self._maybe_build(args, kwargs)
        depth = _call_depth()
        if depth == 0 and LAYERS_WITH_LOSSES:
            self._clear_losses()
        previous_training = _call_training()
        training = kwargs.get("training") if self._call_has_training_arg else kwargs.pop("training", None)
        if training is None:
            training = previous_training if previous_training is not None else self._call_training_default
        if self._call_has_training_arg:
            kwargs["training"] = training
        if not self._call_has_mask_arg:
            kwargs.pop("mask", None)
        elif kwargs.get("mask") is None and args:
            first = args[0]
            if isinstance(first, (list, tuple)):
                masks = [backend.get_keras_mask(x) for x in first]
                mask = masks if any(m is not None for m in masks) else None
            else:
                mask = backend.get_keras_mask(first)
            if mask is not None:
                kwargs["mask"] = mask
        _CALL_CONTEXT.depth = depth + 1
        _CALL_CONTEXT.training = training
        try:
            call = self.call if self._remat_mode is None else self.rematerialized_call(self.call, *args, **kwargs)
            if self._sublayer_paths_open:
                outputs = self._first_call(call, args, kwargs)
            elif self._dtype_policy.is_mixed and self.autocast:
                with AutocastScope(self.compute_dtype):
                    outputs = call(*args, **kwargs)
            else:
                outputs = call(*args, **kwargs)
        finally:
            _CALL_CONTEXT.depth = depth
            _CALL_CONTEXT.training = previous_training
        if self.activity_regularizer is not None:
            for output in optree.tree_leaves(outputs):
                self.add_loss(self.activity_regularizer(output) / output.shape[0])
        if self.supports_masking and args:
            previous_mask = kwargs.get("mask") if self._call_has_mask_arg else backend.get_keras_mask(args[0])
            output_mask = self.compute_mask(args[0], previous_mask)
            if output_mask is not None:
                _attach_masks(outputs, output_mask)
        return outputs

    # Until one call has completed, sub-layers may still be built inside `call` (a subclassed
    # model's layers created in `__init__`): their variables take this layer's path, as in Keras
    # (`autoencoder/encoder/dense/kernel`). Later calls skip the name scope: nothing is built then.
    _sublayer_paths_open = True

    def _first_call(self, call, args, kwargs):
        with backend.name_scope(self.name, caller=self):
            if self._dtype_policy.is_mixed and self.autocast:
                with AutocastScope(self.compute_dtype):
                    outputs = call(*args, **kwargs)
            else:
                outputs = call(*args, **kwargs)
        self.__dict__["_sublayer_paths_open"] = False
        return outputs

    def _convert_inputs(self, args):
        convert = self._convert_one
        if len(args) == 1:
            return (convert(args[0]),)
        return tuple(convert(a) for a in args)

    def _convert_one(self, x):
        if isinstance(x, np.ndarray) and (x.dtype.kind in "US" or (x.dtype.kind == "O" and x.size
                                                                  and isinstance(x.flat[0], (str, bytes)))):
            return x  # strings stay NumPy: no backend holds them, only host-side text layers read them
        if backend.is_tensor(x):
            if self.autocast:
                dtype = backend.standardize_dtype(x.dtype)
                if dtype in _FLOAT_DTYPES and dtype != self.compute_dtype:
                    mask = backend.get_keras_mask(x)
                    x = backend.cast(x, self.compute_dtype)
                    if mask is not None:
                        backend.set_keras_mask(x, mask)
            return x
        if isinstance(x, (np.ndarray, np.generic)) or (hasattr(x, "__array__") and not isinstance(x, backend.Variable)
                                                     and not isinstance(x, (list, tuple, dict))):
            dtype = backend.standardize_dtype(np.asarray(x).dtype) if not isinstance(x, np.ndarray) else backend.standardize_dtype(x.dtype)
            if self.autocast and dtype in _FLOAT_DTYPES:
                dtype = self.compute_dtype
            return backend.convert_to_tensor(x, dtype=dtype)
        if isinstance(x, (list, tuple)) and x and not isinstance(x[0], (int, float, bool)):
            return type(x)(self._convert_one(v) for v in x)
        if isinstance(x, dict):
            return {k: self._convert_one(v) for k, v in x.items()}
        return x

    def _maybe_build(self, args, kwargs):
        if self.built:
            return
        if type(self).build is Layer.build:
            shapes = optree.tree_map(_shape_of, args[0], none_is_leaf=True) if args else None
            self.build(shapes)
            self._build_shapes = {"input_shape": shapes}
            return
        parameters = inspect.signature(self.build).parameters
        build_params = list(parameters)
        call_params = _call_signature_info(type(self).call)[3][1:]
        bound = dict(zip(call_params, args))
        bound.update((k, v) for k, v in kwargs.items() if v is not None)
        # `build(query_shape, value_shape, key_shape=None)`: shapes of the call arguments passed,
        # optional ones left to their default when the call did not pass them.
        required = [p for p in build_params if parameters[p].default is inspect.Parameter.empty]
        by_name = len(build_params) > 1 and all(p.endswith("_shape") for p in build_params) and all(
            p[:-6] in bound for p in required
        )
        if not by_name:
            first = args[0] if args else next(iter(kwargs.values()))
            self.build(optree.tree_map(_shape_of, first, none_is_leaf=True))
        else:
            self.build(**{p: optree.tree_map(_shape_of, bound[p[:-6]], none_is_leaf=True)
                          for p in build_params if p[:-6] in bound})

    def _symbolic_call(self, *args, **kwargs):
        if not self._call_has_training_arg:
            kwargs.pop("training", None)
        if not self._call_has_mask_arg:
            kwargs.pop("mask", None)
        if args and self.input_spec is not None:
            assert_input_compatibility(self.input_spec, args[0], self.name)
        if not self.built:
            self._maybe_build(args, kwargs)
        if self._call_has_mask_arg and kwargs.get("mask") is None and args:
            masks = [getattr(x, "_keras_mask", None) for x in optree.tree_leaves(args[0])]
            if any(m is not None for m in masks):
                kwargs["mask"] = masks[0] if len(masks) == 1 else optree.tree_map(
                    lambda x: getattr(x, "_keras_mask", None), args[0], none_is_leaf=True)
        if self._sublayer_paths_open:
            with backend.name_scope(self.name, caller=self):
                outputs = self.compute_output_spec(*args, **kwargs)
        else:
            outputs = self.compute_output_spec(*args, **kwargs)
        if self.supports_masking and args:
            previous = kwargs.get("mask") if self._call_has_mask_arg else getattr(args[0], "_keras_mask", None)
            if type(self).compute_mask is Layer.compute_mask:
                output_mask = previous
            else:
                output_mask = backend.compute_output_spec(self.compute_mask, args[0], previous)
            if isinstance(output_mask, KerasTensor):
                for output in optree.tree_leaves(outputs):
                    if isinstance(output, KerasTensor):
                        output._keras_mask = output_mask
            elif isinstance(output_mask, (list, tuple)) and isinstance(outputs, (list, tuple)) and len(
                output_mask
            ) == len(outputs):
                for output, mask in zip(outputs, output_mask):
                    if isinstance(output, KerasTensor) and isinstance(mask, KerasTensor):
                        output._keras_mask = mask
        node_kwargs = {k: v for k, v in kwargs.items() if k != "mask"}
        Node(self, args, node_kwargs, outputs)
        return outputs

    def rematerialized_call(self, layer_call, *args, **kwargs):
        """``layer_call`` wrapped for rematerialization as this layer's ``RematScope`` mode asks
        (see ``cornu.RematScope``); ``layer_call`` itself when no remat applies."""
        return rematerialized_call(self, layer_call, args, kwargs)

    def compute_output_spec(self, *args, **kwargs):
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            shapes = optree.tree_map(_shape_of, args[0], none_is_leaf=True) if args else None
            out_shape = self.compute_output_shape(shapes)
            dtype = self.compute_dtype
            return optree.tree_map(lambda s: KerasTensor(s, dtype=dtype), out_shape, is_leaf=is_shape, none_is_leaf=True)
        kwargs = dict(kwargs)
        if self._call_has_training_arg and kwargs.get("training") is None:
            kwargs["training"] = False
        return backend.compute_output_spec(self.call, *args, **kwargs)

    def compute_output_shape(self, *args, **kwargs):
        raise NotImplementedError(f"Layer {type(self).__name__} does not implement `compute_output_shape`.")

    def compute_mask(self, inputs, previous_mask):
        """The mask of the outputs (by default: the input mask passes through when masking is supported)."""
        return previous_mask if self.supports_masking else None

    def stateless_call(self, trainable_variables, non_trainable_variables, *args, return_losses=False, **kwargs):
        """Calls the layer with the given variable values, without changing any variable.

        Returns ``(outputs, non_trainable_values)`` (and the losses with ``return_losses=True``).

        Example:
        >>> outputs, non_trainable = layer.stateless_call(tv, ntv, x)
        """
        trainable = self.trainable_variables
        non_trainable = self.non_trainable_variables
        if len(trainable_variables) != len(trainable) or len(non_trainable_variables) != len(non_trainable):
            raise ValueError(
                f"stateless_call on '{self.name}' expects {len(trainable)} trainable and {len(non_trainable)} "
                f"non-trainable values. Received: {len(trainable_variables)} and {len(non_trainable_variables)}"
            )
        mapping = list(zip(trainable, trainable_variables)) + list(zip(non_trainable, non_trainable_variables))
        with backend.StatelessScope(state_mapping=mapping, collect_losses=return_losses) as scope:
            outputs = self(*args, **kwargs)
            losses = list(scope.losses) + (self._regularization_losses() if return_losses else [])
        new_non_trainable = [
            scope.get_current_value(v) if scope.get_current_value(v) is not None else value
            for v, value in zip(non_trainable, non_trainable_variables)
        ]
        if return_losses:
            return outputs, new_non_trainable, losses
        return outputs, new_non_trainable

    def _regularization_losses(self):
        out = []
        for layer in self._flatten_layers():
            for variable in layer._own_state():
                if variable.regularizer is not None and variable.trainable:
                    out.append(variable.regularizer(variable.value))
        return out

    # --------------------------------------------------------- graph access
    def _node_tensors(self, attr, index=0):
        if not self._inbound_nodes:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no defined {attr}.")
        node = self._inbound_nodes[index]
        if attr == "input":
            return node.call_args[0] if len(node.call_args) == 1 else list(node.call_args)
        return node.outputs

    @property
    def input(self):
        return self._node_tensors("input")

    @property
    def output(self):
        return self._node_tensors("output")

    def _obj_type(self):
        return "Layer"

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _attach_masks(outputs, mask):
    """Sets the Keras mask of each output: one mask per output when ``compute_mask`` returns a
    list matching a list of outputs (e.g. an RNN's sequence and states), else the same mask on all."""
    if isinstance(outputs, (list, tuple)) and isinstance(mask, (list, tuple)) and len(outputs) == len(mask):
        for output, output_mask in zip(outputs, mask):
            if output_mask is not None and not isinstance(output_mask, (list, tuple)):
                backend.set_keras_mask(output, output_mask)
        return
    for output in optree.tree_leaves(outputs):
        backend.set_keras_mask(output, mask)
