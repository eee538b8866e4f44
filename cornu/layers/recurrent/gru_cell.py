"""``GRUCell``: one step of a gated recurrent unit."""

from cornu import activations, ops
from cornu.layers.layer import Layer
from cornu.layers.recurrent.cell_arguments import cell_arguments_config, set_cell_arguments, zeros_states
from cornu.layers.recurrent.dropout_rnn_cell import DropoutRNNCell
from cornu.serialization.registry import keras_export


def _is_nested(x):
    return isinstance(x, (list, tuple))


@keras_export("keras.layers.GRUCell")
class GRUCell(Layer, DropoutRNNCell):
    """One GRU step: update gate ``z``, reset gate ``r``, candidate ``hh``,
    ``h = z * h_prev + (1 - z) * hh``.

    Weights (Keras's layout): ``kernel`` (input_dim, 3 * units) and
    ``recurrent_kernel`` (units, 3 * units) with the gates in the order z, r, h.
    With ``reset_after=True`` (the default, cuDNN's form) the reset gate applies
    after the recurrent matmul and ``bias`` is (2, 3 * units): input and recurrent
    biases; with ``reset_after=False`` it applies before, and ``bias`` is (3 * units,).

    Example:
    >>> cell = cornu.layers.GRUCell(8)
    >>> h, states = cell(np.ones((2, 3)), [np.zeros((2, 8))])
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 reset_after=True, seed=None, **kwargs):
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
        self.reset_after = reset_after
        self.implementation = 1 if self.recurrent_dropout != 0.0 else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 3
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        units = self.units
        self.kernel = self.add_weight(shape=(input_dim, 3 * units), name="kernel",
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(units, 3 * units), name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            shape = (2, 3 * units) if self.reset_after else (3 * units,)
            self.bias = self.add_weight(shape=shape, name="bias", initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None

    def _biases(self):
        if not self.use_bias:
            return None, None
        if self.reset_after:
            bias = ops.convert_to_tensor(self.bias)
            return bias[0], bias[1]
        return self.bias, None

    def call(self, inputs, states, training=False):
        h_tm1 = states[0] if _is_nested(states) else states
        input_bias, recurrent_bias = self._biases()
        units = self.units
        dropping = training and 0.0 < self.dropout < 1.0
        recurrent_dropping = training and 0.0 < self.recurrent_dropout < 1.0
        if self.implementation == 1:
            masks = self.get_dropout_mask(inputs) if dropping else None
            rec_masks = self.get_recurrent_dropout_mask(h_tm1) if recurrent_dropping else None
            x_parts, h_parts = [], []
            for gate in range(3):
                x = inputs * masks[gate] if masks is not None else inputs
                x = ops.matmul(x, self.kernel[:, gate * units:(gate + 1) * units])
                if input_bias is not None:
                    x = x + input_bias[gate * units:(gate + 1) * units]
                x_parts.append(x)
                h_parts.append(h_tm1 * rec_masks[gate] if rec_masks is not None else h_tm1)
            x_z, x_r, x_h = x_parts
            rec_z = ops.matmul(h_parts[0], self.recurrent_kernel[:, :units])
            rec_r = ops.matmul(h_parts[1], self.recurrent_kernel[:, units:2 * units])
            if self.reset_after and recurrent_bias is not None:
                rec_z = rec_z + recurrent_bias[:units]
                rec_r = rec_r + recurrent_bias[units:2 * units]
            h_for_candidate = h_parts[2]
        else:
            if dropping:
                inputs = inputs * self.get_dropout_mask(inputs)
            x = ops.matmul(inputs, self.kernel)
            if input_bias is not None:
                x = ops.add(x, input_bias)
            x_z, x_r, x_h = ops.split(x, 3, axis=-1)
            if self.reset_after:
                inner = ops.matmul(h_tm1, self.recurrent_kernel)
                if recurrent_bias is not None:
                    inner = ops.add(inner, recurrent_bias)
            else:
                inner = ops.matmul(h_tm1, self.recurrent_kernel[:, :2 * units])
            rec_z, rec_r = inner[:, :units], inner[:, units:2 * units]
            h_for_candidate = h_tm1
        z = self.recurrent_activation(x_z + rec_z)
        r = self.recurrent_activation(x_r + rec_r)
        if self.reset_after:
            if self.implementation == 1:
                rec_h = ops.matmul(h_for_candidate, self.recurrent_kernel[:, 2 * units:])
                if recurrent_bias is not None:
                    rec_h = rec_h + recurrent_bias[2 * units:]
            else:
                rec_h = inner[:, 2 * units:]
            rec_h = r * rec_h
        else:
            rec_h = ops.matmul(r * h_for_candidate, self.recurrent_kernel[:, 2 * units:])
        hh = self.activation(x_h + rec_h)
        h = z * h_tm1 + (1 - z) * hh
        return h, ([h] if _is_nested(states) else h)

    def get_initial_state(self, batch_size=None):
        return zeros_states(self, batch_size, [self.state_size])

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
        })
        config.update(cell_arguments_config(self))
        config["reset_after"] = self.reset_after
        config["seed"] = self.seed
        return config
