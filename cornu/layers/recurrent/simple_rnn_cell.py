"""``SimpleRNNCell``: one step of a fully connected recurrent network."""

from cornu import activations, ops
from cornu.layers.layer import Layer
from cornu.layers.recurrent.cell_arguments import cell_arguments_config, set_cell_arguments, zeros_states
from cornu.layers.recurrent.dropout_rnn_cell import DropoutRNNCell
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.SimpleRNNCell")
class SimpleRNNCell(Layer, DropoutRNNCell):
    """One step of ``h = activation(x @ kernel + h_prev @ recurrent_kernel + bias)``.

    Example:
    >>> cell = cornu.layers.SimpleRNNCell(8)
    >>> h, states = cell(np.ones((2, 3)), [np.zeros((2, 8))])
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 **kwargs):
        super().__init__(**kwargs)
        set_cell_arguments(self, units, use_bias, dropout, recurrent_dropout, seed, dict(
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint))
        self.activation = activations.get(activation)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel",
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), name="bias", initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None

    def call(self, sequence, states, training=False):
        nested = isinstance(states, (list, tuple))
        h_tm1 = states[0] if nested else states
        if training and 0.0 < self.dropout < 1.0:
            sequence = sequence * self.get_dropout_mask(sequence)
        h = ops.matmul(sequence, self.kernel)
        if self.bias is not None:
            h = ops.add(h, self.bias)
        if training and 0.0 < self.recurrent_dropout < 1.0:
            h_tm1 = h_tm1 * self.get_recurrent_dropout_mask(h_tm1)
        output = h + ops.matmul(h_tm1, self.recurrent_kernel)
        if self.activation is not None:
            output = self.activation(output)
        return output, ([output] if nested else output)

    def get_initial_state(self, batch_size=None):
        return zeros_states(self, batch_size, [self.state_size])

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
        })
        config.update(cell_arguments_config(self))
        config["seed"] = self.seed
        return config
