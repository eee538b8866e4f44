"""Which group of the weights file belongs to which object: Keras 3's walk, reproduced.

Starting from the model, each *saveable* (a layer or other graph operation,
an optimizer, a metric, a loss) is reached by an attribute path, and that
path names its group: ``layers/dense``, ``optimizer``, ``my_block/dense_1``.
The walk, identical for saving and loading:

1. the object itself (path ``""`` for the root);
2. for Functional and Sequential models, ``layers`` first;
3. every other attribute in ``sorted(dir(obj))`` order, private (``_x``) names
   last, skipping names a bare object of the same kind already has (so the
   base classes' own machinery is never walked) and objects already visited;
4. a list, tuple or dict of saveables becomes one group per element, named
   after the element's class in snake_case with ``_1``, ``_2``, ... for
   repeats (``layers/dense``, ``layers/dense_1``); nested containers are
   ``container``, ``container_1``, ...
"""

import re

_SKIPSETS = {}


def snake_case(name):
    """Keras's class-name-to-group-name rule.

    Example:
    >>> snake_case("BatchNormalization"), snake_case("Conv2D"), snake_case("ReLU")
    ('batch_normalization', 'conv2d', 're_lu')
    """
    name = re.sub(r"\W+", "", name)
    # An uppercase letter that starts a lowercase run begins a word ("HTTPServer" -> "HTTP_Server")...
    name = re.sub(r"(?<=.)([A-Z][a-z]+)", r"_\1", name)
    # ...and so does any uppercase letter right after a lowercase one ("myLayer" -> "my_Layer").
    name = re.sub(r"(?<=[a-z])([A-Z])", r"_\1", name)
    return name.lower()


_BASES = []


def _base_classes():
    if _BASES:
        return _BASES[0]
    from cornu.layers.layer import Layer
    from cornu.losses.loss import Loss
    from cornu.metrics.metric import Metric
    from cornu.models.functional import Functional
    from cornu.models.sequential import Sequential
    from cornu.ops.operation import Operation
    from cornu.optimizers import Optimizer

    _BASES.append((Functional, Sequential, Layer, Operation, Metric, Optimizer, Loss))
    return _BASES[0]


def object_type(obj):
    """The kind of saveable ``obj`` is ("Functional", "Layer", "Optimizer", ...), or None.

    Example:
    >>> object_type(cornu.layers.Dense(2))
    'Layer'
    """
    functional, sequential, layer, operation, metric, optimizer, loss = _base_classes()
    if isinstance(obj, type):
        return None
    for cls, kind in ((functional, "Functional"), (sequential, "Sequential"), (layer, "Layer"),
                      (operation, "Operation"), (metric, "Metric"), (optimizer, "Optimizer"), (loss, "Loss")):
        if isinstance(obj, cls):
            return kind
    kind = getattr(obj, "_obj_type", None)
    if callable(kind):
        try:
            return kind()
        except NotImplementedError:
            return None
    return None


def is_saveable(obj):
    return object_type(obj) is not None


def _base_class(kind):
    functional, sequential, layer, operation, metric, optimizer, loss = _base_classes()
    return {"Layer": layer, "Functional": layer, "Sequential": layer, "Operation": operation,
            "Metric": metric, "Optimizer": optimizer, "Loss": loss}.get(kind)


def attribute_skipset(kind):
    """Attribute names not walked for objects of ``kind``: those a bare base object already has."""
    if kind not in _SKIPSETS:
        base = _base_class(kind)
        names = set(dir(object))
        if base is not None:
            try:
                kwargs = {"learning_rate": 1.0} if kind == "Optimizer" else {}
                names.update(dir(base(name="cornu_saving_probe", **kwargs)))
            except Exception:  # a base that cannot be built bare: its class attributes still tell most
                names.update(dir(base))
        names.add("_self_unconditional_dependency_names")
        if kind == "Functional":
            names.update(("operations", "_operations"))
        elif kind == "Sequential":
            # Keras reaches a Sequential's layers only through `layers`; cornu also keeps its
            # inner Functional and InputLayer in attributes, which Keras never writes.
            names.update(("_functional", "_input_layer"))
        elif kind == "Optimizer":
            names.discard("variables")
        _SKIPSETS[kind] = frozenset(names)
    return _SKIPSETS[kind]


def _private_last(name):
    return f"~{name}" if name.startswith("_") else name


def children(obj):
    """The ``(attribute, value)`` pairs the walk visits below ``obj``, in order."""
    kind = object_type(obj)
    skip = attribute_skipset(kind)
    if kind in ("Functional", "Sequential"):
        yield "layers", obj.layers
    for attr in sorted(dir(obj), key=_private_last):
        if attr.startswith("__") or attr in skip:
            continue
        try:
            value = getattr(obj, attr)
        except Exception:  # a property that cannot be computed now (e.g. `input` of an uncalled layer)
            continue
        yield attr, value


def _join(path, name):
    return f"{path}/{name}" if path else name


def _unique(name, used):
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def walk(root, visited=None):
    """Yields ``(path, saveable)`` for every saveable reachable from ``root``, in Keras's order.

    ``visited`` (a set of ``id``s) lets callers skip objects; it is updated.

    Example:
    >>> [path for path, _ in walk(model)]
    ['', 'layers/input_layer', 'layers/dense', 'layers/dense_1', 'optimizer']
    """
    visited = set() if visited is None else visited
    yield from _walk_object(root, "", visited)


def _walk_object(obj, path, visited):
    if id(obj) in visited:
        return
    visited.add(id(obj))
    yield path, obj
    for attr, value in children(obj):
        if is_saveable(value):
            yield from _walk_object(value, _join(path, attr), visited)
        elif isinstance(value, (list, tuple, dict)):
            yield from _walk_container(value, _join(path, attr), visited, set())


def _walk_container(container, path, visited, seen_containers):
    if id(container) in seen_containers:
        return
    seen_containers.add(id(container))
    used = {}
    items = list(container.values()) if isinstance(container, dict) else container
    for item in items:
        if is_saveable(item):
            yield from _walk_object(item, _join(path, _unique(snake_case(type(item).__name__), used)), visited)
        elif isinstance(item, (list, tuple, dict)):
            yield from _walk_container(item, _join(path, _unique("container", used)), visited, seen_containers)
