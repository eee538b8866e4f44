"""``Model``: a Layer with training (compile/fit/evaluate/predict) and saving.

``Model(inputs, outputs)`` returns a Functional model; subclassing ``Model``
gives a model whose layers are found through its attributes.
"""

from cornu import backend
from cornu.backend.common.traceback_filter import filter_traceback
from cornu.backend.common.load_budget import LoadBudgetExceeded
from cornu.layers.layer import Layer, _call_depth
from cornu.serialization.registry import keras_export
from cornu.trainers.trainer import Trainer


@keras_export("keras.Model", "keras.models.Model")
class Model(Trainer, Layer):
    """Groups layers into an object with training and inference features.

    Example:
    >>> inputs = cornu.Input(shape=(3,))
    >>> outputs = cornu.layers.Dense(1)(inputs)
    >>> model = cornu.Model(inputs=inputs, outputs=outputs)
    >>> model.compile(optimizer="adam", loss="mse")
    """

    # Functional and Sequential set this to their own ``call``: repeated eager calls of a model
    # whose ``call`` is that one are compiled (see ``_compiled_eager_call``); a subclass that
    # overrides ``call`` stays eager.
    _compilable_call = None

    def __new__(cls, *args, **kwargs):
        if cls is Model and (len(args) >= 2 or "inputs" in kwargs or (args and "outputs" in kwargs)):
            from cornu.models.functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if args or "inputs" in kwargs or "outputs" in kwargs:
            if type(self) is Model:
                raise TypeError("Model(inputs, outputs) must be built through cornu.Model.")
            # A subclass handing a graph to `super().__init__(inputs, outputs)`: as in Keras, its
            # class becomes a Functional subclass (its own methods still come first).
            from cornu.models.functional import Functional, make_functional_subclass

            make_functional_subclass(type(self))
            Functional.__init__(self, *args, **kwargs)
            return
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        Layer.__init__(self, trainable=trainable, name=name, dtype=dtype, **kwargs)
        Trainer.__init__(self)

    @filter_traceback
    def __call__(self, *args, **kwargs):
        """Calls the model on inputs, as ``Layer.__call__``.

        On JAX and TensorFlow, repeated top-level calls of a built Functional or Sequential model are compiled:
        for each input signature (structure, shapes, dtypes, ``training``) the first two calls run
        eagerly, the third is traced into one ``jax.jit`` function (a ``tf.function`` on TensorFlow),
        and later calls reuse it. Outputs
        and updated variables are the eager call's; Python side effects in ``call`` run only while
        tracing. ``compile(run_eagerly=True)`` (or ``model.run_eagerly = True``) keeps every call
        eager, as Keras runs them.

        Example:
        >>> model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(2)])
        >>> model(np.ones((1, 3))).shape
        (1, 2)
        """
        if type(self).call is type(self)._compilable_call and len(args) == 1 and self.built and _call_depth() == 0:
            if not kwargs or (len(kwargs) == 1 and "training" in kwargs):
                outputs = self._compiled_eager_call(args[0], kwargs.get("training"))
                if outputs is not backend.compiled_call.NOT_HANDLED:
                    return outputs
        return Layer.__call__(self, *args, **kwargs)

    def _compiled_eager_call(self, inputs, training):
        """On JAX, a repeated top-level ``model(x)`` runs as one compiled function (the same
        numbers as the eager call, a fraction of its Python cost); ``run_eagerly=True`` or
        ``jit_compile=False`` keeps every call eager (on TensorFlow it only turns XLA off: the call
        is still traced into a ``tf.function``, as training steps are)."""
        if self.run_eagerly or not isinstance(training, (bool, type(None))):
            return backend.compiled_call.NOT_HANDLED
        if not self.jit_compile and not backend.compiled_call.TRACES_WITHOUT_JIT:
            return backend.compiled_call.NOT_HANDLED
        compiled = self.__dict__.get("_compiled_call", False)
        if compiled is False:
            compiled = backend.compiled_call.make_compiled_call(self, self._eager_call)
            self._compiled_call = compiled
        if compiled is None:
            return backend.compiled_call.NOT_HANDLED
        return compiled(inputs, training)

    def _eager_call(self, inputs, training):
        if training is None:
            return Layer.__call__(self, inputs)
        return Layer.__call__(self, inputs, training=training)

    @property
    def layers(self):
        """The model's direct sub-layers."""
        return [layer for layer in self._layers]

    def get_layer(self, name=None, index=None):
        """Returns a layer by ``name`` or by ``index`` in ``model.layers``."""
        if index is not None and name is not None:
            raise ValueError(f"Provide only a layer name or a layer index. Received: index={index}, name={name}.")
        if index is not None:
            layers = self.layers
            if len(layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has {len(layers)} layers."
                )
            return layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}."
            )
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def quantize(self, mode=None, config=None, filters=None, **kwargs):
        """Quantizes the weights of the model's layers in place (``mode="int8"``, or a ``config``).

        Dense, EinsumDense and Embedding layers get int8 weights with float scales; ``filters``
        (a regex on layer names, a list of them, or a callable) picks the layers. Build the model
        first. int4, float8, GPTQ and AWQ are not in cornu yet.

        Example:
        >>> model = cornu.Sequential([cornu.Input((10,)), cornu.layers.Dense(10)])
        >>> model.quantize("int8")
        """
        from cornu.quantizers.model_quantization import quantize_model

        quantize_model(self, mode, config=config, filters=filters, **kwargs)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None):
        """Prints a table of the model's layers, output shapes and parameter counts."""
        from cornu.utils.summary import print_summary

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable, layer_range=layer_range)

    def get_state_tree(self, value_format="backend_tensor"):
        """Every variable as Keras's nested state tree (trainable, non-trainable, optimizer and
        metrics variables, each nested by variable path); ``value_format`` is "backend_tensor" or
        "numpy_array".

        Example:
        >>> model.get_state_tree("numpy_array")["trainable_variables"]["sequential"]["dense"]["kernel"]
        """
        from cornu.models.state_tree import get_state_tree

        return get_state_tree(self, value_format)

    def set_state_tree(self, state_tree):
        """Assigns the values of a state tree (as ``get_state_tree`` returns) to the variables.

        Example:
        >>> model.set_state_tree(other_model.get_state_tree())
        """
        from cornu.models.state_tree import set_state_tree

        set_state_tree(self, state_tree)

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Saves the model (config, weights, optimizer state) to a ``.keras`` file."""
        from cornu.saving.saving_api import save_model

        return save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Saves the weights to a ``.weights.h5`` file."""
        from cornu.saving.saving_api import save_weights

        return save_weights(self, filepath, overwrite=overwrite, max_shard_size=max_shard_size)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Loads weights from a ``.weights.h5`` or ``.keras`` file."""
        from cornu.saving.saving_api import load_weights

        return load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def __reduce__(self):
        """``pickle``/``copy.deepcopy`` support: the model travels as its `.keras` archive."""
        from cornu.saving import pickling

        return pickling.model_from_bytes, (pickling.model_to_bytes(self),)

    def export(self, filepath, format="tf_saved_model", verbose=None, input_signature=None, **kwargs):
        """Exports the model for inference: ``format="onnx"``, ``"litert"`` or ``"tfjs"`` (see
        ``cornu/export/``); ``"tf_saved_model"`` (Keras's default) needs the TensorFlow backend.

        The batch axis and every ``None`` axis of ``input_signature`` (default: the model's own
        inputs) stay dynamic. The file is written atomically.

        Example:
        >>> model.export("model.onnx", format="onnx")
        """
        from cornu.export.export_model import export_model

        export_model(self, filepath, format=format, verbose=verbose, input_signature=input_signature, **kwargs)

    def to_json(self, **kwargs):
        """The model's config as a JSON string (``model_from_json`` rebuilds it)."""
        import json

        from cornu.serialization.keras_objects import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuilds a model: a graph config through ``cls(inputs, outputs)`` when ``cls`` takes
        those (``Model``, Functional and subclasses with Functional's constructor), anything else
        through ``cls(**config)``."""
        from cornu.models.functional import Functional, functional_like_constructor

        is_graph = all(k in config for k in ("layers", "input_layers", "output_layers"))
        if is_graph and (cls is Model or functional_like_constructor(cls)):
            from cornu.models.functional_config import functional_from_config

            return functional_from_config(Functional if cls is Model else cls, config, custom_objects=custom_objects)
        return super().from_config(config)

    def build_from_config(self, config):
        if not config or self.built:
            return
        if type(self).build is not Model.build and type(self).build is not Layer.build:
            return super().build_from_config(config)
        import optree

        from cornu.backend.common.keras_tensor import KerasTensor
        from cornu.layers.layer import _tuplify

        shape = _tuplify(config.get("input_shape"))
        is_shape = lambda s: isinstance(s, tuple) and all(d is None or isinstance(d, int) for d in s)  # noqa: E731
        inputs = optree.tree_map(lambda s: KerasTensor(s), shape, is_leaf=is_shape, none_is_leaf=True)
        try:
            self(inputs)
        except LoadBudgetExceeded:
            raise
        except Exception as e:
            import warnings

            warnings.warn(f"Model '{self.name}' could not be built from its build config: {e}")
        self.built = True
