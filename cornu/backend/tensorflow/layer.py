"""Every ``Layer`` is a TensorFlow trackable under the TensorFlow backend.

So TF's own saving tools accept cornu layers and models as they are:
``tf.train.Checkpoint(model=model)`` saves and restores every variable, and
``tf.saved_model.save(model, path)`` writes the variables and any ``tf.function``
held as an attribute (``model.serve = tf.function(...)``).

The object graph TF walks is derived from cornu's own tracking, never the other way
round, and only when TF asks for it (``_trackable_children``): attribute setting and
``__call__`` cost nothing more than on any other backend (unlike TF's
``AutoTrackable``, which intercepts every ``setattr`` and wraps lists and dicts).

- children: the direct sub-layers, named as ``_named_sublayers`` names them (the
  index in ``model.layers`` for Sequential and Functional models, else the attribute,
  with list positions and dict keys joined by ``.``: ``"blocks.0"``); then the
  layer's own variables (Keras order: created-trainable first) and seed-generator
  states, by the variable's name (``"kernel"``, ``"bias"``; a repeated name gets
  ``_1``, ``_2``...). Each variable saves as the ``tf.Variable`` it holds.
- SavedModel only: ``tf.function`` objects held in the layer's attributes (or
  defined on its class), as ``AutoTrackable`` would save them.

A checkpoint restores into variables that exist: build the model (call it once, or
``build()``) before ``checkpoint.restore(path)``; TF's deferred restoration of
variables created later does not apply.

Example:
>>> model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(2)])
>>> path = tf.train.Checkpoint(model=model).save("/tmp/ckpt/model")
>>> tf.train.Checkpoint(model=model).restore(path)
"""

import tensorflow as tf

# The attributes `Trackable` sets on an object the first time TF inspects it: bookkeeping,
# never layer state (cornu's `LayerState` must not walk them).
_TRACKABLE_INTERNALS = frozenset({
    "_self_setattr_tracking",
    "_self_unconditional_checkpoint_dependencies",
    "_self_unconditional_dependency_names",
    "_self_unconditional_deferred_dependencies",
    "_self_update_uid",
    "_self_name_based_restores",
    "_self_saveable_object_factories",
})

_FUNCTION_TYPES = (tf.types.experimental.PolymorphicFunction, tf.types.experimental.ConcreteFunction)


def _unique_key(name, taken):
    key = name or "variable"
    base, index = key, 1
    while key in taken:
        key = f"{base}_{index}"
        index += 1
    taken.add(key)
    return key


class BackendLayer(tf.__internal__.tracking.Trackable):
    """First base of ``cornu.layers.Layer`` on TensorFlow: a ``Trackable`` whose children
    (sub-layers and variables) are read from cornu's tracking when TF saves or restores.

    Example:
    >>> checkpoint = tf.train.Checkpoint(model=model)
    >>> path = checkpoint.save("/tmp/ckpt/model")
    >>> checkpoint.restore(path).assert_existing_objects_matched()
    """

    # Attribute names `LayerState` never walks for state.
    _backend_internal_attributes = _TRACKABLE_INTERNALS

    def _cornu_trackable_children(self):
        children = {}
        taken = set()
        for path, layer in self._named_sublayers():
            key = ".".join(path)
            if key not in children:
                taken.add(key)
                children[key] = layer
        variables = self._own_in_keras_order(self._own_state()) + [g.state for g in self._seed_generators()]
        for variable in variables:
            if variable._value is None:  # not created yet (inside a stateless scope)
                continue
            children[_unique_key(variable.name, taken)] = variable
        return children

    def _trackable_children(self, save_type="checkpoint", **kwargs):
        children = self._cornu_trackable_children()
        if save_type == "savedmodel":
            for name, function in self._held_functions().items():
                children.setdefault(name, function)
        return children

    def _held_functions(self):
        """``tf.function`` objects in the instance's attributes and on its class (methods
        decorated with ``tf.function``), by attribute name."""
        functions = {}
        for name, value in vars(self).items():
            if isinstance(value, _FUNCTION_TYPES):
                functions[name] = value
        for klass in type(self).__mro__:
            for name, value in vars(klass).items():
                if name not in functions and isinstance(value, tf.types.experimental.PolymorphicFunction):
                    functions[name] = getattr(self, name)
        for function in functions.values():
            if isinstance(function, tf.types.experimental.PolymorphicFunction):
                # Traces the signatures it was given, so that they are saved even if never called.
                function._list_all_concrete_functions_for_serialization()
        return functions

    def _lookup_dependency(self, name, cached_dependencies=None):
        if cached_dependencies:
            return cached_dependencies.get(name)
        return self._cornu_trackable_children().get(name)
