"""``TFSMLayer``: a TensorFlow SavedModel (from ``model.export`` or ``ExportArchive``) as a layer.

TensorFlow backend only (as in Keras; on other backends the class exists and its constructor
says what to do). The SavedModel's function named ``call_endpoint`` becomes the layer's ``call``;
the variables it reads become the layer's weights: the same ``tf.Variable`` objects, not copies,
so training the layer trains what the function computes with, and ``save_weights`` /
``load_weights`` see them.

Loading safety: a SavedModel is a graph of arbitrary TensorFlow operations from another file. A
``TFSMLayer`` in a saved config is therefore never built from its name alone: the class is not in
cornu's name registry, so ``load_model`` refuses it in safe and unsafe mode alike; a user who
trusts the files passes ``custom_objects={"TFSMLayer": cornu.layers.TFSMLayer}`` and
``safe_mode=False`` (Keras needs only the latter).
"""

import os

from cornu import backend
from cornu.layers.layer import Layer


class TFSMLayer(Layer):
    """Reloads a TensorFlow SavedModel as a layer whose ``call`` is one of its endpoints.

    Args:
        filepath: the SavedModel's folder (``str`` or ``pathlib.Path``).
        call_endpoint: the endpoint run by ``call()``: ``"serve"`` for a ``model.export``, or any
            attribute or signature of the SavedModel (e.g. ``"serving_default"``).
        call_training_endpoint: optional endpoint run when the layer is called with ``training=True``.
        trainable: whether the reloaded variables are trained.
        name: the layer's name.
        dtype: the layer's dtype policy.

    Limitations (as in Keras): the endpoint takes one ``inputs`` argument (a tensor, or a
    list/dict of tensors); the layer keeps none of the original model's structure.

    Example:
    >>> model.export("exported")
    >>> layer = cornu.layers.TFSMLayer("exported")
    >>> outputs = layer(x)                        # model.predict(x)'s numbers
    >>> wrapper = cornu.Sequential([cornu.Input((3,)), layer, cornu.layers.Dense(1)])
    """

    def __init__(self, filepath, call_endpoint="serve", call_training_endpoint=None, trainable=True, name=None,
                 dtype=None):
        saved_model = _tensorflow_saved_model()
        super().__init__(trainable=trainable, name=name, dtype=dtype)
        filepath = os.fspath(filepath)
        loaded, found = saved_model.load_endpoints(filepath, [call_endpoint, call_training_endpoint])
        for endpoint in (call_endpoint, call_training_endpoint):
            if endpoint is not None and found.get(endpoint) is None:
                argument = "call_endpoint" if endpoint == call_endpoint else "call_training_endpoint"
                raise ValueError(
                    f"The endpoint '{endpoint}' is neither an attribute nor a signature of the SavedModel at "
                    f"'{filepath}'. Pick one of its endpoints with `{argument}`. Available signatures: "
                    f"{saved_model.available_endpoints(loaded)}. Received: {argument}={endpoint!r}"
                )
        self.filepath = filepath
        self.call_endpoint = call_endpoint
        self.call_training_endpoint = call_training_endpoint
        object.__setattr__(self, "_reloaded_obj", loaded)  # a TF object; its variables are tracked below
        object.__setattr__(self, "call_endpoint_fn", found[call_endpoint])
        object.__setattr__(self, "call_training_endpoint_fn", found.get(call_training_endpoint))
        functions = [fn for fn in (self.call_endpoint_fn, self.call_training_endpoint_fn) if fn is not None]
        trainable_vars, non_trainable_vars = saved_model.variables_read_by(functions)
        with backend.name_scope(self.name, caller=self):
            for tf_variable in list(trainable_vars) + list(non_trainable_vars):
                self._own_variables.append(saved_model.adopt_variable(tf_variable, _variable_name(tf_variable)))
        self.built = True

    def call(self, inputs, training=False, **kwargs):
        if training and self.call_training_endpoint_fn is not None:
            return self.call_training_endpoint_fn(inputs, **kwargs)
        return self.call_endpoint_fn(inputs, **kwargs)

    def get_config(self):
        config = super().get_config()
        # The path as given: a config that names a file elsewhere is not portable (as in Keras).
        config.update({"filepath": self.filepath, "call_endpoint": self.call_endpoint,
                       "call_training_endpoint": self.call_training_endpoint})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Rebuilds the layer, loading the SavedModel again: refused unless safe mode is off.

        Example:
        >>> layer = TFSMLayer.from_config(config, safe_mode=False)
        """
        from cornu.serialization.keras_objects import in_safe_mode

        if (in_safe_mode() if safe_mode is None else safe_mode) is not False:
            raise ValueError(
                "Requested the deserialization of a `TFSMLayer`, which loads the external SavedModel "
                f"{config.get('filepath')!r}: its graph may run arbitrary code (arbitrary code execution), so it is "
                "disallowed by default. If you trust that file, pass `safe_mode=False` to the loading function "
                "(with `custom_objects={'TFSMLayer': cornu.layers.TFSMLayer}`), or call "
                "`cornu.config.enable_unsafe_deserialization()`. Received: "
                f"filepath={config.get('filepath')!r}"
            )
        return super().from_config(config)


def _variable_name(tf_variable):
    name = tf_variable.name.split(":")[0]
    return name.replace("/", "_") or "variable"


def _tensorflow_saved_model():
    try:
        module = backend.backend_module("saved_model_export")
    except ModuleNotFoundError as error:
        if not (error.name or "").endswith("saved_model_export"):
            raise
        module = None
    if module is None or not hasattr(module, "load_endpoints"):
        raise NotImplementedError(
            "TFSMLayer runs the functions of a TensorFlow SavedModel, so it only works with the TensorFlow backend "
            "(as in Keras). Select it with CORNU_BACKEND=tensorflow (or KERAS_BACKEND=tensorflow) before importing "
            f"cornu. Received: backend={backend.backend()!r}"
        )
    return module
