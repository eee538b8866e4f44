"""``clone_model``: the same architecture with new layers (and so new, freshly initialized
weights), optionally on other inputs, with other layers or other calls."""

import optree

from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.core.input_layer import Input, InputLayer
from cornu.layers.layer import Layer
from cornu.models.functional import Functional, functional_like_constructor
from cornu.models.sequential import Sequential
from cornu.serialization.registry import keras_export


@keras_export("keras.models.clone_model")
def clone_model(model, input_tensors=None, clone_function=None, call_function=None, recursive=False, **kwargs):
    """Clones a Sequential or Functional model: the same layer graph, every layer rebuilt from
    its config (so the clone's weights are new, not copies), compiled as the original was.

    Args:
        model: the model to clone. A subclassed model is rebuilt from its config (it must have
            ``get_config``), and takes none of the other arguments.
        input_tensors: symbolic tensors (the structure of ``model.input``) to build the clone on;
            by default new ``Input``s like the original's.
        clone_function: ``layer -> new layer``, called once per layer (shared layers stay
            shared); default ``layer.__class__.from_config(layer.get_config())``. Returning the
            layer itself shares it (and its weights) with the original.
        call_function: ``(layer, *args, **kwargs) -> outputs``, how each cloned layer is called
            in a Functional model (e.g. to wrap it); default ``layer(*args, **kwargs)``.
        recursive: also clone nested Sequential and Functional models layer by layer with the
            same functions (otherwise they go through ``clone_function`` as one layer).

    Example:
    >>> clone = cornu.models.clone_model(model)
    >>> clone.set_weights(model.get_weights())  # to copy the weights too
    """
    cache = kwargs.pop("cache", None)
    if kwargs:
        raise ValueError(f"Unexpected keyword argument(s): {tuple(kwargs)}")
    if clone_function is not None and not callable(clone_function):
        raise ValueError(f"`clone_function` must be a callable. Received: clone_function={clone_function!r}")
    if call_function is not None and not callable(call_function):
        raise ValueError(f"`call_function` must be a callable. Received: call_function={call_function!r}")
    if isinstance(model, Sequential):
        if call_function is not None:
            raise ValueError(
                "`call_function` is not supported for Sequential models: their layers are listed, "
                "not called, when the model is made. Use it with Functional models. "
                f"Received: model of type {type(model).__name__}, call_function={call_function!r}"
            )
        clone_layer = _caching_clone_function(clone_function, call_function, recursive, cache)
        return _clone_sequential(model, clone_layer, input_tensors)
    if isinstance(model, Functional) and (_has_graph_config(model) or clone_function or input_tensors is not None):
        clone_layer = _caching_clone_function(clone_function, call_function, recursive, cache)
        return _clone_functional(model, clone_layer, input_tensors, call_function)
    if clone_function is not None or input_tensors is not None or call_function is not None:
        raise ValueError(
            "`clone_function`, `call_function` and `input_tensors` are only supported for Sequential "
            f"and Functional models. Received: a model of type {type(model).__name__}"
        )
    from cornu.serialization.keras_objects import deserialize_keras_object, serialize_keras_object

    return deserialize_keras_object(serialize_keras_object(model), custom_objects={type(model).__name__: type(model)})


def _has_graph_config(model):
    """Functional's own ``get_config`` (a subclass's custom one may need its constructor)."""
    return type(model).get_config is Functional.get_config


def _default_clone(layer):
    return layer.__class__.from_config(layer.get_config())


def _caching_clone_function(clone_function, call_function, recursive, cache):
    """``clone_function`` called once per layer (a shared layer's clone is shared too), and
    nested models cloned layer by layer when ``recursive``."""
    clone_function = clone_function or _default_clone
    cache = {} if cache is None else cache

    def clone(layer):
        if id(layer) not in cache:
            if recursive and isinstance(layer, Sequential):
                cache[id(layer)] = clone_model(layer, clone_function=clone_function, recursive=True, cache=cache)
            elif recursive and isinstance(layer, Functional):
                cache[id(layer)] = clone_model(
                    layer, clone_function=clone_function, call_function=call_function, recursive=True, cache=cache
                )
            else:
                cache[id(layer)] = clone_function(layer)
        return cache[id(layer)]

    return clone


def _compiled_like(new_model, model):
    if model.compiled and model.get_compile_config() is not None:
        new_model.compile_from_config(model.get_compile_config())
    return new_model


def _clone_sequential(model, clone_layer, input_tensors):
    layers = [clone_layer(layer) for layer in model.layers]
    reference = model._input_layer
    if input_tensors is not None:
        if isinstance(input_tensors, (list, tuple)):
            if len(input_tensors) != 1:
                raise ValueError(
                    f"A Sequential model has one input: `input_tensors` must hold one tensor. "
                    f"Received: {len(input_tensors)} tensors"
                )
            input_tensors = input_tensors[0]
        if not isinstance(input_tensors, KerasTensor):
            raise ValueError(f"`input_tensors` must be a symbolic tensor (cornu.Input). Received: {input_tensors!r}")
        name = reference.name if reference is not None else None
        layers = [InputLayer(input_tensor=input_tensors, name=name)] + layers
    elif reference is not None:
        layers = [InputLayer(batch_shape=reference.batch_shape, dtype=reference.dtype, name=reference.name,
                             optional=reference.optional)] + layers
    return _compiled_like(Sequential(layers, name=model.name, trainable=model.trainable), model)


def _clone_functional(model, clone_layer, input_tensors, call_function):
    if input_tensors is None:
        input_tensors = optree.tree_map(
            lambda t: Input(batch_shape=t.shape, dtype=t.dtype, name=t.name),
            model._inputs_struct, is_leaf=lambda x: isinstance(x, KerasTensor), none_is_leaf=True,
        )
    else:
        flat = optree.tree_leaves(input_tensors, none_is_leaf=True)
        if not all(isinstance(t, KerasTensor) for t in flat):
            raise ValueError(f"Every entry of `input_tensors` must be a symbolic tensor. Received: {input_tensors!r}")
        if len(flat) != len(model._inputs):
            raise ValueError(
                f"`input_tensors` must have the structure of the model's inputs ({len(model._inputs)} "
                f"tensors). Received: {len(flat)} tensors"
            )
    new_inputs = optree.tree_leaves(input_tensors, none_is_leaf=True)
    values = {id(old): new for old, new in zip(model._inputs, new_inputs)}

    def lookup(x):
        return values[id(x)] if isinstance(x, KerasTensor) else x

    for node in model._nodes:
        if node.is_input:
            continue
        operation = node.operation
        args = optree.tree_map(lookup, node.call_args, none_is_leaf=True)
        kwargs = optree.tree_map(lookup, node.call_kwargs, none_is_leaf=True)
        if isinstance(operation, Layer):
            layer = clone_layer(operation)
            outputs = call_function(layer, *args, **kwargs) if call_function else layer(*args, **kwargs)
        else:  # an op called on symbolic tensors: stateless, called again as it is
            outputs = operation(*args, **kwargs)
        flat_outputs = optree.tree_leaves(outputs, none_is_leaf=True)
        for old, new in zip(node.output_tensors, flat_outputs):
            values[id(old)] = new
    outputs = optree.tree_map(lookup, model._outputs_struct, is_leaf=lambda x: isinstance(x, KerasTensor),
                              none_is_leaf=True)
    cls = type(model) if functional_like_constructor(type(model)) else Functional
    return _compiled_like(cls(input_tensors, outputs, name=model.name), model)
