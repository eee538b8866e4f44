"""``Model.get_state_tree`` / ``set_state_tree``: every variable of a model as nested dicts.

The tree has Keras's four groups (``trainable_variables``, ``non_trainable_variables``,
``optimizer_variables``, ``metrics_variables``); inside each, a variable sits under its ``path``
split at "/" (``{"my_model": {"dense": {"kernel": ...}}}``), so trees move between Keras and cornu.

Example:
>>> tree = model.get_state_tree(value_format="numpy_array")
>>> tree["trainable_variables"]["sequential"]["dense"]["kernel"].shape
(4, 2)
>>> model.set_state_tree(tree)
"""

VALUE_FORMATS = ("backend_tensor", "numpy_array")


def _groups(model):
    """The four variable groups of ``model``, by their state-tree names."""
    optimizer = getattr(model, "optimizer", None)
    return {
        "trainable_variables": model.trainable_variables,
        "non_trainable_variables": model.non_trainable_variables,
        "optimizer_variables": list(optimizer.variables) if optimizer is not None else [],
        "metrics_variables": model.metrics_variables,
    }


def _nested(variables, value_format):
    tree, seen = {}, set()
    for variable in variables:
        path = variable.path
        if path in seen:
            raise ValueError(
                f"The following variable path is found twice in the model: '{path}'. `get_state_tree()` "
                "needs unique variable paths: give your layers (and other objects) unique names."
            )
        seen.add(path)
        *parents, leaf = path.split("/")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = variable.value if value_format == "backend_tensor" else variable.numpy()
    return tree


def get_state_tree(model, value_format="backend_tensor"):
    """The model's variables as Keras's nested state tree (see the module docstring)."""
    if value_format not in VALUE_FORMATS:
        raise ValueError(
            "Invalid `value_format` argument. Expected one of {'numpy_array', 'backend_tensor'}. "
            f"Received: value_format={value_format}"
        )
    return {name: _nested(variables, value_format) for name, variables in _groups(model).items()}


def _flat(tree, prefix=""):
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}/")
        else:
            yield f"{prefix}{key}", value


def set_state_tree(model, state_tree):
    """Assigns the values of a state tree (as ``get_state_tree`` returns) to ``model``'s variables.

    As in Keras, a path that names no variable of its group is skipped, and a group may be left out.
    """
    groups = _groups(model)
    for name, subtree in state_tree.items():
        if name not in groups:
            raise ValueError(
                f"Unknown variable name: {name}. A state tree's groups are {sorted(groups)}. "
                f"Received: state_tree with keys {list(state_tree)}"
            )
        by_path = {}
        for variable in groups[name]:
            by_path.setdefault(variable.path, []).append(variable)
        for path, value in _flat(subtree):
            for variable in by_path.get(path, ()):
                variable.assign(value)
