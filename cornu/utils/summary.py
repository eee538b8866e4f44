"""``model.summary()``: a table of layers, output shapes and parameter counts.

The table is drawn with ``rich`` exactly as Keras 3 draws it (same columns,
widths, box characters and totals), so a summary reads the same in both.
"""

import math
import re
import shutil

import rich.console
import rich.markup
import rich.table

from cornu.backend import standardize_dtype
from cornu.tree import is_shape
from cornu.utils import io_utils

_SIZE_UNITS = ["B", "KB", "MB", "GB", "TB", "PB"]


def dtype_size_in_bits(dtype):
    """Bits per element of ``dtype``: 32 for float32, 16 for bfloat16, 1 for bool.

    Example:
    >>> dtype_size_in_bits("float16")
    16
    """
    dtype = standardize_dtype(dtype)
    if dtype == "bool":
        return 1
    match = re.search(r"\d+", dtype)  # "float8_e4m3fn" -> 8, "int4" -> 4
    if match is None:
        raise ValueError(f"Cannot tell the size of one element of this dtype. Received: dtype={dtype!r}")
    return int(match.group(0))


def count_params(weights):
    """Total number of scalars in ``weights`` (anything with a ``.shape``).

    Example:
    >>> count_params(model.trainable_weights)
    874
    """
    return int(sum(math.prod(w.shape) for w in weights))


def weight_memory_size(weights):
    """Bytes taken by ``weights``, counting a weight listed twice once.

    Example:
    >>> weight_memory_size(model.weights)
    3496.0
    """
    unique = {id(w): w for w in weights}.values()
    bits = sum(math.prod(w.shape) * dtype_size_in_bits(w.dtype) for w in unique)
    return bits / 8


def format_size(num_bytes):
    """A byte count in binary units with 2 decimals, as the summary prints it.

    Example:
    >>> format_size(19240)
    '18.79 KB'
    """
    size = num_bytes
    for unit in _SIZE_UNITS[:-1]:
        if size < 1024:
            return f"{size:.2f} {unit}"
        size /= 1024
    # Past 1024 PB Keras divides once more and under-reports by 1024x; we do not.
    return f"{size:.2f} {_SIZE_UNITS[-1]}"


def _number(x):
    return f"[color(45)]{x}[/]" if x is None else f"[color(34)]{x}[/]"


def _symbol(x):
    return f"[color(33)]{x}[/]"


def _bold(x, color=None):
    return f"[bold][color({color})]{x}[/][/]" if color else f"[bold]{x}[/]"


def _format_shape(shape):
    return "(" + ", ".join(_number(d) for d in shape) + ")"


def _map_shapes(structure, get_shape):
    """Formats every leaf of ``structure`` (list/tuple/dict of tensors or shapes)."""
    if isinstance(structure, dict):
        return {k: _map_shapes(v, get_shape) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)) and not is_shape(get_shape(structure)):
        return type(structure)(_map_shapes(v, get_shape) for v in structure)
    return _format_shape(get_shape(structure))


def _flatten(structure):
    if isinstance(structure, dict):
        return [leaf for v in structure.values() for leaf in _flatten(v)]
    if isinstance(structure, (list, tuple)):
        return [leaf for v in structure for leaf in _flatten(v)]
    return [structure]


def _shape_of_tensor(x):
    return tuple(x.shape) if hasattr(x, "shape") else x


def _shape_as_is(x):
    return tuple(x) if is_shape(x) else x


def _class_name(operation):
    # An op called on symbolic tensors is recorded as a generic wrapper around
    # its function; Keras has one class per op ("add" -> Add), so show that name.
    fn = getattr(operation, "fn", None)
    if type(operation).__name__ == "FunctionOperation" and fn is not None:
        return "".join(part.capitalize() for part in fn.__name__.split("_"))
    return type(operation).__name__


def format_layer_shape(layer):
    """The "Output Shape" cell of ``layer``: from its graph node, its build shapes, or ``"?"``."""
    try:
        nodes = getattr(layer, "_inbound_nodes", None)
        build_shapes = getattr(layer, "_build_shapes_dict", None) or getattr(layer, "_build_shapes", None)
        if nodes:
            node = nodes[-1]
            outputs = node.outputs if hasattr(node, "outputs") else node.output_tensors
            formatted = _map_shapes(outputs, _shape_of_tensor)
        elif build_shapes:
            formatted = _map_shapes(layer.compute_output_shape(**build_shapes), _shape_as_is)
        else:
            formatted = _map_shapes(layer.output, _shape_of_tensor)
    except Exception:  # the shape is unknown; the rest of the summary is still useful
        return "?"
    flat = _flatten(formatted)
    if len(flat) == 1:
        return flat[0]
    return str(formatted).replace("'", "")


def layer_range_bounds(layers, layer_range=None):
    """``[start, stop)`` indices of the layers selected by ``layer_range``.

    ``layer_range`` is two names or regexes: the first layer matching the first,
    the last layer matching the second (both included).

    Example:
    >>> layer_range_bounds(model.layers, ["dense", "dense_1"])
    [0, 3]
    """
    if layer_range is None:
        return [0, len(layers)]
    if len(layer_range) != 2:
        raise ValueError(
            "layer_range must be a list or tuple of length 2. "
            f"Received: layer_range = {layer_range} of length {len(layer_range)}"
        )
    if not all(isinstance(name, str) for name in layer_range):
        raise ValueError(f"layer_range should contain string type only. Received: {layer_range}")
    lower = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    upper = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not lower or not upper:
        raise ValueError(
            f"Passed layer_names do not match the layer names in the model. Received: {layer_range}"
        )
    if min(lower) > max(upper):
        return [min(upper), max(lower) + 1]
    return [min(lower), max(upper) + 1]


def _is_chain(nodes):
    """Whether the graph's nodes form one straight line, as in a Sequential model.

    It does not if it has several inputs, a node with several input tensors,
    a tensor used by several nodes (a branch), or a layer called twice.
    """
    if sum(1 for node in nodes if not node.input_tensors) > 1:
        return False
    if any(len(node.input_tensors) > 1 for node in nodes):
        return False
    operations = [node.operation for node in nodes]
    if len({id(op) for op in operations}) < len(operations):
        return False
    consumed = [id(node.input_tensors[0]) for node in nodes if node.input_tensors]
    return len(set(consumed)) == len(consumed)


def _graph_layout(model):
    """``(layers, sequential_like, nodes)`` for the table.

    A Functional graph (a model with ``_nodes_by_depth`` or ``_nodes``) that
    is not a single chain gets the "Connected to" column; everything else is
    listed as a plain sequence of ``model.layers``.
    """
    nodes_by_depth = getattr(model, "_nodes_by_depth", None)
    if nodes_by_depth is not None:
        nodes = [node for depth_nodes in nodes_by_depth.values() for node in depth_nodes]
    else:
        nodes = getattr(model, "_nodes", None)
    sequential = getattr(model, "_obj_type", lambda: None)() == "Sequential"
    if sequential or nodes is None or not hasattr(model, "_operations"):
        return list(model.layers), True, None
    nodes = list(nodes)
    return list(model._operations), _is_chain(nodes), nodes


def _connections(layer, relevant_nodes):
    sources = []
    for node in getattr(layer, "_inbound_nodes", []):
        if relevant_nodes and node not in relevant_nodes:
            continue  # a call of this layer outside this model
        for tensor in node.input_tensors:
            history = tensor._keras_history
            sources.append(
                f"{history.operation.name}[{_number(history.node_index)}][{_number(history.tensor_index)}]"
            )
    return ", ".join(sources) or "-"


def _column_widths(positions, line_length):
    if positions[-1] > 1:  # absolute column ends
        positions = [p / line_length for p in positions]
    widths = []
    used = 0
    for position in positions:
        width = int(position * line_length) - used
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        used += width
    return widths


def print_summary(
    model,
    line_length=None,
    positions=None,
    print_fn=None,
    expand_nested=False,
    show_trainable=False,
    layer_range=None,
):
    """Prints a table of the model's layers, output shapes and parameter counts.

    Args:
        model: a cornu model.
        line_length: total width of the table in characters.
        positions: where each column ends, as fractions of ``line_length``
            (or absolute character positions if the last one is above 1).
        print_fn: called once with the whole summary text instead of printing
            it (e.g. ``print_fn=lines.append``).
        expand_nested: also list the layers inside nested models.
        show_trainable: add a column telling whether each layer is trainable.
        layer_range: two layer names (or regexes) bounding the rows shown.

    Example:
    >>> print_summary(model)
    Model: "mlp"
    ...
     Total params: 874 (3.41 KB)
    """
    if not print_fn and not io_utils.is_interactive_logging_enabled():
        print_fn = io_utils.print_msg

    layers, sequential_like, relevant_nodes = _graph_layout(model)
    if sequential_like:
        default_line_length = 88
        positions = positions or [0.45, 0.80, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
        alignment = ["left", "left", "right"]
    else:
        default_line_length = 108
        positions = positions or [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        alignment = ["left", "left", "right", "left"]
    if show_trainable:
        default_line_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        alignment.append("center")

    default_line_length = min(default_line_length, shutil.get_terminal_size().columns - 4)
    line_length = line_length or default_line_length
    widths = _column_widths(positions, line_length)
    columns = [
        rich.table.Column(name, justify=align, width=width) for name, align, width in zip(header, alignment, widths)
    ]
    table = rich.table.Table(*columns, width=line_length, show_lines=True)

    def layer_cells(layer, prefix):
        name = rich.markup.escape(f"{prefix}{layer.name}")
        name += f" ({_symbol(rich.markup.escape(_class_name(layer)))})"
        if not hasattr(layer, "built"):
            params = _number(0)
        elif not layer.built:
            params = f"{_number(0)} (unbuilt)"
        else:
            params = _number(f"{layer.count_params():,}")
        cells = [name, format_layer_shape(layer), params]
        if not sequential_like:
            cells.append(_connections(layer, relevant_nodes))
        if show_trainable:
            if len(getattr(layer, "weights", ())) > 0:
                cells.append(_bold("Y", color=34) if layer.trainable else _bold("N", color=9))
            else:
                cells.append(_bold("-"))
        return cells

    def rows_for(layer, depth=0):
        prefix = "   " * depth + "└ " if depth else ""
        rows = [layer_cells(layer, prefix)]
        if expand_nested and getattr(layer, "layers", None):
            for inner in layer.layers:
                rows.extend(rows_for(inner, depth + 1))
        return rows

    start, stop = layer_range_bounds(layers, layer_range)
    for layer in layers[start:stop]:
        for row in rows_for(layer):
            table.add_row(*row)

    trainable = list(model.trainable_weights)
    non_trainable = list(model.non_trainable_weights)
    optimizer = getattr(model, "optimizer", None) if getattr(model, "compiled", False) else None
    optimizer_variables = list(optimizer.variables) if optimizer is not None and getattr(optimizer, "built", False) else None
    totals = [
        ("Trainable params", count_params(trainable), weight_memory_size(trainable)),
        ("Non-trainable params", count_params(non_trainable), weight_memory_size(non_trainable)),
    ]
    if optimizer_variables is not None:
        totals.append(
            ("Optimizer params", count_params(optimizer_variables), weight_memory_size(optimizer_variables))
        )
    totals.insert(0, ("Total params", sum(t[1] for t in totals), sum(t[2] for t in totals)))

    if print_fn:
        console = rich.console.Console(highlight=False, force_terminal=False, color_system=None)
        console.begin_capture()
    else:
        console = rich.console.Console(highlight=False)
    console.print(_bold(f'Model: "{rich.markup.escape(model.name)}"'))
    console.print(table)
    for label, count, size in totals:
        console.print(_bold(f" {label}: ") + _number(f"{count:,}") + f" ({format_size(size)})")
    if print_fn:
        text = console.end_capture()
        if print_fn is io_utils.print_msg:
            print_fn(text, line_break=False)
        else:
            print_fn(text)
