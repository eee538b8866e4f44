"""``plot_model`` and ``model_to_dot``: a model's layer graph as a Graphviz picture.

pydot is imported only when a graph is drawn (importing cornu never imports it), and Graphviz's
``dot`` program renders the picture. A Sequential model is a chain of boxes, a Functional model
its graph of layer calls, a subclassed model one box; with ``expand_nested=True`` a nested
Sequential or Functional model becomes a dashed cluster holding its own layers, and edges run
into and out of the boxes inside it. Labels and graph attributes are those Keras 3 draws.

Example:
>>> cornu.utils.plot_model(model, to_file="model.png", show_shapes=True)
"""

import importlib
import os
import sys
import tempfile

from cornu import tree
from cornu.serialization.registry import keras_export
from cornu.utils import io_utils
from cornu.utils.layer_label import layer_label

_PYDOT_MODULES = ("pydot", "pydot_ng", "pydotplus")  # pydot_ng and pydotplus: older forks of pydot
_NOT_BUILT = ("This model has not yet been built. Build the model first by calling `build()` or by calling "
              "the model on a batch of data.")
_IPYTHON_IMAGE_FORMATS = ("png", "jpg", "jpeg", "gif", "webp")


def import_pydot():
    """The pydot module (or one of its forks), or None when none is installed."""
    for name in _PYDOT_MODULES:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


def check_pydot():
    """Whether pydot is installed."""
    return import_pydot() is not None


def check_graphviz():
    """Whether pydot is installed and Graphviz's ``dot`` program can render a graph."""
    pydot = import_pydot()
    if pydot is None:
        return False
    try:
        pydot.Dot.create(pydot.Dot())
        return True
    except (OSError, pydot.PydotException):
        return False


@keras_export("keras.utils.model_to_dot")
def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False,
                 show_trainable=False, splines="ortho", **kwargs):
    """Converts a model to a ``pydot.Dot`` graph (a ``pydot.Cluster`` when ``subgraph=True``).

    Args:
        model: a built model (or layer).
        show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable: what
            each layer's box shows.
        rankdir: ``"TB"`` (top to bottom) or ``"LR"`` (left to right).
        expand_nested: draw nested Sequential/Functional models as clusters of their layers.
        dpi: resolution of rendered images.
        subgraph: return a ``pydot.Cluster`` (how nested models are drawn).
        splines: how edges are drawn: ``"ortho"``, ``"curved"``, ``"polyline"``, ``"spline"``,
            ``"line"``.

    Example:
    >>> dot = cornu.utils.model_to_dot(model, show_shapes=True)
    >>> dot.write("model.dot", format="raw")
    """
    _check_built(model)
    pydot = import_pydot()
    if pydot is None:
        raise ImportError("You must install pydot (`pip install pydot`) for model_to_dot to work.")
    _check_kwargs(kwargs)
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        dot.set("rankdir", rankdir)
        dot.set("concentrate", True)
        dot.set("dpi", dpi)
        dot.set("splines", splines)
        dot.set_node_defaults(shape="record")
    label_options = dict(show_layer_names=show_layer_names, show_layer_activations=show_layer_activations,
                         show_dtype=show_dtype, show_shapes=show_shapes, show_trainable=show_trainable)

    sequential, functional = _is_sequential(model), _is_functional(model)
    if not sequential and not functional:
        dot.add_node(_make_node(pydot, model, label_options))  # a subclassed model is one box
        return dot
    layers = model.layers if sequential else model._operations

    for layer in layers:
        if expand_nested and (_is_sequential(layer) or _is_functional(layer)):
            dot.add_subgraph(model_to_dot(layer, expand_nested=True, subgraph=True, **label_options))
        else:
            dot.add_node(_make_node(pydot, layer, label_options))

    if sequential and not expand_nested:
        for source, destination in zip(layers[:-1], layers[1:]):
            _add_edge(pydot, dot, source, destination)
        return dot
    if sequential:
        # The first layer's incoming edge comes from outside the cluster: the edge drawn to
        # the nested model itself, redirected to that layer by the enclosing graph.
        layers = layers[1:]
    graph_nodes = {id(node) for node in model._nodes} if functional else None
    for layer in layers:
        for source, destination in _layer_edges(layer, graph_nodes, expand_nested):
            _add_edge(pydot, dot, source, destination)
    return dot


@keras_export("keras.utils.plot_model")
def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=False,
               rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False,
               show_trainable=False, splines="ortho", **kwargs):
    """Draws a model's graph into ``to_file`` (PNG, SVG, PDF, DOT, ... chosen by its extension).

    Returns an ``IPython.display.Image`` of a raster file (png, jpg, gif, webp) when IPython is
    installed, so a notebook shows the plot in line; otherwise None.

    Example:
    >>> inputs = cornu.Input(shape=(8,))
    >>> model = cornu.Model(inputs, cornu.layers.Dense(1)(inputs))
    >>> cornu.utils.plot_model(model, to_file="model.png", show_shapes=True)
    """
    _check_built(model)
    if not check_pydot():
        return _missing_dependency("You must install pydot (`pip install pydot`) for `plot_model` to work.")
    if not check_graphviz():
        return _missing_dependency(
            "You must install graphviz (see instructions at https://graphviz.gitlab.io/download/; on Debian "
            "or Ubuntu: `apt-get install graphviz`) for `plot_model` to work."
        )
    _check_kwargs(kwargs)
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                       rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations, show_trainable=show_trainable,
                       splines=splines)
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    _write_atomically(to_file, dot.create(format=extension))
    if extension in _IPYTHON_IMAGE_FORMATS:
        try:
            from IPython import display
        except ImportError:
            return None
        return display.Image(filename=to_file)
    return None


def _check_built(model):
    if not getattr(model, "built", False):
        raise ValueError(f"{_NOT_BUILT} Received: model={getattr(model, 'name', model)!r} (built=False)")


def _check_kwargs(kwargs):
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")


def _missing_dependency(message):
    # In a notebook a missing renderer prints instead of raising, so notebook runs without
    # Graphviz still complete (as in Keras).
    if "IPython.core.magics.namespace" in sys.modules:
        io_utils.print_msg(message)
        return None
    raise ImportError(message)


def _write_atomically(path, data):
    """Writes ``data`` beside ``path`` first, then renames: a failed render never leaves half a file."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".plot_model-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _is_sequential(obj):
    from cornu.models.sequential import Sequential

    return isinstance(obj, Sequential)


def _is_functional(obj):
    from cornu.models.functional import Functional

    return isinstance(obj, Functional)


def _make_node(pydot, layer, label_options):
    node = pydot.Node(str(id(layer)), label=layer_label(layer, **label_options))
    node.set("fontname", "Helvetica")
    node.set("border", "0")
    node.set("margin", "0")
    return node


def _add_edge(pydot, dot, source, destination):
    source_id, destination_id = str(id(source)), str(id(destination))
    if not dot.get_edge(source_id, destination_id):
        edge = pydot.Edge(source_id, destination_id)
        edge.set("penwidth", "2")
        dot.add_edge(edge)


def _layer_edges(layer, graph_nodes, expand_nested):
    """``(source, destination)`` for each tensor flowing into ``layer``'s calls; with
    ``graph_nodes`` (a Functional model's nodes) only the calls that belong to that graph."""
    for node in layer._inbound_nodes:
        if graph_nodes is not None and id(node) not in graph_nodes:
            continue
        for input_index, tensor in enumerate(node.input_tensors):
            history = tensor._keras_history
            if history is None or history.operation is None:
                continue
            source, output_index = history.operation, history.tensor_index
            destination = layer
            if expand_nested:
                source = _innermost_source(source, output_index)
                destination = _innermost_destination(destination, input_index)
            yield source, destination


def _innermost_source(source, output_index):
    """The layer inside (possibly several levels of) nested models that makes the output."""
    while _is_sequential(source) or _is_functional(source):
        outputs = _flat_tensors(source, "outputs")
        if output_index >= len(outputs):
            break
        history = outputs[output_index]._keras_history
        source, output_index = history.operation, history.tensor_index
    return source


def _innermost_destination(destination, input_index):
    """The box inside nested models that an input arrives at: a Functional model's InputLayer,
    a Sequential model's first layer."""
    while True:
        if _is_functional(destination):
            inputs = _flat_tensors(destination, "inputs")
            if input_index >= len(inputs):
                return destination
            destination = inputs[input_index]._keras_history.operation
        elif _is_sequential(destination) and destination.layers:
            destination = destination.layers[0]
        else:
            return destination


def _flat_tensors(model, which):
    """A nested model's input or output tensors, flattened in the order its call node lists them."""
    flat = getattr(model, f"_{which}", None)  # a Functional model keeps them flat
    if flat is None:
        flat = tree.flatten(getattr(model, which) or [])
    return list(flat)
