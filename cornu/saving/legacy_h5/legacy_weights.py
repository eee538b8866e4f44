"""Layer weights of a legacy `.h5` file, matched to a built model in order.

The ``model_weights`` group lists its layers in the attribute
``layer_names``; each layer group lists its datasets in ``weight_names``
(paths inside the group, such as ``dense/kernel:0`` from tf.keras 2 or
``sequential/dense/kernel`` from Keras 3). Layers are matched in order,
skipping those without weights on both sides, and each layer's weights are
in the order ``trainable_weights + non_trainable_weights``. Every count and
shape is checked before anything is assigned, so a mismatch leaves the model
untouched.
"""

import h5py

from cornu.saving.excerpt import short_excerpt
from cornu.saving.h5_reads import UnboundedReadError, read_dataset
from cornu.saving.legacy_h5.attributes import read_names
from cornu.saving.legacy_h5.errors import LegacyH5Error


def legacy_weights(layer):
    """The weights of ``layer`` in the order legacy `.h5` files store them.

    Example:
    >>> [w.name for w in legacy_weights(cornu.layers.BatchNormalization())]  # once built
    ['gamma', 'beta', 'moving_mean', 'moving_variance']
    """
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _child_group(group, name, what):
    if not isinstance(name, str) or not name or name.startswith("/") or ".." in name.split("/"):
        raise LegacyH5Error(f"The {what} name {short_excerpt(name, limit=120)} in '{group.name}' is not a relative "
                            "path inside the group.")
    if name not in group:
        raise LegacyH5Error(
            f"The file lists {what} {short_excerpt(name, limit=120)} in '{group.name}' but has no such entry. The file is damaged or was "
            "not written by Keras."
        )
    return group[name]


def read_layer_values(layer_group):
    """The arrays listed in ``weight_names`` of one layer group, in order.

    Example:
    >>> [v.shape for v in read_layer_values(f["model_weights/dense"])]
    [(4, 5), (5,)]
    """
    values = []
    for name in read_names(layer_group, "weight_names"):
        dataset = _child_group(layer_group, name, "weight")
        if not isinstance(dataset, h5py.Dataset):
            raise LegacyH5Error(f"The weight '{name}' of '{layer_group.name}' is a group, not an array.")
        try:
            values.append(read_dataset(dataset, f"the weight '{name}' of '{layer_group.name}'"))
        except UnboundedReadError as e:
            raise LegacyH5Error(str(e)) from e
    return values


def _saved_layers(group):
    saved = []
    for name in read_names(group, "layer_names"):
        layer_group = _child_group(group, name, "layer")
        if not isinstance(layer_group, h5py.Group):
            raise LegacyH5Error(f"The layer entry {short_excerpt(name, limit=120)} of '{group.name}' is an array, "
                                "not a group.")
        values = read_layer_values(layer_group)
        if values:
            saved.append((name, values))
    return saved


def _check_shapes(owner, variables, values, saved_name):
    if len(values) != len(variables):
        raise LegacyH5Error(
            f"Weight count mismatch for {owner} (named '{saved_name}' in the file): the layer has "
            f"{len(variables)} weight(s), the file holds {len(values)}. The model in the file has a different "
            "architecture."
        )
    for variable, value in zip(variables, values):
        expected = tuple(variable.shape)
        if tuple(value.shape) != expected:
            raise LegacyH5Error(
                f"Shape mismatch for weight '{variable.path}' of {owner} (named '{saved_name}' in the file): the "
                f"layer expects shape {expected}, the file holds shape {tuple(value.shape)}. The file is damaged "
                "or its config does not match its weights."
            )


def load_model_weights(group, model):
    """Assigns the weights of ``group`` (``model_weights``) to the layers of the built ``model``.

    Raises ``LegacyH5Error`` naming the layer on any count or shape mismatch;
    nothing is assigned unless everything matches.

    Example:
    >>> load_model_weights(h5_file["model_weights"], model)
    """
    layers = [layer for layer in model.layers if legacy_weights(layer)]
    saved = _saved_layers(group)
    if len(saved) != len(layers):
        raise LegacyH5Error(
            f"Layer count mismatch: the model has {len(layers)} layers with weights, the file holds weights for "
            f"{len(saved)} layers ({[name for name, _ in saved][:20]}). The file's config and weights disagree."
        )
    assignments = []
    for index, (layer, (saved_name, values)) in enumerate(zip(layers, saved)):
        variables = legacy_weights(layer)
        _check_shapes(f"layer #{index} '{layer.name}'", variables, values, saved_name)
        assignments.extend(zip(variables, values))
    if "top_level_model_weights" in group:
        top = _child_group(group, "top_level_model_weights", "group")
        values = read_layer_values(top)
        if values:
            nested = {id(w) for layer in model.layers for w in layer.weights}
            own = [w for w in legacy_weights(model) if id(w) not in nested]
            _check_shapes("the model's own weights", own, values, "top_level_model_weights")
            assignments.extend(zip(own, values))
    for variable, value in assignments:
        variable.assign(value)
