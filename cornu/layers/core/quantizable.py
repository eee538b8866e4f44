"""``QuantizableLayer``: what Dense, EinsumDense and Embedding share for ``layer.quantize("int8")``.

A layer quantizes in place: its float weight is replaced by an int8 variable plus a
float scale variable (both non-trainable, as in Keras), and its dtype policy becomes
``"int8_from_<previous policy>"``. A layer built from a quantized policy (a loaded
``.keras`` file) creates the int8 variables directly. Saved variables follow Keras's
order for each mode (``variable_serialization_spec``), so files move both ways.

A subclass provides ``_int8_build(shape, config)``, ``_quantize_int8(config)``,
``_int8_call(...)``, ``_float_weight_name`` and ``_int8_variable_names``.
"""

import contextlib

from cornu import backend, dtype_policies
from cornu.backend.common.global_state import bump_structure_version
from cornu.dtype_policies.quantized_dtype_policy import QuantizedDTypePolicy, check_quantization_mode
from cornu.quantizers.quantization_config import validate_and_resolve_config
from cornu.serialization.keras_objects import deserialize_keras_object


class QuantizableLayer:
    """Mixin placed before ``Layer`` in a quantizable layer's bases.

    Example:
    >>> layer = cornu.layers.Dense(4)
    >>> layer.build((None, 8))
    >>> layer.quantize("int8")
    >>> layer.kernel.dtype, layer.dtype_policy.name
    ('int8', 'int8_from_float32')
    """

    _is_quantized = False
    # The attribute names of the saved variables in Keras's order, per mode (None: not quantized).
    _float_variable_names = ()
    _int8_variable_names = ()

    @property
    def quantization_mode(self):
        """The quantization mode of this layer ("int8"), None when it is not quantized."""
        return self.dtype_policy.quantization_mode

    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        policy = dtype_policies.get(value)
        self._dtype_policy = policy
        bump_structure_version()
        # As in Keras: giving a built float layer a quantized policy quantizes it.
        if policy.quantization_mode is not None and self.built and not self._is_quantized:
            self.quantize(policy.quantization_mode)

    @property
    def variable_serialization_spec(self):
        """The attribute names of the saved variables, in file order, for each quantization mode."""
        return {None: list(self._float_variable_names), "int8": list(self._int8_variable_names)}

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantizes this built layer's weights in place (``mode="int8"``; or a ``config``).

        Example:
        >>> layer.quantize("int8")
        """
        if type_check and type(self) is not _quantizable_owner(type(self)):
            raise NotImplementedError(f"Layer {type(self).__name__} does not have a `quantize` method implemented.")
        config = validate_and_resolve_config(mode, config)
        self._check_quantize_args(config.mode)
        if getattr(self, "lora_enabled", False):
            raise NotImplementedError(
                f"Quantizing layer '{self.name}' while LoRA is enabled is not implemented in cornu yet; see the "
                "README's list of missing features. Save and reload the model (which merges the LoRA weights into "
                "the layer's weights), then quantize."
            )
        with self._state_unlocked(), _parent_name_scopes(self):
            self._quantize_int8(config)
            self._is_quantized = True
        self.quantization_config = config
        if self.dtype_policy.quantization_mode is None:
            self._dtype_policy = QuantizedDTypePolicy(config.mode, self.dtype_policy.name)
        bump_structure_version()

    def _check_quantize_args(self, mode):
        if not self.built:
            raise ValueError(
                f"Cannot quantize a layer that isn't yet built. Layer '{self.name}' (of type "
                f"'{type(self).__name__}') is not built yet."
            )
        if self._is_quantized:
            raise ValueError(
                f"Layer '{self.name}' is already quantized with dtype_policy='{self.dtype_policy.name}'. "
                f"Received: mode={mode}"
            )
        if mode == "int8" and self.compute_dtype == "float16":
            raise ValueError(
                f"Quantization mode='{mode}' doesn't work well with compute_dtype='float16'. Consider loading "
                "model/layer with another dtype policy such as 'mixed_bfloat16' or 'mixed_float16' before "
                "calling `quantize()`."
            )

    def quantized_build(self, kernel_shape, mode, config=None):
        """Creates the quantized variables instead of the float weight (a layer built from a quantized policy)."""
        check_quantization_mode(mode)
        self._int8_build(kernel_shape, config)
        self._is_quantized = True

    def quantized_call(self, *args, **kwargs):
        """The layer's call in its quantization mode (``call`` dispatches here once quantized)."""
        check_quantization_mode(self.quantization_mode)
        return self._int8_call(*args, **kwargs)

    def _saved_variable_names(self):
        names = self.variable_serialization_spec[self.quantization_mode if self._is_quantized else None]
        return [name for name in names if getattr(self, name, None) is not None]

    def save_own_variables(self, store):
        if not self._is_quantized:
            return super().save_own_variables(store)
        if not self.built:
            return
        for index, name in enumerate(self._saved_variable_names()):
            store[str(index)] = getattr(self, name).numpy()

    def load_own_variables(self, store):
        if not self._is_quantized:
            return super().load_own_variables(store)
        if not self.built:
            return
        names = self._saved_variable_names()
        if len(store) != len(names):
            raise ValueError(
                f"Layer '{self.name}' expected {len(names)} variables ({', '.join(names)}, quantization mode "
                f"'{self.quantization_mode}'), but received {len(store)} variables during loading."
            )
        for index, name in enumerate(names):
            getattr(self, name).assign(store[str(index)])

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("quantization_config"), dict):
            config["quantization_config"] = deserialize_keras_object(config["quantization_config"])
        return super().from_config(config)


def _quantizable_owner(cls):
    """The layer class that mixes in a quantization mixin (Dense): its subclasses need ``type_check=False``,
    since a subclass may give the weights another meaning, as Keras requires."""
    for klass in cls.__mro__:
        if any(base.__dict__.get("_int8_mixin", False) for base in klass.__bases__):
            return klass
    return None


@contextlib.contextmanager
def _parent_name_scopes(layer):
    """Re-enters the name scopes the layer was built in, so new variables get paths like the old ones
    ("sequential/dense/kernel_scale"), as in Keras."""
    parents = []
    for variable in layer.weights:
        suffix = f"{layer.name}/{variable.name}"
        if variable.path.endswith("/" + suffix):
            parents = variable.path[: -len(suffix) - 1].split("/")
            break
    with contextlib.ExitStack() as stack:
        for name in parents:
            stack.enter_context(backend.name_scope(name))
        yield
