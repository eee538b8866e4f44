"""TensorFlow SavedModel export: ``model.export(path, format="tf_saved_model")`` and
``ExportArchive(format="saved_model")``, with Keras 3.15's API, on the TensorFlow backend.

The folder written loads with ``tf.saved_model.load(path)`` (no cornu needed) and serves with TF
Serving: every endpoint is a signature, and the first one is also ``serving_default``. A version
sub-folder, as TF Serving expects (``models/my_model/1``), is the path the user gives, as in Keras.
``model.export`` writes one endpoint, ``serve``, running ``model(inputs, training=False)`` with
every ``None`` axis dynamic (the batch axis of the model's inputs included).

The TensorFlow work (``tf.function`` tracing, ``tf.saved_model.save``) is the backend's
(``cornu/backend/tensorflow/saved_model_export.py``); this module checks arguments, works out the
input specs (``input_signature.py``) and writes the folder atomically (``saved_model_files.py``).
Before the folder takes its name, it is loaded back with ``tf.saved_model.load`` and each model
endpoint (``model.export``, ``track_and_add_endpoint``) is run on example inputs against the model:
a file that does not compute the model is an error, never written.
On the JAX, torch and NumPy backends the format is refused with a clear error (export to ONNX,
LiteRT or TF.js there, or load the model with ``CORNU_BACKEND=tensorflow``).

Example:
>>> model.export("serving/my_model/1")              # format="tf_saved_model" is the default
>>> reloaded = tf.saved_model.load("serving/my_model/1")
>>> reloaded.serve(x)                               # the same numbers as model.predict(x)
>>> reloaded.signatures["serving_default"](inputs=x)["output_0"]
"""

import os

import numpy as np

from cornu import backend
from cornu.export.input_signature import input_specs, signature_specs
from cornu.export.saved_model_files import write_saved_model_folder
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer

DEFAULT_ENDPOINT_NAME = "serve"
# Keras's arguments for its JAX -> TensorFlow conversion (jax2tf); they mean nothing on TensorFlow.
JAX_ONLY_KWARGS = ("is_static", "jax2tf_kwargs", "native_serialization")


def export_saved_model(model, filepath, verbose=None, input_signature=None, **kwargs):
    """Writes ``model``'s inference pass as a TensorFlow SavedModel folder with one endpoint, ``serve``.

    Args:
        model: a built cornu model (or one ``input_signature`` describes).
        filepath: the folder to write (e.g. ``"models/my_model/1"`` for TF Serving). Written
            atomically; a previous SavedModel there is replaced, a folder holding other files refused.
        verbose: print the endpoints written. Defaults to None (True, as in Keras).
        input_signature: optional; what the model takes (see ``cornu.export.input_signature``).
            Defaults to the model's inputs, with a dynamic batch axis.
        **kwargs: none on TensorFlow (Keras's ``is_static`` / ``jax2tf_kwargs`` are JAX-only).

    Returns:
        ``filepath``.

    Example:
    >>> export_saved_model(model, "exported", input_signature=[keras.InputSpec(shape=(None, 3), dtype="float32")])
    """
    archive = SavedModelArchive()
    archive.track_and_add_endpoint(DEFAULT_ENDPOINT_NAME, model, input_signature, **kwargs)
    archive.write_out(filepath, verbose=True if verbose is None else verbose)
    return filepath


def saved_model_backend():
    """The backend's SavedModel module, or a clear error on a backend without one."""
    try:
        return backend.backend_module("saved_model_export")
    except ModuleNotFoundError as error:
        if not (error.name or "").endswith("saved_model_export"):
            raise
        raise ValueError(
            f"TensorFlow SavedModel export needs the TensorFlow backend, and cornu runs on "
            f"{backend.backend()!r}. Save the model (`model.save('model.keras')`), load it with "
            "CORNU_BACKEND=tensorflow and export there, or export to ONNX (`format=\"onnx\"`), LiteRT "
            f"(`format=\"litert\"`) or TF.js (`format=\"tfjs\"`) from this backend. Received: "
            f"backend={backend.backend()!r}"
        ) from error


class SavedModelArchive:
    """What ``ExportArchive(format="saved_model")`` does: endpoints and variable collections
    written as one SavedModel (see the module docstring; ``ExportArchive`` forwards to it).

    Example:
    >>> archive = SavedModelArchive()
    >>> archive.track(model)
    >>> archive.add_endpoint("serve", lambda x: model(x, training=False),
    ...                      input_signature=[cornu.InputSpec(shape=(None, 3), dtype="float32")])
    >>> archive.write_out("exported")
    """

    def __init__(self):
        self._tf = saved_model_backend()
        self._writer = self._tf.SavedModelWriter()
        self._endpoint_names = []
        self._checked = []

    @property
    def variables(self):
        """The tracked layers' variables (as the backend's ``tf.Variable`` objects)."""
        return list(self._writer.root.variables)

    @property
    def trainable_variables(self):
        return list(self._writer.root.trainable_variables)

    @property
    def non_trainable_variables(self):
        return list(self._writer.root.non_trainable_variables)

    def track(self, resource):
        """Tracks a built layer or model (its variables go into the SavedModel and come back as the
        reloaded object's ``variables``), or a TensorFlow trackable such as a lookup table."""
        if isinstance(resource, Layer):
            if not resource.built:
                raise ValueError(
                    f"The layer '{resource.name}' is not built yet: call it on data or call `build()` before "
                    f"tracking it. Received: resource={resource!r}"
                )
            self._writer.track_variables(resource.trainable_variables, resource.non_trainable_variables)
        elif self._tf.is_trackable(resource):
            self._writer.track_resource(resource)
        else:
            raise ValueError(
                "Invalid resource type: `track()` takes a cornu Layer or Model, or a TensorFlow trackable "
                f"(e.g. a lookup table). Received: resource={resource!r} of type {type(resource).__name__}"
            )

    def add_endpoint(self, name, fn, input_signature=None, **kwargs):
        """Registers ``fn`` as the endpoint ``name`` and traces it on ``input_signature`` (one entry
        per positional argument of ``fn``); returns the ``tf.function``."""
        self._check_name(name)
        _check_kwargs(kwargs)
        if not callable(fn):
            raise ValueError(f"`fn` must be callable. Received: fn={fn!r}")
        if input_signature is None and self._tf.is_traced_function(fn):
            if not self._tf.has_traces(fn):
                raise ValueError(
                    f"The tf.function {fn!r} has never been called, so the shapes and dtypes of its inputs are "
                    "unknown. Call it once on example inputs, or pass `input_signature`. "
                    f"Received: fn={fn!r}, input_signature=None"
                )
            function = self._writer.add_traced_endpoint(name, fn)
        else:
            positional = self._positional_specs(fn, input_signature)
            function = self._trace(name, lambda: self._writer.add_endpoint(name, fn, positional))
        self._endpoint_names.append(name)
        return function

    def track_and_add_endpoint(self, name, resource, input_signature, **kwargs):
        """Tracks ``resource`` and adds the endpoint ``name`` running ``resource(inputs, training=False)``."""
        self._check_name(name)
        _check_kwargs(kwargs)
        specs = input_specs(resource, _dynamic_batch_for_values(input_signature),
                            dynamic_batch=input_signature is None)
        self.track(resource)

        def call(inputs):
            return resource(inputs, training=False)

        function = self._trace(name, lambda: self._writer.add_endpoint(name, call, [specs]))
        self._endpoint_names.append(name)
        self._checked.append(name)  # a model's inference pass: deterministic, checked after writing
        return function

    def add_variable_collection(self, name, variables):
        """Stores ``variables`` so that the reloaded object has them as the attribute ``name``."""
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"The collection name must be a Python identifier (it becomes an attribute of the "
                             f"reloaded object). Received: name={name!r}")
        if not isinstance(variables, (list, tuple, set)):
            raise ValueError(f"Expected `variables` to be a list/tuple/set. Received: variables={variables!r} of "
                             f"type {type(variables).__name__}")
        variables = list(variables)
        wrong = sorted({type(v).__name__ for v in variables
                        if not isinstance(v, backend.Variable) and not self._tf.is_tf_variable(v)})
        if wrong:
            raise ValueError("Expected all elements in `variables` to be `keras.Variable` (or `tf.Variable`) "
                             f"instances. Received elements of type {wrong}")
        if name in self._endpoint_names:
            raise ValueError(f"The name {name!r} is already an endpoint. Received: name={name!r}")
        self._writer.add_collection(name, variables)

    def write_out(self, filepath, options=None, verbose=True):
        """Writes the SavedModel folder (atomically); ``options`` is a ``tf.saved_model.SaveOptions``."""
        if not self._endpoint_names:
            raise ValueError("No endpoints have been set yet. Call `add_endpoint()` before `write_out()`.")
        path = os.fspath(filepath)
        write_saved_model_folder(path, lambda temp: self._writer.write(temp, options, check=self._checked))
        if verbose:
            endpoints = "\n\n".join(self._writer.describe(name) for name in self._endpoint_names)
            print(f"Saved artifact at '{path}'. The following endpoints are available:\n\n{endpoints}")
        return filepath

    def _check_name(self, name):
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"The endpoint name must be a Python identifier (it becomes an attribute of the "
                             f"reloaded object). Received: name={name!r}")
        if name in self._endpoint_names:
            raise ValueError(f"Endpoint name '{name}' is already taken. Received: name={name!r}")

    def _positional_specs(self, fn, input_signature):
        if input_signature is None:
            owner = fn if isinstance(fn, Layer) else getattr(fn, "__self__", None)
            if not isinstance(owner, Layer):
                raise ValueError(
                    "If `fn` is not a `tf.function` that was called at least once, pass an `input_signature` "
                    "with the shape and dtype of each positional argument, e.g. "
                    "`input_signature=[keras.InputSpec(shape=(None, 3), dtype='float32')]`. "
                    f"Received: fn={fn!r}, input_signature=None"
                )
            return [input_specs(owner)]
        if not isinstance(input_signature, (list, tuple)):
            raise ValueError(
                "`input_signature` lists the inputs of `fn`, one entry per positional argument (a spec, or a "
                "list/dict of specs for an argument that is a structure): wrap a single spec in a list, e.g. "
                f"`[keras.InputSpec(shape=(None, 3), dtype='float32')]`. Received: input_signature={input_signature!r}"
            )
        return [signature_specs(_dynamic_batch_for_values(entry), dynamic_batch=False) for entry in input_signature]

    def _trace(self, name, add):
        try:
            return add()
        except (ValueError, TypeError, NotImplementedError) as error:
            if type(error) not in (ValueError, TypeError, NotImplementedError):
                raise  # a subclass may need other constructor arguments
            raise type(error)(f"Tracing the endpoint '{name}' with TensorFlow failed: {error}") from error


def _check_kwargs(kwargs):
    jax_only = sorted(set(kwargs) & set(JAX_ONLY_KWARGS))
    if jax_only:
        raise ValueError(
            f"{jax_only} are arguments of Keras's JAX backend (its jax2tf conversion); SavedModel export runs "
            f"on the TensorFlow backend here. Remove them. Received: kwargs={sorted(kwargs)}"
        )
    if kwargs:
        raise ValueError(f"Unknown arguments for a SavedModel endpoint: {sorted(kwargs)}. "
                         f"Received: kwargs={sorted(kwargs)}")


def _dynamic_batch_for_values(signature):
    """Concrete values in a signature (arrays, tensors, symbolic tensors) stand for their shape
    with a dynamic batch axis, as in Keras; specs and shape tuples are kept as written."""
    if signature is None or isinstance(signature, InputSpec):
        return signature
    if isinstance(signature, dict):
        return {key: _dynamic_batch_for_values(value) for key, value in signature.items()}
    if isinstance(signature, list) or (isinstance(signature, tuple) and not _is_shape(signature)):
        return [_dynamic_batch_for_values(value) for value in signature]
    if isinstance(signature, np.ndarray) or backend.is_tensor(signature) or backend.is_keras_tensor(signature):
        shape = tuple(signature.shape)
        dtype = backend.standardize_dtype(signature.dtype)
        return InputSpec(shape=((None,) + shape[1:]) if shape else shape, dtype=dtype)
    return signature


def _is_shape(value):
    return all(d is None or (isinstance(d, (int, np.integer)) and not isinstance(d, bool)) for d in value)
