"""``JaxLayer``: a pure JAX model (a ``call_fn`` and its parameters) used as a cornu layer.

JAX backend only. The model's trainable ``params`` and non-trainable ``state``
(any pytrees of arrays) become the layer's variables, kept in the same pytree
structure; ``call_fn`` receives their current values on each call, so the
compiled train step differentiates through it like any other layer. A
``call_fn`` with a ``state`` argument returns ``(outputs, new_state)`` and the
layer assigns the new state. An ``rng`` argument gets a fresh key from the
layer's ``SeedGenerator`` in training (``None`` in inference), threaded through
compiled steps like every cornu random layer's seed.
"""

import inspect

import numpy as np
import optree

from cornu import backend
from cornu.layers.interop import native
from cornu.layers.interop.backend_requirement import require_backend
from cornu.layers.layer import Layer
from cornu.random.seed_generator import SeedGenerator, draw_seed
from cornu.serialization.registry import keras_export
from cornu.tree import is_shape

_CALL_FN_ARGUMENTS = ("params", "state", "rng", "inputs", "training")
_INIT_FN_ARGUMENTS = ("rng", "inputs", "training")


def _argument_names(fn, fn_name, allowed, required):
    """The names of ``fn``'s parameters, in order; each must be one of ``allowed``."""
    parameters = inspect.signature(fn).parameters
    missing = [name for name in required if name not in parameters]
    if missing:
        raise ValueError(
            f"`{fn_name}` must take an argument named `{missing[0]}`. Its arguments are matched by name: "
            f"{', '.join(f'`{a}`' for a in allowed)}. Received: {fn_name} with arguments {list(parameters)}"
        )
    for name in parameters:
        if name not in allowed:
            raise ValueError(
                f"Unsupported argument in `{fn_name}`: `{name}`. Its arguments are matched by name and may only be "
                f"{', '.join(f'`{a}`' for a in allowed)}; wrap the function to adapt other signatures. "
                f"Received: {fn_name} with arguments {list(parameters)}"
            )
    return list(parameters)


def _is_array_like(value):
    jax = native.jax()
    return backend.is_tensor(value) or isinstance(value, (np.ndarray, np.generic, jax.Array))


@keras_export("keras.layers.JaxLayer")
class JaxLayer(Layer):
    """Wraps a JAX model given as functions: ``call_fn`` (and ``init_fn``) plus its parameters.

    Works only with the JAX backend. ``call_fn``'s arguments are matched by name and
    may be any of ``params`` (trainable parameters), ``state`` (non-trainable state),
    ``rng`` (a key, or ``None`` in inference), ``inputs`` (required: one array or pytree)
    and ``training``. With a ``state`` argument it returns ``(outputs, new_state)``.
    ``init_fn(rng, inputs[, training])`` returns the initial ``params`` (and ``state``)
    and runs when the layer is built, on ones shaped like the input.

    Args:
        call_fn: the model's forward function.
        init_fn: the function creating the initial params/state; needed unless ``params``
            or ``state`` is given.
        params: initial trainable parameters (a pytree of arrays).
        state: initial non-trainable state (a pytree of arrays).
        seed: seed of the random keys passed as ``rng``.
        native_serialization_platforms: kept for Keras compatibility (Keras uses it only on
            TensorFlow through ``jax2tf``; cornu runs JAX models on JAX).

    Example:
    >>> def init_fn(rng, inputs):
    ...     return {"w": jax.random.normal(rng, (inputs.shape[-1], 2))}
    >>> def call_fn(params, inputs):
    ...     return inputs @ params["w"]
    >>> layer = cornu.layers.JaxLayer(call_fn, init_fn)
    >>> layer(np.ones((4, 3))).shape
    (4, 2)
    """

    # Structures of variables handed to `call_fn`; the flat `tracked_*` lists track them.
    _untracked_attrs = ("params", "state")

    def __init__(self, call_fn, init_fn=None, params=None, state=None, seed=None,
                 native_serialization_platforms=None, **kwargs):
        require_backend(type(self).__name__, ("jax",))
        super().__init__(**kwargs)
        if not callable(call_fn):
            raise ValueError(f"`call_fn` must be callable. Received: call_fn={call_fn!r}")
        self.call_fn = call_fn
        self.init_fn = init_fn
        self.call_fn_arguments = _argument_names(call_fn, "call_fn", _CALL_FN_ARGUMENTS, ("inputs",))
        self.call_fn_has_params = "params" in self.call_fn_arguments
        self.call_fn_has_state = "state" in self.call_fn_arguments
        if init_fn is None and params is None and state is None and (
                self.call_fn_has_params or self.call_fn_has_state):
            raise ValueError(
                "`init_fn`, `params` and `state` cannot all be `None` when `call_fn` takes a `params` or a `state` "
                "argument: pass the initial values, or an `init_fn` that creates them. "
                f"Received: call_fn with arguments {self.call_fn_arguments}"
            )
        if init_fn is not None:
            self.init_fn_arguments = _argument_names(init_fn, "init_fn", _INIT_FN_ARGUMENTS, ("inputs",))
        self.tracked_params = self._create_variables(params, trainable=True)
        self.tracked_state = self._create_variables(state, trainable=False)
        self.seed_generator = SeedGenerator(seed) if "rng" in self.call_fn_arguments else None
        self.jax2tf_native_serialization_platforms = native_serialization_platforms
        if params is not None or state is not None:
            self.built = True

    # ------------------------------------------------------------ variables
    def _create_variables(self, values, trainable):
        """Turns each array leaf of ``values`` into a variable (float ones in the layer's variable
        dtype); other leaves are configuration and stay as they are. Sets ``self.params`` or
        ``self.state`` to the structure and returns its variables in pytree order."""
        jax = native.jax()

        def to_variable(value):
            if _is_array_like(value):
                dtype = backend.standardize_dtype(value.dtype)
            elif isinstance(value, (bool, int, float)):
                dtype = backend.standardize_dtype(type(value))
                value = np.asarray(value, dtype=dtype)
            else:
                return value
            if backend.is_float_dtype(dtype):
                dtype = self.variable_dtype
            with backend.name_scope(self.name, caller=self):
                return backend.Variable(initializer=backend.convert_to_tensor(value, dtype=dtype), dtype=dtype,
                                        trainable=trainable, name="variable")

        with jax.ensure_compile_time_eval():  # concrete values even when built while a shape is traced
            variables = jax.tree_util.tree_map(to_variable, values)
        if trainable:
            self.params = variables
        else:
            self.state = variables
        return [v for v in jax.tree_util.tree_leaves(variables) if isinstance(v, backend.Variable)]

    # ------------------------------------------------------------ random keys
    def _get_init_seed(self):
        """One new seed (a ``uint32[2]`` key) for ``init_fn``."""
        return draw_seed(None)

    def _get_init_rng(self):
        """The ``rng`` passed to ``init_fn``; override to pass a structure of keys."""
        return self._get_init_seed()

    def _get_call_seed(self):
        """One new seed from the layer's ``SeedGenerator`` for ``call_fn``."""
        return self.seed_generator.next()

    def _get_call_rng(self, training):
        """The ``rng`` passed to ``call_fn``: a key in training, ``None`` in inference."""
        return self._get_call_seed() if training else None

    # ------------------------------------------------------------ build/call
    def build(self, input_shape):
        if self.params is None and self.state is None and (self.call_fn_has_params or self.call_fn_has_state):
            self._initialize_weights(input_shape)

    def _initialize_weights(self, input_shape):
        jax = native.jax()

        def ones(shape):
            return jax.numpy.ones([1 if d is None else d for d in shape])

        # A subclassed model's layers are built while its output shape is traced: the initial values
        # depend only on the shape and a seed, so compute them concretely even there.
        with jax.ensure_compile_time_eval():
            example = optree.tree_map(ones, input_shape, is_leaf=is_shape, none_is_leaf=False)
            arguments = {"rng": self._get_init_rng, "inputs": lambda: example, "training": lambda: True}
            result = self.init_fn(*(arguments[name]() for name in self.init_fn_arguments))
        if any(isinstance(x, jax.core.Tracer) for x in jax.tree_util.tree_leaves(result)):
            raise ValueError(
                f"JaxLayer '{self.name}' cannot be built inside a compiled function (its `init_fn` returned traced "
                "values): build the layer, or call it once, outside of `jax.jit` first."
            )
        if self.call_fn_has_state:
            if not (isinstance(result, (tuple, list)) and len(result) == 2):
                raise ValueError(
                    "`init_fn` must return `(params, state)` when `call_fn` takes a `state` argument. "
                    f"Received: a {type(result).__name__}"
                )
            params, state = result
        else:
            params, state = result, None
        self.tracked_params = self._create_variables(params, trainable=True)
        self.tracked_state = self._create_variables(state, trainable=False)

    def call(self, inputs, training=False):
        jax = native.jax()

        def current(value):
            return value.value if isinstance(value, backend.Variable) else value

        arguments = {
            "params": lambda: jax.tree_util.tree_map(current, self.params),
            "state": lambda: jax.tree_util.tree_map(current, self.state),
            "rng": lambda: self._get_call_rng(training),
            "inputs": lambda: inputs,
            "training": lambda: training,
        }
        result = self.call_fn(*(arguments[name]() for name in self.call_fn_arguments))
        if not self.call_fn_has_state:
            return result
        outputs, new_state = result
        self._assign_state(new_state)
        return outputs

    def _assign_state(self, new_state):
        jax = native.jax()

        def assign(variable, value):
            if isinstance(variable, backend.Variable):
                variable.assign(value)

        try:
            jax.tree_util.tree_map(assign, self.state, new_state)
        except ValueError as error:
            raise ValueError(
                f"JaxLayer '{self.name}': the state returned by `call_fn` does not have the structure of the "
                f"state it was given. Return `(outputs, new_state)` with `new_state` shaped like `state`. {error}"
            ) from error

    # ------------------------------------------------------------ config
    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        config = {
            "call_fn": serialize_keras_object(self.call_fn),
            "init_fn": serialize_keras_object(self.init_fn),
            "native_serialization_platforms": self.jax2tf_native_serialization_platforms,
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.serialization.keras_objects import deserialize_keras_object

        config = dict(config)
        for key in ("call_fn", "init_fn"):
            config[key] = deserialize_keras_object(config.get(key), custom_objects=custom_objects)
        return super().from_config(config)
