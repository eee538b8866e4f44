"""``model.load_weights("x.h5")`` for legacy Keras 2 weights files (``save_weights("x.h5")``).

This is the layout of the ImageNet files Keras publishes for ``keras.applications``: the root
group (or the ``model_weights`` group of a whole-model file) lists its layers in the attribute
``layer_names``; each layer group lists its arrays in ``weight_names``, in the order
``trainable_weights + non_trainable_weights``. As in Keras, layers are matched in order (only
those with weights, on both sides), or by name with ``by_name=True``; ``skip_mismatch=True``
skips a weight whose shape differs (and, by name, a layer whose weight count differs) with a
warning instead of raising.

Every count and shape is checked against the file's metadata, and every array is read, before
the first variable is assigned: a file that does not fit leaves the model as it was, and the
error names the layer.
"""

import os
import warnings

import h5py

from cornu.saving import safe_files
from cornu.saving.h5_reads import UnboundedReadError, read_dataset
from cornu.saving.legacy_h5.attributes import read_names
from cornu.saving.legacy_h5.errors import LegacyH5Error
from cornu.saving.legacy_h5.legacy_weights import _child_group, legacy_weights
from cornu.saving.load_budget import loading
from cornu.saving.weights_store import check_h5_file


def load_legacy_weights_file(model, filepath, skip_mismatch=False, by_name=False):
    """Loads a legacy `.h5` / `.hdf5` weights file (or a whole-model file's weights) into ``model``.

    Args:
        model: a built model.
        filepath: the file's path.
        skip_mismatch: warn and skip weights whose shape differs instead of raising.
        by_name: match saved layers to the model's layers by name instead of by order.

    Example:
    >>> model = cornu.applications.MobileNet(weights=None, include_top=False)
    >>> load_legacy_weights_file(model, "mobilenet_1_0_224_tf_no_top.h5")
    """
    path = os.fspath(filepath)
    source = repr(path)
    if not os.path.lexists(path):
        raise FileNotFoundError(f"Weights file not found: filepath={path}")
    with loading(path):
        opened = safe_files.open_regular(path)
        try:
            h5_file = safe_files.reopen_by_descriptor(opened, lambda name: h5py.File(name, "r"))
        except OSError as e:
            raise LegacyH5Error(f"Cannot read {source}: it is not a valid HDF5 file ({e}).") from e
        with h5_file:
            check_h5_file(h5_file, source)
            group = _weights_group(h5_file, source)
            if by_name:
                plan = _plan_by_name(group, model, skip_mismatch)
            else:
                plan = _plan_in_order(group, model, skip_mismatch)
            assignments = [(owner, variable, _read(dataset)) for owner, variable, dataset in plan]
    _assign(assignments)


def _weights_group(h5_file, source):
    if "layer_names" in h5_file.attrs or "layer_names0" in h5_file.attrs:
        return h5_file
    weights = h5_file.get("model_weights")
    if isinstance(weights, h5py.Group):
        return weights
    raise LegacyH5Error(
        f"{source} is not a Keras weights file: its root has no 'layer_names' attribute and it has no "
        "'model_weights' group. Load files saved by `model.save_weights()` or `model.save()` of Keras "
        f"or cornu. Received: filepath={source}"
    )


def _saved_datasets(layer_group):
    """The datasets listed in ``weight_names`` of one layer group, in order (not read yet)."""
    datasets = []
    for name in read_names(layer_group, "weight_names"):
        dataset = _child_group(layer_group, name, "weight")
        if not isinstance(dataset, h5py.Dataset):
            raise LegacyH5Error(f"The weight '{name}' of '{layer_group.name}' is a group, not an array.")
        datasets.append(dataset)
    return datasets


def _saved_layers(group):
    """``[(name, datasets)]`` for every layer the file lists, with or without weights."""
    layers = []
    for name in read_names(group, "layer_names"):
        layer_group = _child_group(group, name, "layer")
        if not isinstance(layer_group, h5py.Group):
            raise LegacyH5Error(f"The layer entry '{name}' of '{group.name}' is an array, not a group.")
        layers.append((name, _saved_datasets(layer_group)))
    return layers


def _match_shapes(owner, variables, datasets, what, skip_mismatch):
    """``[(owner, variable, dataset)]`` for the pairs of equal shape; a mismatch raises or is skipped."""
    matched = []
    for variable, dataset in zip(variables, datasets):
        expected, saved = tuple(variable.shape), tuple(dataset.shape)
        if expected == saved:
            matched.append((owner, variable, dataset))
            continue
        message = (f"Shape mismatch in {what} for weight {variable.path}: the weight expects shape {expected}, "
                   f"the file holds shape {saved} (dataset '{dataset.name}').")
        if not skip_mismatch:
            raise LegacyH5Error(f"{message} The file was saved from a different architecture or configuration; "
                                "pass `skip_mismatch=True` to skip mismatched weights.")
        warnings.warn(f"Skipping loading weights: {message}", stacklevel=4)
    return matched


def _count_error(what, expected, saved):
    return LegacyH5Error(f"Weight count mismatch for {what}: the layer expects {expected} weight(s), the file "
                         f"holds {saved}. The file was saved from a different architecture.")


def _own_weights(model):
    """The model's own variables (not its layers'), as Keras's ``top_level_model_weights``."""
    nested = {id(w) for layer in model.layers for w in layer.weights}
    return [w for w in legacy_weights(model) if id(w) not in nested]


def _plan_top_level(group, model, skip_mismatch, by_name):
    if "top_level_model_weights" not in group:
        return []
    top = _child_group(group, "top_level_model_weights", "group")
    datasets = _saved_datasets(top) if isinstance(top, h5py.Group) else []
    own = _own_weights(model)
    if len(datasets) != len(own):
        if by_name and skip_mismatch:
            warnings.warn(f"Skipping the model's top-level weights: it has {len(own)}, the file holds "
                          f"{len(datasets)}.", stacklevel=3)
            return []
        raise LegacyH5Error(f"Weight count mismatch for the top-level weights of model '{model.name}': it "
                            f"expects {len(own)} top-level weight(s), the file holds {len(datasets)}.")
    return _match_shapes(model, own, datasets, f"the top-level weights of model '{model.name}'", skip_mismatch)


def _plan_in_order(group, model, skip_mismatch):
    layers = [layer for layer in model.layers if legacy_weights(layer)]
    saved = [(name, datasets) for name, datasets in _saved_layers(group) if datasets]
    if len(saved) != len(layers):
        raise LegacyH5Error(
            f"Layer count mismatch when loading weights from file: model '{model.name}' has {len(layers)} "
            f"layers with weights, the file holds weights for {len(saved)} layers "
            f"({[name for name, _ in saved][:10]}...). The file was saved from a different architecture.")
    plan = []
    for index, (layer, (saved_name, datasets)) in enumerate(zip(layers, saved)):
        variables = legacy_weights(layer)
        what = f"layer #{index} (named '{layer.name}' in the model, '{saved_name}' in the file)"
        if len(datasets) != len(variables):
            raise _count_error(what, len(variables), len(datasets))
        plan.extend(_match_shapes(layer, variables, datasets, what, skip_mismatch))
    return plan + _plan_top_level(group, model, skip_mismatch, by_name=False)


def _plan_by_name(group, model, skip_mismatch):
    by_name = {}
    for layer in model.layers:
        if layer.name:
            by_name.setdefault(layer.name, []).append(layer)
    plan = []
    for index, (saved_name, datasets) in enumerate(_saved_layers(group)):
        for layer in by_name.get(saved_name, []):
            variables = legacy_weights(layer)
            what = f"layer #{index} (named '{layer.name}')"
            if len(datasets) != len(variables):
                if skip_mismatch:
                    warnings.warn(f"Skipping loading weights of {what}: it has {len(variables)} weight(s), the "
                                  f"file holds {len(datasets)}.", stacklevel=3)
                    continue
                raise _count_error(what, len(variables), len(datasets))
            plan.extend(_match_shapes(layer, variables, datasets, what, skip_mismatch))
    return plan + _plan_top_level(group, model, skip_mismatch, by_name=True)


def _read(dataset):
    try:
        return read_dataset(dataset, f"the weight '{dataset.name}'")
    except UnboundedReadError as e:
        raise LegacyH5Error(str(e)) from e


def _assign(assignments):
    owners = {}
    for owner, variable, value in assignments:
        variable.assign(value)
        owners[id(owner)] = owner
    for owner in owners.values():
        finalize = getattr(owner, "finalize_state", None)
        if callable(finalize):
            finalize()
