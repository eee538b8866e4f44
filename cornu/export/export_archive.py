"""``keras.export.ExportArchive``: an export built from chosen endpoints, with Keras 3.15's API.

Keras's ``ExportArchive`` writes a TensorFlow SavedModel (several endpoints and variable
collections in one folder). cornu writes ONNX (``ExportArchive(format="onnx")``), and LiteRT or
TF.js for the one-endpoint case, and the SavedModel format (Keras's default, ``format="saved_model"``,
also ``"tf_saved_model"``) on the TensorFlow backend: there every method forwards to
``cornu.export.saved_model.SavedModelArchive`` (several endpoints and variable collections in one
folder, as in Keras); on other backends that format is refused with a clear error.

ONNX and several endpoints (Keras has no ONNX ``ExportArchive``: its archive writes SavedModels
only, and its ``model.export(format="onnx")`` writes the one ``serve`` endpoint): an ONNX file
holds one graph, which runtimes run as a whole, so
``write_out(path)`` writes one file per endpoint: with one endpoint ``path`` is the ``.onnx`` file;
with several, ``path`` is a folder that receives ``<endpoint name>.onnx`` for each (every file
written atomically). Variable collections are stored in the file of the first endpoint as extra
initializers named ``<collection>/<variable path>``; the metadata entry
``cornu.variable_collections`` (JSON: collection -> initializer names) lists them, so
``onnx.load`` gets them back.

``input_signature`` follows Keras: a list with one entry per positional argument of ``fn``
(``[InputSpec(shape=(None, 3), dtype="float32")]`` for ``fn(x)``). The batch axis and every
``None`` axis stay dynamic.

Example:
>>> archive = ExportArchive(format="onnx")
>>> archive.track(model)
>>> archive.add_endpoint("serve", lambda x: model(x, training=False),
...                      input_signature=[cornu.InputSpec(shape=(None, 3), dtype="float32")])
>>> archive.add_endpoint("features", lambda x: model.layers[0](x),
...                      input_signature=[cornu.InputSpec(shape=(None, 3), dtype="float32")])
>>> archive.write_out("exported")  # exported/serve.onnx and exported/features.onnx
"""

import json
import os

from cornu import backend
from cornu.export.input_signature import input_specs, signature_specs
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export

_FORMATS = ("onnx", "litert", "tfjs")
_SAVED_MODEL_FORMATS = ("saved_model", "tf_saved_model")
# Keyword arguments Keras's add_endpoint takes for its JAX -> TensorFlow path; they mean nothing here.
_KERAS_ONLY_KWARGS = ("is_static", "jax2tf_kwargs", "native_serialization")


@keras_export("keras.export.ExportArchive")
class ExportArchive:
    """Collects endpoints (functions over tracked layers) and writes them out for inference.

    Args (keyword ``format``, as Keras's ``ExportArchive(format=...)``):
        format: ``"saved_model"`` (the default, TensorFlow backend only; ``"tf_saved_model"`` is the
            same), ``"onnx"``, ``"litert"`` or ``"tfjs"``.

    Example:
    >>> archive = ExportArchive(format="onnx")
    >>> archive.track_and_add_endpoint("serve", model, [cornu.InputSpec(shape=(None, 3), dtype="float32")])
    >>> archive.write_out("model.onnx")
    """

    def __init__(self, *args, **kwargs):
        format = _format_argument(args, kwargs)
        self._saved_model = None
        if format in _SAVED_MODEL_FORMATS:
            from cornu.export.saved_model import SavedModelArchive

            self.format = format
            self._saved_model = SavedModelArchive()  # a clear error on a backend other than TensorFlow
            return
        if format == "neptune_model":
            raise ValueError(
                "ExportArchive(format=\"neptune_model\") is an abstract format in Keras too (its subclasses live "
                "outside Keras). Use format=\"saved_model\" on the TensorFlow backend, or \"onnx\". "
                f"Received: format={format!r}"
            )
        if format not in _FORMATS:
            raise ValueError(f"Unsupported format for ExportArchive: use one of {list(_FORMATS)}. "
                             f"Received: format={format!r}")
        self.format = format
        self._tracked = []
        self._endpoints = {}
        self._collections = {}

    @property
    def variables(self):
        """The tracked layers' variables (SavedModel: as the ``tf.Variable`` objects it saves)."""
        if self._saved_model is not None:
            return self._saved_model.variables
        return [v for layer in self._tracked for v in layer.variables]

    @property
    def trainable_variables(self):
        if self._saved_model is not None:
            return self._saved_model.trainable_variables
        return [v for layer in self._tracked for v in layer.trainable_variables]

    @property
    def non_trainable_variables(self):
        if self._saved_model is not None:
            return self._saved_model.non_trainable_variables
        return [v for layer in self._tracked for v in layer.non_trainable_variables]

    def track(self, resource):
        """Tracks a layer or model whose variables the endpoints use.

        Example:
        >>> archive.track(model)
        """
        if self._saved_model is not None:
            return self._saved_model.track(resource)
        if not isinstance(resource, Layer):
            raise ValueError(f"Invalid resource type: `track()` takes a cornu Layer or Model. "
                             f"Received: resource={resource!r} of type {type(resource).__name__}")
        if not resource.built:
            raise ValueError(f"The layer '{resource.name}' is not built yet: call it on data or call `build()` "
                             f"before tracking it. Received: resource={resource!r}")
        if not any(resource is r for r in self._tracked):
            self._tracked.append(resource)

    def add_endpoint(self, name, fn, input_signature=None, **kwargs):
        """Registers ``fn`` as the endpoint ``name``; ``input_signature`` lists its positional inputs.

        Returns ``fn``.

        Example:
        >>> archive.add_endpoint("serve", lambda x: model(x, training=False),
        ...                      input_signature=[cornu.InputSpec(shape=(None, 3), dtype="float32")])
        """
        if self._saved_model is not None:
            return self._saved_model.add_endpoint(name, fn, input_signature, **kwargs)
        _check_endpoint_kwargs(kwargs)
        if not isinstance(name, str) or not name or name in self._endpoints:
            reason = "is already used" if name in self._endpoints else "must be a non-empty string"
            raise ValueError(f"The endpoint name {reason}. Received: name={name!r}")
        if not callable(fn):
            raise ValueError(f"`fn` must be callable. Received: fn={fn!r}")
        if input_signature is None:
            owner = getattr(fn, "__self__", None) if not isinstance(fn, Layer) else fn
            if not isinstance(owner, Layer):
                raise ValueError(
                    "The shapes and dtypes of the endpoint's inputs are unknown: pass `input_signature`, e.g. "
                    "`input_signature=[keras.InputSpec(shape=(None, 3), dtype='float32')]`. "
                    f"Received: fn={fn!r}, input_signature=None"
                )
            positional = [input_specs(owner)]
        elif isinstance(input_signature, (list, tuple)):
            positional = [signature_specs(entry) for entry in input_signature]
        else:
            positional = [signature_specs(input_signature)]
        self._endpoints[name] = (fn, positional)
        return fn

    def track_and_add_endpoint(self, name, resource, input_signature, **kwargs):
        """Tracks ``resource`` and registers its inference call as the endpoint ``name``.

        Example:
        >>> archive.track_and_add_endpoint("serve", model, [cornu.InputSpec(shape=(None, 3), dtype="float32")])
        """
        if self._saved_model is not None:
            return self._saved_model.track_and_add_endpoint(name, resource, input_signature, **kwargs)
        self.track(resource)
        specs = input_specs(resource, input_signature)

        def call(inputs):
            return resource(inputs, training=False)

        call._cornu_resource = resource
        _check_endpoint_kwargs(kwargs)
        if not isinstance(name, str) or not name or name in self._endpoints:
            raise ValueError(f"The endpoint name must be a new non-empty string. Received: name={name!r}")
        self._endpoints[name] = (call, [specs])
        return call

    def add_variable_collection(self, name, variables):
        """Registers variables to store with the export (ONNX: as named initializers, see the module
        docstring).

        Example:
        >>> archive.add_variable_collection("optimizer_variables", model.optimizer.variables)
        """
        if self._saved_model is not None:
            return self._saved_model.add_variable_collection(name, variables)
        if not isinstance(name, str) or not name:
            raise ValueError(f"The collection name must be a non-empty string. Received: name={name!r}")
        variables = list(variables)
        if not all(isinstance(v, backend.Variable) for v in variables):
            raise ValueError("Expected all elements in `variables` to be `keras.Variable` instances. "
                             f"Received: variables={variables}")
        self._collections[name] = variables

    def write_out(self, filepath, options=None, verbose=True):
        """Writes the export: ONNX writes one file per endpoint (see the module docstring).

        Args:
            filepath: the ``.onnx`` file (one endpoint) or the folder (several), or the format's path.
            options: ONNX: a dict, e.g. ``{"opset_version": 18}``; SavedModel: a
                ``tf.saved_model.SaveOptions``; None for the defaults.
            verbose: print where the files went.

        Example:
        >>> archive.write_out("model.onnx", options={"opset_version": 18})
        """
        if self._saved_model is not None:
            return self._saved_model.write_out(filepath, options=options, verbose=verbose)
        if not self._endpoints:
            raise ValueError("No endpoints have been set yet. Call `add_endpoint()` before `write_out()`.")
        options = dict(options or {})
        if self.format == "onnx":
            return self._write_onnx(os.fspath(filepath), options, verbose)
        return self._write_single_model(os.fspath(filepath), options, verbose)

    def _write_onnx(self, filepath, options, verbose):
        from cornu.export.onnx import onnx_proto, write_onnx

        unknown = set(options) - {"opset_version"}
        if unknown:
            raise ValueError(f"Unknown ONNX options {sorted(unknown)}: ONNX takes `opset_version`. "
                             f"Received: options={options}")
        several = len(self._endpoints) > 1
        if several:
            os.makedirs(filepath, exist_ok=True)
        for index, (name, (fn, positional)) in enumerate(self._endpoints.items()):
            owner = getattr(fn, "_cornu_resource", None)
            model = owner if owner is not None else (self._tracked[0] if len(self._tracked) == 1 else self._tracked)
            proto = onnx_proto(model, positional, lambda args, fn=fn: fn(*args), options.get("opset_version"))
            if index == 0 and self._collections:
                _add_collections(proto, self._collections)
            write_onnx(proto, os.path.join(filepath, f"{name}.onnx") if several else filepath, verbose)
        return filepath

    def _write_single_model(self, filepath, options, verbose):
        from cornu.export.export_model import format_exporter

        endpoints = list(self._endpoints.values())
        fn, positional = endpoints[0]
        resource = getattr(fn, "_cornu_resource", None)
        if len(endpoints) != 1 or resource is None or self._collections:
            raise ValueError(
                f"ExportArchive(format={self.format!r}) writes one model: it takes exactly one endpoint made by "
                "`track_and_add_endpoint(name, model, input_signature)` and no variable collections (a "
                f"{self.format} file cannot hold other functions). Use format=\"onnx\" for several endpoints or "
                f"arbitrary functions. Received: endpoints={list(self._endpoints)}, "
                f"variable collections={list(self._collections)}"
            )
        exporter = format_exporter(self.format)
        return exporter(resource, filepath, verbose=verbose, input_signature=positional[0], **options)


def _format_argument(args, kwargs):
    if len(args) > 1 or set(kwargs) - {"format"} or (args and "format" in kwargs):
        raise TypeError(f"ExportArchive takes one argument, `format`. Received: args={args}, kwargs={kwargs}")
    return args[0] if args else kwargs.get("format", "saved_model")


def _check_endpoint_kwargs(kwargs):
    unknown = set(kwargs) - set(_KERAS_ONLY_KWARGS)
    if unknown:
        raise ValueError(f"Unknown arguments for an endpoint: {sorted(unknown)}. Received: kwargs={kwargs}")


def _add_collections(proto, collections):
    import numpy as np
    import onnx.numpy_helper

    listing = {}
    for collection, variables in collections.items():
        names = []
        for variable in variables:
            name = f"{collection}/{variable.path}"
            proto.graph.initializer.append(onnx.numpy_helper.from_array(
                np.asarray(backend.convert_to_numpy(variable.value)), name))
            names.append(name)
        listing[collection] = names
    entry = proto.metadata_props.add()
    entry.key, entry.value = "cornu.variable_collections", json.dumps(listing)
