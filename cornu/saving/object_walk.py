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

from cornu.backend.common.naming import to_snake_case

_SKIPSETS = {}


def object_type(obj):
    """The kind of saveable ``obj`` is ("Functional", "Layer", "Optimizer", ...), or None.

    Each saveable base class declares its kind with an ``_obj_type()`` method, as in Keras.

    Example:
    >>> object_type(cornu.layers.Dense(2))
    'Layer'
    """
    if isinstance(obj, type):
        return None
    kind = getattr(obj, "_obj_type", None)
    if callable(kind):
        try:
            return kind()
        except NotImplementedError:
            return None
    return None


def is_saveable(obj):
    return object_type(obj) is not None


# Functional and Sequential models skip what a bare Layer has (plus their own extras).
_SKIP_LIKE = {"Functional": "Layer", "Sequential": "Layer"}
# cornu's own saveable bases; any other kind (a user's) skips only what a bare object has.
_BASE_KINDS = frozenset({"Layer", "Operation", "Metric", "Optimizer", "Loss"})


def _base_class(obj, kind):
    """The base class that declares ``kind`` (the most basic class in ``obj``'s MRO saying so)."""
    wanted = _SKIP_LIKE.get(kind, kind)
    base = None
    if wanted not in _BASE_KINDS:
        return None
    for cls in type(obj).__mro__:
        declared = vars(cls).get("_obj_type")
        if callable(declared):
            try:
                if declared(obj) == wanted:
                    base = cls
            except NotImplementedError:
                continue
    return base


def attribute_skipset(kind, obj=None):
    """Attribute names not walked for objects of ``kind`` (like ``obj``): those a bare base object already has."""
    if kind not in _SKIPSETS:
        base = _base_class(obj, kind) if obj is not None else None
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
    skip = attribute_skipset(kind, obj)
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
            yield from _walk_object(item, _join(path, _unique(to_snake_case(type(item).__name__), used)), visited)
        elif isinstance(item, (list, tuple, dict)):
            yield from _walk_container(item, _join(path, _unique("container", used)), visited, seen_containers)
