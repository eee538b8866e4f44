"""``cornu.utils.plot_model`` / ``model_to_dot`` draw the graph real Keras 3 draws.

The dot graphs of the same model built in cornu and in Keras 3.15.1 are compared node for node
(label HTML, attributes, cluster) and edge for edge (by the labels of their ends, since node ids
are object ids); then the graph is rendered by Graphviz to PNG and SVG and the files are checked.
"""

import inspect
import json
import re
import shutil
import struct
import sys
import xml.etree.ElementTree as ElementTree

import pytest

import cornu
from cornu.utils import model_visualization
from tests.helpers.requirements import fixture_path, import_real_keras, missing, require

ALL_LABEL_OPTIONS = dict(show_shapes=True, show_dtype=True, show_layer_activations=True, show_trainable=True)
LAYER_NAMES = ["in_a", "in_b", "dense_a", "dense_b", "merge", "block", "block_dense", "block_out", "inner",
               "inner_in", "inner_dense", "skip", "add", "head"]


@pytest.mark.parametrize("name", ["plot_model", "model_to_dot"])
def test_signature_is_keras(name):
    expected = json.loads(fixture_path("keras3_api_signatures.json").read_text())["utils"][name]["sig"]
    actual = [[p.name, p.kind.name, None if p.default is inspect.Parameter.empty else repr(p.default)]
              for p in inspect.signature(getattr(cornu.utils, name)).parameters.values()]
    assert actual == expected


def build_nested_model(keras):
    """Two inputs, a merge, a Sequential block and a nested Functional model, an add, an op."""
    block = keras.Sequential(
        [keras.Input(shape=(12,)), keras.layers.Dense(8, activation="relu", name="block_dense"),
         keras.layers.Dense(4, name="block_out")],
        name="block",
    )
    inner_input = keras.Input(shape=(12,), name="inner_in")
    inner = keras.Model(inner_input, keras.layers.Dense(4, name="inner_dense")(inner_input), name="inner")
    a = keras.Input(shape=(3,), name="in_a")
    b = keras.Input(shape=(5,), name="in_b", dtype="float16")
    merged = keras.layers.Concatenate(name="merge")(
        [keras.layers.Dense(6, activation="tanh", name="dense_a")(a), keras.layers.Dense(6, name="dense_b")(b)]
    )
    skip = keras.layers.Dense(4, name="skip", trainable=False)(merged)
    added = keras.layers.Add(name="add")([block(merged), inner(merged), skip])
    head = keras.layers.Dense(1, activation="sigmoid", name="head")(added)
    return keras.Model([a, b], [head, keras.ops.multiply(added, 2.0)], name="outer")


def dot_structure(dot):
    """The graph without object ids: graph attributes, sorted ``(label, attributes, cluster)`` of
    every node, and the set of ``(source label, destination label, attributes)`` edges."""
    nodes = {}

    def collect_nodes(graph, cluster):
        for node in graph.get_nodes():
            if node.get_name() not in ("node", "edge", "graph"):
                label = _drop_op_counter(node.get("label"))
                attributes = {k: v for k, v in node.get_attributes().items() if k != "label"}
                nodes[node.get_name()] = (label, tuple(sorted(attributes.items())), cluster)
        for sub in graph.get_subgraphs():
            collect_nodes(sub, (sub.get_name(), tuple(sorted(sub.get_attributes().items()))))

    edges = set()

    def collect_edges(graph):
        for edge in graph.get_edges():
            edges.add((nodes[edge.get_source()][0], nodes[edge.get_destination()][0],
                       tuple(sorted(edge.get_attributes().items()))))
        for sub in graph.get_subgraphs():
            collect_edges(sub)

    collect_nodes(dot, None)
    collect_edges(dot)
    defaults = [n.get_attributes() for n in dot.get_nodes() if n.get_name() == "node"]
    return sorted(dot.get_attributes().items()), defaults, sorted(nodes.values()), edges


def _drop_op_counter(label):
    # An op's name carries a process-wide counter ("multiply_3") that depends on what ran before.
    return re.sub(r"<b>multiply(_\d+)?</b>", "<b>multiply</b>", label)


def _require_graphviz():
    require("pydot")
    if shutil.which("dot") is None:
        missing("Graphviz's `dot` program", "install Graphviz (`apt-get install graphviz`)")


@pytest.mark.parametrize("expand_nested", [False, True])
@pytest.mark.parametrize("options", [{}, dict(ALL_LABEL_OPTIONS, show_layer_names=False), {"rankdir": "LR"}])
def test_model_to_dot_matches_keras(expand_nested, options):
    require("pydot")
    keras = import_real_keras()
    expected = dot_structure(keras.utils.model_to_dot(build_nested_model(keras), expand_nested=expand_nested,
                                                      **options))
    actual = dot_structure(cornu.utils.model_to_dot(build_nested_model(cornu), expand_nested=expand_nested,
                                                    **options))
    assert actual[0] == expected[0]
    assert actual[1] == expected[1]
    assert actual[2] == expected[2]
    assert actual[3] == expected[3]
    # The comparison has teeth: the graph really has the nested boxes, clusters and edges.
    clusters = {cluster[0] for _, _, cluster in actual[2] if cluster}
    assert clusters == ({"cluster_block", "cluster_inner"} if expand_nested else set())
    assert len(actual[3]) == (14 if expand_nested else 12)


def test_sequential_model_is_a_chain_matching_keras():
    require("pydot")
    keras = import_real_keras()

    def build(lib):
        return lib.Sequential([lib.Input(shape=(4,)), lib.layers.Dense(3, name="first"),
                               lib.layers.Dropout(0.1, name="drop"), lib.layers.Dense(2, name="last")], name="seq")

    for expand_nested in (False, True):
        expected = dot_structure(keras.utils.model_to_dot(build(keras), show_shapes=True, expand_nested=expand_nested))
        actual = dot_structure(cornu.utils.model_to_dot(build(cornu), show_shapes=True, expand_nested=expand_nested))
        assert actual == expected
        assert len(actual[3]) == 2


def _png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_plot_model_renders_png_and_svg(tmp_path):
    _require_graphviz()
    model = build_nested_model(cornu)
    png = tmp_path / "model.png"
    result = cornu.utils.plot_model(model, to_file=png, show_layer_names=True, expand_nested=True,
                                    **ALL_LABEL_OPTIONS)
    width, height = _png_size(png.read_bytes())
    assert width > 100 and height > 100
    # The plain graph is taller than wide top-to-bottom, and wider than tall left-to-right.
    cornu.utils.plot_model(model, to_file=tmp_path / "tb.png", dpi=40)
    cornu.utils.plot_model(model, to_file=tmp_path / "lr.png", dpi=40, rankdir="LR")
    tb_width, tb_height = _png_size((tmp_path / "tb.png").read_bytes())
    lr_width, lr_height = _png_size((tmp_path / "lr.png").read_bytes())
    assert tb_height > tb_width and lr_width > lr_height
    assert result is None or type(result).__name__ == "Image"  # an IPython Image when IPython is there

    svg = tmp_path / "model.svg"
    assert cornu.utils.plot_model(model, to_file=str(svg), show_layer_names=True, expand_nested=True,
                                  **ALL_LABEL_OPTIONS) is None
    root = ElementTree.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = " ".join(t for t in root.itertext())
    for name in LAYER_NAMES:  # expanded models ("block", "inner") are drawn as cluster titles
        assert re.search(rf"\b{name}\b", text), name
    assert "cluster_block" in ElementTree.tostring(root, encoding="unicode")
    for words in ("Output shape", "(None, 12)", "float16", "Activation", "sigmoid", "Non-trainable"):
        assert words in text, words
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lr.png", "model.png", "model.svg", "tb.png"]  # no temporary file left


def test_plot_model_writes_dot_and_pdf_by_extension(tmp_path):
    _require_graphviz()
    model = build_nested_model(cornu)
    cornu.utils.plot_model(model, to_file=tmp_path / "model.pdf")
    assert (tmp_path / "model.pdf").read_bytes()[:5] == b"%PDF-"
    cornu.utils.plot_model(model, to_file=tmp_path / "model.dot", show_layer_names=True)
    assert (tmp_path / "model.dot").read_text().lstrip().startswith("digraph")
    assert "dense_a" in (tmp_path / "model.dot").read_text()


def test_unbuilt_subclassed_model_raises_keras_error(tmp_path):
    class Subclassed(cornu.Model):
        def __init__(self):
            super().__init__()
            self.dense = cornu.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    model = Subclassed()
    for draw in (lambda: cornu.utils.plot_model(model, to_file=tmp_path / "m.png"),
                 lambda: cornu.utils.model_to_dot(model)):
        with pytest.raises(ValueError, match=r"This model has not yet been built\. Build the model first by "
                                             r"calling `build\(\)` or by calling the model on a batch of data\."):
            draw()
    assert not (tmp_path / "m.png").exists()


def test_built_subclassed_model_is_one_box():
    require("pydot")

    class Subclassed(cornu.Model):
        def __init__(self):
            super().__init__(name="sub")
            self.dense = cornu.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    model = Subclassed()
    model(cornu.ops.ones((1, 3)))
    _, _, nodes, edges = dot_structure(cornu.utils.model_to_dot(model, show_shapes=True))
    assert len(nodes) == 1 and not edges
    assert "<b>sub</b> (Subclassed)" in nodes[0][0] and "Output shape: <b>?</b>" in nodes[0][0]


def test_missing_pydot_says_how_to_install_it(monkeypatch, tmp_path):
    for name in ("pydot", "pydot_ng", "pydotplus"):
        monkeypatch.setitem(sys.modules, name, None)  # `import pydot` now raises ImportError
    model = build_nested_model(cornu)
    with pytest.raises(ImportError, match=r"You must install pydot \(`pip install pydot`\) for `plot_model`"):
        cornu.utils.plot_model(model, to_file=tmp_path / "model.png")
    with pytest.raises(ImportError, match=r"You must install pydot \(`pip install pydot`\) for model_to_dot"):
        cornu.utils.model_to_dot(model)
    assert not model_visualization.check_pydot()
    assert not (tmp_path / "model.png").exists()


def test_missing_graphviz_says_how_to_install_it(monkeypatch, tmp_path):
    require("pydot")
    monkeypatch.setattr(model_visualization, "check_graphviz", lambda: False)
    with pytest.raises(ImportError, match="You must install graphviz"):
        cornu.utils.plot_model(build_nested_model(cornu), to_file=tmp_path / "model.png")


def test_unknown_keyword_arguments_are_refused():
    require("pydot")
    model = build_nested_model(cornu)
    with pytest.raises(ValueError, match="`layer_range` is no longer supported"):
        cornu.utils.model_to_dot(model, layer_range=["a", "b"])
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        cornu.utils.model_to_dot(model, show_colors=True)


def test_odd_names_are_escaped_in_labels():
    require("pydot")
    inputs = cornu.Input(shape=(2,), name="x")
    outputs = cornu.layers.Dense(2, activation=lambda t: t, name="a&b")(inputs)
    dot = cornu.utils.model_to_dot(cornu.Model(inputs, outputs), show_layer_activations=True)
    labels = " ".join(n.get("label") for n in dot.get_nodes() if n.get("label"))
    assert "<b>a&amp;b</b> (Dense)" in labels and "Activation: <b>&lt;lambda&gt;</b>" in labels


def test_importing_cornu_does_not_import_pydot():
    import os
    import subprocess

    # On the NumPy backend, since torch imports pydot itself (torch.fx's graph drawer).
    code = "import sys, cornu, cornu.utils; assert cornu.utils.plot_model; print('pydot' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "CORNU_BACKEND": "numpy"})
    assert result.stdout.strip() == "False"
