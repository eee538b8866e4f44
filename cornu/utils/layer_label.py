"""The box that ``plot_model`` draws for one layer: a Graphviz HTML-like table.

The table looks as it does in Keras 3: a black title row (the layer's name and class, or the
class alone), an optional activation row, then one row of cells for the input and output shapes,
the output dtype and whether the layer is trainable. Names are HTML-escaped, so a layer called
``a&b`` or a ``<lambda>`` activation still renders.

Example:
>>> layer_label(cornu.layers.Dense(4, name="head"), show_layer_names=True)
'<<table border="0" ...><b>head</b> (Dense)...</table>>'
"""

import html

from cornu import tree


def layer_label(layer, show_layer_names=True, show_layer_activations=False, show_dtype=False,
                show_shapes=False, show_trainable=False):
    """The HTML-like Graphviz label of ``layer`` (or of a symbolic op of a Functional model).

    Example:
    >>> layer_label(layer, show_shapes=True)  # the title row, then "Input shape" / "Output shape"
    """
    class_name = _escape(display_class_name(layer))
    # Keras sizes the title row for every optional cell asked for, whether or not it is drawn.
    title_span = max(1, int(show_dtype) + int(show_trainable) + (2 if show_shapes else 0))
    title = f"<b>{_escape(layer.name)}</b> ({class_name})" if show_layer_names else f"<b>{class_name}</b>"
    rows = [
        f'<tr><td colspan="{title_span}" bgcolor="black">'
        f'<font point-size="16" color="white">{title}</font></td></tr>'
    ]
    activation = getattr(layer, "activation", None) if show_layer_activations else None
    if activation is not None:
        rows.append(
            f'<tr><td bgcolor="white" colspan="{title_span}"><font point-size="14">'
            f"Activation: <b>{_escape(activation_name(activation))}</b></font></td></tr>"
        )
    cells = []
    if show_shapes:
        if class_name != "InputLayer":
            cells.append(_white_cell("Input shape", _format_shape(_first_call_shapes(layer, "input"))))
        cells.append(_white_cell("Output shape", _format_shape(_first_call_shapes(layer, "output"))))
    if show_dtype:
        dtype = _first_call_dtypes(layer)
        cells.append(_white_cell("Output dtype", f"{dtype or '?'}"))
    if show_trainable and getattr(layer, "weights", None):
        if layer.trainable:
            cells.append('<td bgcolor="forestgreen"><font point-size="14" color="white"><b>Trainable</b></font></td>')
        else:
            cells.append('<td bgcolor="firebrick"><font point-size="14" color="white"><b>Non-trainable</b></font></td>')
    if cells:
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f'<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">{"".join(rows)}</table>>'


def display_class_name(operation):
    """The class name Keras shows: a layer's class, or the Keras op class of a symbolic op
    (``x + 1`` in a Functional model is drawn as ``Add``, as in Keras)."""
    serialize = getattr(operation, "serialize", None)
    if getattr(operation, "fn", None) is not None and callable(serialize):
        return serialize()["class_name"]
    return type(operation).__name__


def activation_name(activation):
    """``"relu"`` for ``cornu.activations.relu``; the ``name`` of an activation object; else its repr."""
    if hasattr(activation, "name"):
        return activation.name
    if hasattr(activation, "__name__"):
        return activation.__name__
    return str(activation)


def _escape(text):
    return html.escape(str(text), quote=False)


def _white_cell(title, value):
    return f'<td bgcolor="white"><font point-size="14">{title}: <b>{_escape(value)}</b></font></td>'


def _first_call_tensors(layer, which):
    """The tensors of the layer's first call (one tensor alone, several as a list), as Keras's
    ``Operation.input``/``output``; a Functional model answers with its own input/output structure."""
    if hasattr(layer, "_inputs_struct") and hasattr(layer, "_outputs_struct"):
        return layer._inputs_struct if which == "input" else layer._outputs_struct
    nodes = getattr(layer, "_inbound_nodes", None)
    if not nodes:
        raise AttributeError(f"The layer {layer.name} has never been called and thus has no defined {which}.")
    tensors = nodes[0].input_tensors if which == "input" else nodes[0].output_tensors
    return tensors[0] if len(tensors) == 1 else list(tensors)


def _first_call_shapes(layer, which):
    try:
        return tree.map_structure(lambda x: x.shape, _first_call_tensors(layer, which))
    except (ValueError, AttributeError):
        return None


def _first_call_dtypes(layer):
    try:
        return tree.map_structure(lambda x: x.dtype, _first_call_tensors(layer, "output"))
    except (ValueError, AttributeError):
        return None


def _format_shape(shape):
    if shape is None:
        return "?"
    if isinstance(shape, dict):
        text = ", ".join(f"{key}: {value}" for key, value in shape.items())
    else:
        text = f"{shape}"
    return text.replace("{", "").replace("}", "")
