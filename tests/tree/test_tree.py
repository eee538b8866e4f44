"""``cornu.tree`` behaves like ``keras.tree`` (checked side by side with the real Keras)."""

import collections

import pytest

from cornu import tree

Point = collections.namedtuple("Point", ["x", "y"])
STRUCTURES = [
    {"b": [1, 2], "a": (3, None)},
    [1, [2, [3, {"z": 4, "y": 5}]]],
    Point(1, [2, 3]),
    collections.OrderedDict([("b", 1), ("a", 2)]),
    5,
    None,
    (),
]


@pytest.mark.parametrize("structure", STRUCTURES, ids=range(len(STRUCTURES)))
def test_matches_keras(structure, keras_ref):
    kt = keras_ref.tree
    assert tree.flatten(structure) == kt.flatten(structure)
    assert tree.flatten_with_path(structure) == kt.flatten_with_path(structure)
    assert tree.is_nested(structure) == kt.is_nested(structure)
    assert tree.lists_to_tuples(structure) == kt.lists_to_tuples(structure)
    plus = lambda v: None if v is None else v + 1  # noqa: E731
    assert tree.map_structure(plus, structure) == kt.map_structure(plus, structure)
    flat = list(range(len(tree.flatten(structure))))
    assert tree.pack_sequence_as(structure, flat) == kt.pack_sequence_as(structure, flat)
    tree.assert_same_structure(structure, structure)
    tree.assert_same_paths(structure, structure)


def test_traverse_matches_keras(keras_ref):
    s = [1, (2, [3]), {"a": 4}]
    for top_down in (True, False):
        fn = lambda v: v * 10 if isinstance(v, int) else None  # noqa: E731
        assert tree.traverse(fn, s, top_down=top_down) == keras_ref.tree.traverse(fn, s, top_down=top_down)
    drop = lambda v: tree.MAP_TO_NONE if v == 2 else None  # noqa: E731
    assert tree.traverse(drop, s) == [1, (None, [3]), {"a": 4}]
    cut = lambda v: "list" if isinstance(v, list) else None  # noqa: E731
    assert tree.traverse(cut, s) == "list"


def test_structure_errors():
    with pytest.raises(ValueError):
        tree.assert_same_structure([1, 2], (1, 2))
    with pytest.raises(ValueError):
        tree.assert_same_structure([1, [2]], [1, 2])
    with pytest.raises(ValueError):
        tree.assert_same_paths({"a": 1}, {"b": 1})
    with pytest.raises(ValueError):
        tree.map_structure(lambda a, b: a, [1, [2]], [1, 2])
    with pytest.raises(ValueError):
        tree.pack_sequence_as([0, 0], [1])


def test_map_helpers():
    assert tree.map_structure(lambda a, b: a + b, [1, (2,)], [10, (20,)]) == [11, (22,)]
    assert tree.map_structure_up_to([0, 0], len, [[1, 2], [3]]) == [2, 1]
    assert tree.map_shape_structure(len, {"x": (2, None), "y": [(1,)]}) == {"x": 2, "y": [1]}
    assert tree.map_structure(lambda v: v, None) is None
