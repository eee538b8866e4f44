"""``ConvLSTM``: the base of ``ConvLSTM1D/2D/3D``, a ``ConvLSTMCell`` driven by the generic ``RNN``."""

from cornu import activations, constraints, initializers, regularizers
from cornu.layers.input_spec import InputSpec
from cornu.layers.recurrent.cell_arguments import cell_property
from cornu.layers.recurrent.conv_lstm_cell import ConvLSTMCell
from cornu.layers.recurrent.rnn import RNN


class ConvLSTM(RNN):
    """A convolutional LSTM over sequences of ``rank``-D feature maps.

    Inputs are ``(batch, time, *spatial, channels)`` (or ``(batch, time, channels, *spatial)``
    with ``data_format="channels_first"``). Each step runs an LSTM whose input and recurrent
    transformations are convolutions (see ``ConvLSTMCell``); the state is two feature maps of
    ``filters`` channels. ``ConvLSTM1D/2D/3D`` only set the class attribute ``_rank``: their
    constructors are this one, as Keras's three signatures are the same.

    Example:
    >>> layer = cornu.layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True)
    >>> layer(np.ones((2, 5, 8, 8, 3))).shape
    (2, 5, 8, 8, 4)
    """

    _rank = None  # the number of spatial axes, set by each subclass

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        cell = ConvLSTMCell(
            rank=self._rank, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            name="conv_lstm_cell", dtype=kwargs.get("dtype"),
        )
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, activity_regularizer=activity_regularizer,
                         **kwargs)
        self.input_spec = InputSpec(ndim=self._rank + 3)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) != self.cell.rank + 3:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) expects inputs of rank {self.cell.rank + 3} "
                f"(batch, time, {self.cell.rank} spatial axis(es) and a channel axis). "
                f"Received: input_shape={sequences_shape}"
            )
        batch_size, steps = sequences_shape[0], sequences_shape[1]
        step_shape = (batch_size,) + sequences_shape[2:]
        state_shape = tuple(self.cell.compute_output_shape(step_shape)[0][1:])
        output_shape = (batch_size, steps) + state_shape if self.return_sequences else (batch_size,) + state_shape
        if self.return_state:
            return output_shape, (batch_size,) + state_shape, (batch_size,) + state_shape
        return output_shape

    def compute_mask(self, _, mask):
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask, None, None]
        return output_mask

    filters = cell_property("filters")
    kernel_size = cell_property("kernel_size")
    strides = cell_property("strides")
    padding = cell_property("padding")
    data_format = cell_property("data_format")
    dilation_rate = cell_property("dilation_rate")
    activation = cell_property("activation")
    recurrent_activation = cell_property("recurrent_activation")
    use_bias = cell_property("use_bias")
    kernel_initializer = cell_property("kernel_initializer")
    recurrent_initializer = cell_property("recurrent_initializer")
    bias_initializer = cell_property("bias_initializer")
    unit_forget_bias = cell_property("unit_forget_bias")
    kernel_regularizer = cell_property("kernel_regularizer")
    recurrent_regularizer = cell_property("recurrent_regularizer")
    bias_regularizer = cell_property("bias_regularizer")
    kernel_constraint = cell_property("kernel_constraint")
    recurrent_constraint = cell_property("recurrent_constraint")
    bias_constraint = cell_property("bias_constraint")
    dropout = cell_property("dropout")
    recurrent_dropout = cell_property("recurrent_dropout")

    def get_config(self):
        cell = self.cell
        config = super().get_config()
        config.pop("cell", None)
        config.update({
            "filters": cell.filters,
            "kernel_size": cell.kernel_size,
            "strides": cell.strides,
            "padding": cell.padding,
            "data_format": cell.data_format,
            "dilation_rate": cell.dilation_rate,
            "activation": activations.serialize(cell.activation),
            "recurrent_activation": activations.serialize(cell.recurrent_activation),
            "use_bias": cell.use_bias,
            "kernel_initializer": initializers.serialize(cell.kernel_initializer),
            "recurrent_initializer": initializers.serialize(cell.recurrent_initializer),
            "bias_initializer": initializers.serialize(cell.bias_initializer),
            "unit_forget_bias": cell.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(cell.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(cell.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(cell.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(cell.kernel_constraint),
            "recurrent_constraint": constraints.serialize(cell.recurrent_constraint),
            "bias_constraint": constraints.serialize(cell.bias_constraint),
            "dropout": cell.dropout,
            "recurrent_dropout": cell.recurrent_dropout,
            "seed": cell.seed,
        })
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config.pop("cell", None)
        return super(RNN, cls).from_config(config)

