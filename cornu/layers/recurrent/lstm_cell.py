"""``LSTMCell``: one step of a long short-term memory network."""

from cornu import activations, initializers, ops
from cornu.layers.layer import Layer
from cornu.layers.recurrent.cell_arguments import cell_arguments_config, set_cell_arguments, zeros_states
from cornu.layers.recurrent.dropout_rnn_cell import DropoutRNNCell
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.LSTMCell")
class LSTMCell(Layer, DropoutRNNCell):
    """One LSTM step: gates ``i, f, o = recurrent_activation(...)``, candidate
    ``g = activation(...)``, ``c = f * c + i * g``, ``h = o * activation(c)``.

    Weights (Keras's layout): ``kernel`` (input_dim, 4 * units) and
    ``recurrent_kernel`` (units, 4 * units) with the gates in the order i, f, c, o,
    and ``bias`` (4 * units,). ``unit_forget_bias`` starts the forget-gate bias at 1.
    States: ``[h, c]``; output: ``h``. Use it in ``RNN``; ``LSTM`` is the fast layer.

    Example:
    >>> cell = cornu.layers.LSTMCell(8)
    >>> h, (h, c) = cell(np.ones((2, 3)), [np.zeros((2, 8)), np.zeros((2, 8))])
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        set_cell_arguments(self, units, use_bias, dropout, recurrent_dropout, seed, dict(
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint))
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        # Recurrent dropout masks each gate's state input separately: the per-gate form (Keras's "1").
        self.implementation = 1 if self.recurrent_dropout != 0.0 else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 4
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        units = self.units
        self.kernel = self.add_weight(shape=(input_dim, 4 * units), name="kernel",
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(units, 4 * units), name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if not self.use_bias:
            self.bias = None
            return
        bias_initializer = self.bias_initializer
        if self.unit_forget_bias:
            base = self.bias_initializer

            def bias_initializer(shape, dtype=None):
                ones = initializers.get("ones")
                return ops.concatenate([base((units,), dtype=dtype), ones((units,), dtype=dtype),
                                        base((2 * units,), dtype=dtype)])

        self.bias = self.add_weight(shape=(4 * units,), name="bias", initializer=bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        dropping = training and 0.0 < self.dropout < 1.0
        if self.implementation == 1:
            z = self._gate_inputs_per_gate(inputs, h_tm1, training, dropping)
        else:
            if dropping:
                inputs = inputs * self.get_dropout_mask(inputs)
            z = ops.add(ops.matmul(inputs, self.kernel), ops.matmul(h_tm1, self.recurrent_kernel))
            if self.use_bias:
                z = ops.add(z, self.bias)
            z = ops.split(z, 4, axis=-1)
        z_i, z_f, z_c, z_o = z
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_tm1 + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def _gate_inputs_per_gate(self, inputs, h_tm1, training, dropping):
        """The four gate pre-activations, each with its own dropout masks."""
        masks = self.get_dropout_mask(inputs) if dropping else None
        recurrent_masks = (self.get_recurrent_dropout_mask(h_tm1)
                           if training and 0.0 < self.recurrent_dropout < 1.0 else None)
        kernels = ops.split(self.kernel, 4, axis=1)
        biases = ops.split(self.bias, 4, axis=0) if self.use_bias else [None] * 4
        units = self.units
        z = []
        for gate in range(4):
            x = inputs * masks[gate] if masks is not None else inputs
            x = ops.matmul(x, kernels[gate])
            if biases[gate] is not None:
                x = x + biases[gate]
            h = h_tm1 * recurrent_masks[gate] if recurrent_masks is not None else h_tm1
            z.append(x + ops.matmul(h, self.recurrent_kernel[:, gate * units:(gate + 1) * units]))
        return z

    def get_initial_state(self, batch_size=None):
        return zeros_states(self, batch_size, self.state_size)

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "unit_forget_bias": self.unit_forget_bias,
        })
        config.update(cell_arguments_config(self))
        config["seed"] = self.seed
        return config
