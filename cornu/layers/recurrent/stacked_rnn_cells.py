"""``StackedRNNCells``: several recurrent cells run as one, each feeding the next."""

from cornu import ops
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


def _is_nested(x):
    return isinstance(x, (list, tuple, dict))


def cell_output_size(cell):
    """The size of a cell's output: ``output_size``, else its (first) state size."""
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    state_size = cell.state_size
    return state_size[0] if isinstance(state_size, (list, tuple)) else state_size


def check_cell(cell, owner):
    """Raises a clear error when ``cell`` does not follow the recurrent-cell protocol."""
    if "call" not in dir(cell):
        raise ValueError(f"{owner}: a cell must have a `call(inputs, states)` method. Received: cell={cell!r}")
    if "state_size" not in dir(cell):
        raise ValueError(
            f"{owner}: a cell must have a `state_size` attribute (an integer, or a list of integers, one per "
            f"state). Received: cell={cell!r}"
        )


@keras_export("keras.layers.StackedRNNCells")
class StackedRNNCells(Layer):
    """Wraps a list of recurrent cells so an ``RNN`` runs them as one stacked cell.

    At each step the first cell reads the input, each next cell reads the
    output of the one before, and the last cell's output is the step's output.
    The states are one entry per cell.

    Example:
    >>> cells = [cornu.layers.LSTMCell(8), cornu.layers.GRUCell(4)]
    >>> rnn = cornu.layers.RNN(cornu.layers.StackedRNNCells(cells))
    >>> rnn(np.ones((2, 5, 3))).shape
    (2, 4)
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            check_cell(cell, "StackedRNNCells")
        self.cells = list(cells)

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        return cell_output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        """One initial state entry per cell (the cell's own ``get_initial_state`` when it has one)."""
        states = []
        for cell in self.cells:
            get_initial_state = getattr(cell, "get_initial_state", None)
            if get_initial_state is not None:
                states.append(get_initial_state(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                states.append(ops.zeros((batch_size, cell.state_size), dtype=self.compute_dtype))
            else:
                states.append([ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in cell.state_size])
        return states

    def call(self, inputs, states, training=False, **kwargs):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            was_list = _is_nested(cell_states)
            cell_states = list(cell_states) if was_list else [cell_states]
            if isinstance(cell, Layer) and cell._call_has_training_arg:
                kwargs["training"] = training
            else:
                kwargs.pop("training", None)
            call = cell.__call__ if callable(cell) else cell.call
            inputs, cell_states = call(inputs, cell_states, **kwargs)
            if not _is_nested(cell_states):
                cell_states = [cell_states]
            if len(cell_states) == 1 and not was_list:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        if len(new_states) == 1:
            new_states = new_states[0]
        return inputs, new_states

    def build(self, input_shape):
        batch_size = input_shape[0] if isinstance(input_shape, tuple) else None
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
                cell.built = True
            input_shape = (batch_size, cell_output_size(cell))

    def get_config(self):
        from cornu.serialization.keras_objects import serialize_keras_object

        config = super().get_config()
        config["cells"] = [serialize_keras_object(cell) for cell in self.cells]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.serialization.keras_objects import deserialize_keras_object

        config = dict(config)
        cells = [deserialize_keras_object(c, custom_objects=custom_objects) for c in config.pop("cells")]
        return super().from_config({**config, "cells": cells})
