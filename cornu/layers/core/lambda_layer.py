"""``Lambda``: wraps a Python function as a layer.

A lambda (or a function defined inside another function) cannot be found by
name when a model is loaded, so its config holds its bytecode in Keras's
``{"class_name": "__lambda__", "config": {"code", "defaults", "closure"}}``
form. Loading bytecode runs arbitrary code: ``from_config`` refuses it unless
the loading call passed ``safe_mode=False``.
"""

import base64
import inspect
import marshal
import types

import optree

from cornu.backend.common.keras_tensor import KerasTensor
from cornu.layers.layer import Layer
from cornu.serialization.registry import is_registered, keras_export
from cornu.tree import is_shape


def _needs_bytecode(fn):
    if not isinstance(fn, types.FunctionType) or is_registered(fn):
        return False
    return fn.__name__ == "<lambda>" or "<locals>" in fn.__qualname__


def _dump_function(fn):
    # Same layout as Keras (base64 with a line break every 76 characters), so configs match byte for byte.
    code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
    closure = tuple(cell.cell_contents for cell in fn.__closure__) if fn.__closure__ else None
    return {"class_name": "__lambda__", "config": {"code": code, "defaults": fn.__defaults__, "closure": closure}}


def _is_bytecode_config(value):
    return isinstance(value, dict) and value.get("class_name") == "__lambda__"


def _load_function(value):
    from cornu.serialization.lambda_bytecode import deserialize_function

    inner = value["config"]
    if "value" in inner:  # the generic `serialize_keras_object` form of a lambda
        return deserialize_function(inner["value"])
    return deserialize_function([inner["code"], inner.get("defaults"), inner.get("closure")])


def _function_params(fn):
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()


def _tuplify_shapes(value):
    """Lists of dims (as JSON gives them back) become shape tuples, inside any structure."""
    if isinstance(value, (list, tuple)):
        if all(d is None or isinstance(d, int) for d in value):
            return tuple(value)
        return type(value)(_tuplify_shapes(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuplify_shapes(v) for k, v in value.items()}
    return value


@keras_export("keras.layers.Lambda")
class Lambda(Layer):
    """Turns a function of tensors into a layer.

    Args:
        function: called as ``function(inputs, **arguments)`` (also with ``mask=`` and
            ``training=`` when it accepts them).
        output_shape: the output shape without the batch axis (a tuple, or a
            structure of tuples), or a function ``input_shape -> output_shape``
            (with the batch axis). Inferred from the function when omitted.
        mask: ``None`` (no output mask), a function ``(inputs, mask) -> mask``, or a
            fixed mask tensor.
        arguments: extra keyword arguments for ``function``.

    Prefer a ``Layer`` subclass for anything you need to save: a lambda's
    config holds Python bytecode, which only loads with ``safe_mode=False`` and
    on the same Python version.

    Example:
    >>> square = cornu.layers.Lambda(lambda x: x ** 2)
    >>> square(np.array([[1.0, 2.0]]))  # [[1., 4.]]
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(
                f"`function` must be callable: it computes the layer's outputs from its inputs. "
                f"Received: function={function!r}"
            )
        if arguments is not None and not isinstance(arguments, dict):
            raise ValueError(
                "`arguments` must be a dict of keyword arguments for `function`. "
                f"Received: arguments={arguments!r}"
            )
        if output_shape is not None and not callable(output_shape):
            output_shape = _tuplify_shapes(output_shape)
        self.function = function
        self.arguments = arguments or {}
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = output_shape
        params = _function_params(function)
        self._fn_expects_training_arg = "training" in params
        self._fn_expects_mask_arg = "mask" in params

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            specs = optree.tree_map(lambda s: KerasTensor(tuple(s), dtype=self.compute_dtype), input_shape,
                                    is_leaf=is_shape, none_is_leaf=False)
            try:
                outputs = self._infer_output_spec(specs)
            except Exception as e:
                raise NotImplementedError(
                    "Could not infer the shape of the Lambda layer's output automatically. Pass the "
                    f"`output_shape` argument to the Lambda layer '{self.name}'. Inference failed with: {e}"
                ) from e
            return optree.tree_map(lambda x: tuple(x.shape), outputs)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch_size = optree.tree_leaves(input_shape, is_leaf=is_shape)[0]
        batch_size = batch_size[0] if isinstance(batch_size, (tuple, list)) and batch_size else None
        return optree.tree_map(lambda s: (batch_size,) + tuple(s), self._output_shape, is_leaf=is_shape)

    def compute_output_spec(self, *args, **kwargs):
        if self._output_shape is None:
            # Run the function abstractly: this gives the true output dtype too
            # (Keras reports the compute dtype even when the function returns integers).
            return self._infer_output_spec(*args, **kwargs)
        return super().compute_output_spec(*args, **kwargs)

    def _infer_output_spec(self, *args, **kwargs):
        from cornu import backend

        kwargs = dict(kwargs)
        if kwargs.get("training") is None:
            kwargs["training"] = False
        return backend.compute_output_spec(self.call, *args, **kwargs)

    # --------------------------------------------------------- serialization
    def _serialize_function(self, fn):
        from cornu.serialization.keras_objects import serialize_keras_object

        if _needs_bytecode(fn):
            return _dump_function(fn)
        if callable(fn):
            return serialize_keras_object(fn)
        raise ValueError(f"Invalid input type for serialization. Received: {fn!r} of type {type(fn)}.")

    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        config = {"function": self._serialize_function(self.function)}
        if self._output_shape is not None:
            if callable(self._output_shape):
                config["output_shape"] = self._serialize_function(self._output_shape)
            else:
                config["output_shape"] = self._output_shape
        if self.mask is not None:
            config["mask"] = self._serialize_function(self.mask) if callable(self.mask) else serialize_keras_object(
                self.mask)
        config["arguments"] = serialize_keras_object(self.arguments)
        return {**super().get_config(), **config}

    @staticmethod
    def _refuse_bytecode(safe_mode, field):
        if safe_mode:
            raise ValueError(
                f"Requested the deserialization of a `Lambda` layer whose `{field}` is Python bytecode (a lambda "
                "or a locally defined function). Loading it would run arbitrary code, so it is disallowed by "
                "default. If you trust the source of this file, pass `safe_mode=False` to the loading function "
                "(e.g. `cornu.saving.load_model(path, safe_mode=False)` or "
                "`Lambda.from_config(config, safe_mode=False)`), or call "
                "`cornu.config.enable_unsafe_deserialization()`."
            )

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Rebuilds the layer; bytecode functions load only when safe mode is off.

        Example:
        >>> layer = cornu.layers.Lambda.from_config(config, safe_mode=False)
        """
        from cornu.serialization.keras_objects import deserialize_keras_object, in_safe_mode

        safe_mode = (in_safe_mode() if safe_mode is None else safe_mode) is not False
        config = dict(config)

        def load(field):
            value = config[field]
            if _is_bytecode_config(value):
                cls._refuse_bytecode(safe_mode, field)
                return _load_function(value)
            return deserialize_keras_object(value, custom_objects=custom_objects, safe_mode=safe_mode)

        config["function"] = load("function")
        if "output_shape" in config:
            output_shape = load("output_shape")
            config["output_shape"] = output_shape if callable(output_shape) else _tuplify_shapes(output_shape)
        if "mask" in config:
            config["mask"] = load("mask")
        if "arguments" in config:
            config["arguments"] = deserialize_keras_object(config["arguments"], custom_objects=custom_objects,
                                                           safe_mode=safe_mode)
        return super().from_config(config)
