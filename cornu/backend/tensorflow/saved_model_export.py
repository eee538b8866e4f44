"""TensorFlow SavedModel export and reload on the TensorFlow backend: the TF half of
``cornu/export/saved_model.py`` (``ExportArchive`` with the SavedModel format) and of
``cornu.layers.TFSMLayer``.

A cornu variable on this backend holds a ``tf.Variable``; an endpoint is a ``tf.function`` over
the user's function, traced once with the endpoint's ``tf.TensorSpec`` signature. The object
written is a plain ``AutoTrackable`` root: one attribute per endpoint, the tracked layers'
variables in ``variables`` / ``trainable_variables`` / ``non_trainable_variables``, every
variable an endpoint reads in ``_all_variables`` (SavedModel refuses a function that reads a
variable it cannot reach from the root), and one list per variable collection. The signatures
are the endpoints plus ``serving_default`` (the first endpoint, as TF Serving needs one).

Contract used by the front (nothing else of cornu imports TensorFlow for this):

- ``SavedModelWriter()``: ``track_variables(trainable, non_trainable)``, ``track_resource(obj)``,
  ``add_endpoint(name, fn, positional_specs)``, ``add_traced_endpoint(name, tf_function)``,
  ``add_collection(name, variables)``, ``write(path, options)``, ``describe(name)``.
- ``is_traced_function(fn)``, ``is_trackable(obj)``, ``is_tf_variable(obj)``.
- ``load_endpoints(path, names)``, ``available_endpoints(loaded)``, ``variables_read_by(functions)``
  and ``adopt_variable(tf_variable, name)`` for ``TFSMLayer``.

Example:
>>> writer = SavedModelWriter()
>>> writer.track_variables(model.trainable_variables, model.non_trainable_variables)
>>> writer.add_endpoint("serve", lambda x: model(x, training=False), [InputSpec(shape=(None, 3), dtype="float32")])
>>> writer.write("exported/1")
"""

import numpy as np
import tensorflow as tf

from cornu.backend.common.variables import VariableBase
from cornu.backend.tensorflow.core import to_tf_dtype


def tensor_spec(spec):
    """A ``tf.TensorSpec`` for a cornu ``InputSpec`` (``shape`` with ``None`` for a dynamic axis,
    ``dtype``, ``name``), or the ``tf.TensorSpec`` itself."""
    if isinstance(spec, tf.TensorSpec):
        return spec
    return tf.TensorSpec(shape=tuple(spec.shape), dtype=to_tf_dtype(spec.dtype), name=spec.name)


def _tensor_specs(structure):
    if isinstance(structure, dict):
        return {key: _tensor_specs(value) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [_tensor_specs(value) for value in structure]
    return tensor_spec(structure)


def is_traced_function(fn):
    """True for a ``tf.function`` (traced or not)."""
    return isinstance(fn, tf.types.experimental.GenericFunction)


def has_traces(fn):
    """True when the ``tf.function`` ``fn`` has been called at least once."""
    return bool(fn._list_all_concrete_functions())


def is_trackable(obj):
    """True for a TensorFlow trackable (a lookup table, a ``tf.Module``...)."""
    return isinstance(obj, tf.__internal__.tracking.Trackable)


def is_tf_variable(obj):
    return isinstance(obj, tf.Variable)


def held_variable(variable):
    """The ``tf.Variable`` behind a cornu variable (or the ``tf.Variable`` itself)."""
    if isinstance(variable, VariableBase):
        if variable._value is None:
            variable._deferred_initialize()
        return variable._value
    return variable


class SavedModelWriter:
    """Builds the trackable root of a SavedModel and writes it (see the module docstring)."""

    def __init__(self):
        self.root = tf.__internal__.tracking.AutoTrackable()
        self.root.variables = []
        self.root.trainable_variables = []
        self.root.non_trainable_variables = []
        self._resources = []
        self._endpoints = {}

    def track_variables(self, trainable, non_trainable):
        """Adds a tracked layer's variables (cornu or ``tf.Variable``), each once."""
        seen = {id(v) for v in self.root.variables}
        for source, target in ((trainable, self.root.trainable_variables),
                               (non_trainable, self.root.non_trainable_variables)):
            for variable in source:
                held = held_variable(variable)
                if id(held) in seen:
                    continue
                seen.add(id(held))
                target.append(held)
                self.root.variables.append(held)

    def track_resource(self, resource):
        """Keeps a TF trackable (e.g. a lookup table) in the SavedModel."""
        if not any(resource is r for r in self._resources):
            self._resources.append(resource)

    def add_endpoint(self, name, fn, positional_specs):
        """Wraps ``fn`` (one positional argument per entry of ``positional_specs``, each an
        ``InputSpec`` or a list/dict of them) in a ``tf.function`` traced on those specs; returns it."""
        signature = [_tensor_specs(entry) for entry in positional_specs]
        function = tf.function(fn, input_signature=signature, autograph=False)
        function.get_concrete_function()  # traces now: a model that cannot be traced fails here
        return self._set(name, function, function)

    def add_traced_endpoint(self, name, function):
        """Adds a ``tf.function`` the user traced (called) already; its first trace is the signature."""
        concrete = function._list_all_concrete_functions()[0]
        return self._set(name, function, concrete)

    def _set(self, name, function, signature):
        setattr(self.root, name, function)
        self._endpoints[name] = signature
        return function

    def add_collection(self, name, variables):
        """Stores ``variables`` as the list attribute ``name`` of the reloaded object."""
        setattr(self.root, name, [held_variable(v) for v in variables])

    def write(self, path, options=None, check=()):
        """Writes the SavedModel to the folder ``path``, then reloads it and runs each endpoint named
        in ``check`` (deterministic ones: a model's inference pass) on example inputs against the
        function in memory; a difference is a ``ValueError``."""
        trainable, non_trainable = variables_read_by(list(self._endpoints.values()))
        self.root._all_variables = list(trainable) + list(non_trainable)
        self.root._misc_assets = list(self._resources) + _lookup_resources(self._resources)
        signatures = {name: self._concrete(name) for name in self._endpoints}
        if "serving_default" not in signatures:
            signatures["serving_default"] = self._concrete(next(iter(self._endpoints)))
        tf.saved_model.save(self.root, path, signatures=signatures, options=options)
        if check:
            reloaded = tf.saved_model.load(path)
            for name in check:
                _check_endpoint(name, self._concrete(name), getattr(reloaded, name))

    def _concrete(self, name):
        signature = self._endpoints[name]
        return signature.get_concrete_function() if is_traced_function(signature) else signature

    def describe(self, name):
        """The endpoint's signature as TensorFlow prints it, headed ``* Endpoint '<name>'``."""
        lines = self._concrete(name).pretty_printed_signature(verbose=True).split("\n")
        return "\n".join([f"* Endpoint '{name}'"] + lines[1:])


def _check_endpoint(name, concrete, reloaded):
    """Runs ``reloaded`` (the endpoint read back from the folder) and ``concrete`` (in memory) on the
    same example inputs; raises ``ValueError`` when they differ."""
    args, kwargs = concrete.structured_input_signature
    rng = np.random.default_rng(0)
    args, kwargs = tf.nest.map_structure(lambda spec: _example(spec, rng), (args, kwargs))
    try:
        got = tf.nest.flatten(reloaded(*args, **kwargs))
    except Exception as error:  # noqa: BLE001 - the reloaded file's failure is the finding
        raise ValueError(
            f"The SavedModel's endpoint '{name}' fails when reloaded with `tf.saved_model.load`: "
            f"{type(error).__name__}: {str(error).strip().splitlines()[0][:300]}. Nothing was written."
        ) from error
    want = tf.nest.flatten(concrete(*args, **kwargs))
    for index, (a, b) in enumerate(zip(got, want)):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or (a.dtype.kind in "fc" and not np.allclose(a, b, rtol=1e-5, atol=1e-6)) or (
                a.dtype.kind not in "fc" and not np.array_equal(a, b)):
            raise ValueError(
                f"The SavedModel's endpoint '{name}' reloaded with `tf.saved_model.load` does not compute what the "
                f"model computes (output {index}). Nothing was written. Received: shapes={a.shape} vs {b.shape}"
            )


def _example(spec, rng):
    shape = [2 if axis == 0 and size is None else (3 if size is None else size)
             for axis, size in enumerate(spec.shape.as_list())] if spec.shape.rank is not None else []
    if spec.dtype.is_floating:
        return tf.constant(rng.normal(size=shape), dtype=spec.dtype)
    if spec.dtype == tf.string:
        return tf.fill(shape, "")
    return tf.zeros(shape, dtype=spec.dtype)  # valid indices for Embedding and lookups


def _lookup_resources(roots):
    """The ``TrackableResource`` objects (lookup tables) reachable from ``roots``."""
    from tensorflow.saved_model.experimental import TrackableResource

    found = []
    for root in roots:
        try:
            descendants = tf.train.TrackableView(root).descendants()
        except TypeError:  # a trackable whose children cannot be listed holds no tables we know of
            continue
        found.extend(t for t in descendants if isinstance(t, TrackableResource) and t is not root)
    return found


def variables_read_by(functions):
    """``(trainable, non_trainable)``: the ``tf.Variable`` objects the functions capture, each once,
    in first-use order (``tf.function``, restored functions and concrete functions)."""
    trainable, non_trainable, seen = [], [], set()
    concretes = []
    for fn in functions:
        if hasattr(fn, "concrete_functions"):
            concretes.extend(fn.concrete_functions)
        elif is_traced_function(fn):
            concretes.extend(fn._list_all_concrete_functions())
        else:
            concretes.append(fn)
    for concrete in concretes:
        for variable in concrete.trainable_variables:
            if id(variable) not in seen:
                seen.add(id(variable))
                trainable.append(variable)
    for concrete in concretes:
        for variable in concrete.variables:
            if id(variable) not in seen:
                seen.add(id(variable))
                non_trainable.append(variable)
    return trainable, non_trainable


def load_endpoints(path, names):
    """Loads the SavedModel at ``path``; returns ``(loaded object, {name: function or None})`` with
    each endpoint found as an attribute or a signature (``None`` when it has neither), and the
    list of the names it offers."""
    loaded = tf.saved_model.load(path)
    found = {}
    for name in names:
        if name is None:
            continue
        if hasattr(loaded, name) and callable(getattr(loaded, name)):
            found[name] = getattr(loaded, name)
        elif name in loaded.signatures:
            found[name] = loaded.signatures[name]
        else:
            found[name] = None
    return loaded, found


def adopt_variable(tf_variable, name):
    """A cornu ``Variable`` holding ``tf_variable`` itself (not a copy): a reloaded SavedModel's
    functions read the very variables the layer trains and saves."""
    from cornu.backend.tensorflow.core import Variable

    return Variable(initializer=lambda shape, dtype=None: tf_variable, shape=tuple(tf_variable.shape),
                    dtype=tf_variable.dtype.name, trainable=tf_variable.trainable, name=name)


def available_endpoints(loaded):
    """The signature names of a loaded SavedModel."""
    return list(loaded.signatures.keys())
