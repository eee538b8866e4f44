"""``cornu.tree``: utilities for nested structures (``keras.tree``), backed by optree.

A structure is any nesting of lists, tuples, namedtuples, dicts (visited in
sorted-key order) and other registered containers; everything else is a leaf,
``None`` included. Containers registered in optree's ``"keras"`` namespace are
honoured, so structures behave exactly as in Keras.

Example:
>>> cornu.tree.flatten({"b": [1, 2], "a": 3})
[3, 1, 2]
"""

import optree

from cornu.serialization.registry import keras_export

_NS = "keras"


class MAP_TO_NONE:
    """Returned by a :func:`traverse` callback to replace a node with ``None``.

    Example:
    >>> cornu.tree.traverse(lambda x: cornu.tree.MAP_TO_NONE if x == 1 else None, [1, 2])
    [None, 2]
    """


def _is_leaf(value):
    return optree.tree_is_leaf(value, none_is_leaf=True, namespace=_NS)


def is_nested(structure):
    """Whether ``structure`` is a container (list, tuple, dict, ...) rather than a leaf.

    Example: ``is_nested([1]) -> True``, ``is_nested(1) -> False``
    """
    return not _is_leaf(structure)


def flatten(structure):
    """The leaves of ``structure`` in order (dicts by sorted key).

    Example: ``flatten({"b": 2, "a": [1, None]}) -> [1, None, 2]``
    """
    return optree.tree_leaves(structure, none_is_leaf=True, namespace=_NS)


def flatten_with_path(structure):
    """``(path, leaf)`` pairs, where ``path`` is the tuple of keys/indices leading to the leaf.

    Example: ``flatten_with_path({"a": [5]}) -> [(("a", 0), 5)]``
    """
    paths, leaves, _ = optree.tree_flatten_with_path(structure, none_is_leaf=True, namespace=_NS)
    return list(zip(paths, leaves))


def map_structure(func, *structures, none_is_leaf=True):
    """Applies ``func`` to the matching leaves of ``structures`` and rebuilds the structure.

    Raises ``ValueError`` if the structures do not have the same nesting.

    Example: ``map_structure(lambda a, b: a + b, [1, 2], [10, 20]) -> [11, 22]``
    """
    if not callable(func):
        raise TypeError(f"`func` must be callable. Received: func={func!r}")
    if not structures:
        raise TypeError("map_structure needs at least one structure. Received: none")

    def checked(*leaves):
        # A leaf in one structure must be a leaf in all of them.
        if not all(optree.tree_is_leaf(v, none_is_leaf=none_is_leaf, namespace=_NS) for v in leaves):
            raise ValueError("Structures don't have the same nested structure.")
        return func(*leaves)

    target = checked if len(structures) > 1 else func
    return optree.tree_map(target, *structures, none_is_leaf=none_is_leaf, namespace=_NS)


def map_structure_up_to(shallow_structure, func, *structures):
    """Like :func:`map_structure`, but ``func`` receives the sub-structures found at the
    leaves of ``shallow_structure``.

    Example: ``map_structure_up_to([0, 0], len, [[1, 2], [3]]) -> [2, 1]``
    """
    if not structures:
        raise TypeError("map_structure_up_to needs at least one structure. Received: none")
    spec = optree.tree_structure(shallow_structure, none_is_leaf=True, namespace=_NS)
    try:
        columns = [spec.flatten_up_to(s) for s in structures]
    except (ValueError, TypeError) as e:
        raise ValueError(f"Structures don't have the same nested structure as `shallow_structure`: {e}") from None
    return optree.tree_unflatten(spec, [func(*values) for values in zip(*columns)])


def assert_same_structure(a, b, check_types=None):
    """Raises ``ValueError`` unless ``a`` and ``b`` have the same nesting (container types included).

    ``check_types`` is accepted for compatibility and ignored, as in Keras.

    Example: ``assert_same_structure([1, (2,)], [3, (4,)])`` passes.
    """

    def check(a_leaf, b_leaf):
        if not (_is_leaf(a_leaf) and _is_leaf(b_leaf)):
            raise ValueError("Structures don't have the same nested structure.")

    try:
        optree.tree_map(check, a, b, none_is_leaf=True, namespace=_NS)
    except ValueError as e:
        raise ValueError(f"Structures don't have the same nested structure. Received: a={a!r}, b={b!r}") from e


def assert_same_paths(a, b):
    """Raises ``ValueError`` unless ``a`` and ``b`` have the same set of leaf paths.

    Example: ``assert_same_paths({"a": 1}, {"a": [2]})`` raises; ``({"a": 1}, {"a": 2})`` passes.
    """
    a_paths = set(optree.tree_paths(a, none_is_leaf=True, namespace=_NS))
    b_paths = set(optree.tree_paths(b, none_is_leaf=True, namespace=_NS))
    if a_paths != b_paths:
        raise ValueError(
            "The two structures don't have the same paths. "
            f"Only in a: {sorted(a_paths - b_paths, key=str)}; only in b: {sorted(b_paths - a_paths, key=str)}"
        )


def pack_sequence_as(structure, flat_sequence):
    """Rebuilds ``structure`` with the leaves taken in order from ``flat_sequence``.

    Example: ``pack_sequence_as({"a": 0, "b": [0]}, [1, 2]) -> {"a": 1, "b": [2]}``
    """
    if not isinstance(flat_sequence, (list, tuple)) and not hasattr(flat_sequence, "__len__"):
        raise TypeError(f"`flat_sequence` must be a sequence. Received: flat_sequence={flat_sequence!r}")
    spec = optree.tree_structure(structure, none_is_leaf=True, namespace=_NS)
    if spec.num_leaves != len(flat_sequence):
        raise ValueError(
            f"`flat_sequence` has {len(flat_sequence)} elements but `structure` has {spec.num_leaves} leaves. "
            f"Received: structure={structure!r}"
        )
    return optree.tree_unflatten(spec, list(flat_sequence))


def lists_to_tuples(structure):
    """Turns every list in ``structure`` into a tuple.

    Example: ``lists_to_tuples([1, [2]]) -> (1, (2,))``
    """

    def convert(node):
        if isinstance(node, list):
            return tuple(lists_to_tuples(v) for v in node)
        return None

    return traverse(convert, structure, top_down=True)


def is_shape(value):
    """Whether ``value`` reads as a shape: a tuple or list of ints and ``None`` (unknown sizes).

    Not part of ``keras.tree``; the layers use it to tell shapes from structures of shapes.

    Example: ``is_shape((None, 3)) -> True``, ``is_shape([(None, 3)]) -> False``
    """
    return isinstance(value, (list, tuple)) and all(v is None or isinstance(v, int) for v in value)


def map_shape_structure(func, structure):
    """Like :func:`map_structure`, but tuples/lists of ints (or None) are leaves (shapes).

    Example: ``map_shape_structure(len, {"x": (2, 3), "y": [(1,)]}) -> {"x": 2, "y": [1]}``
    """
    return optree.tree_map(func, structure, is_leaf=is_shape, none_is_leaf=True, namespace=_NS)


def traverse(func, structure, top_down=True):
    """Calls ``func`` on every node (containers and leaves) of ``structure``.

    Top-down: a non-None result replaces the node and its children are not visited
    (return :class:`MAP_TO_NONE` to replace it with ``None``). Bottom-up: children are
    traversed first and ``func`` sees the rebuilt node.

    Example: ``traverse(lambda x: x * 2 if isinstance(x, int) else None, [1, (2,)]) -> [2, (4,)]``
    """

    def resolve(result, original):
        if result is MAP_TO_NONE or isinstance(result, MAP_TO_NONE):
            return None
        return original if result is None else result

    def visit_children(node):
        children, spec = optree.tree_flatten(node, is_leaf=lambda v: v is not node, none_is_leaf=True, namespace=_NS)
        return optree.tree_unflatten(spec, [visit(c) for c in children])

    def visit(node):
        if top_down:
            result = func(node)
            if result is not None:
                return resolve(result, node)
            return node if _is_leaf(node) else visit_children(node)
        rebuilt = node if _is_leaf(node) else visit_children(node)
        return resolve(func(rebuilt), rebuilt)

    return visit(structure)


__all__ = [
    "MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten", "flatten_with_path", "is_nested",
    "lists_to_tuples", "map_shape_structure", "map_structure", "map_structure_up_to", "pack_sequence_as", "traverse",
]

for _name in __all__:
    keras_export(f"keras.tree.{_name}")(globals()[_name])
