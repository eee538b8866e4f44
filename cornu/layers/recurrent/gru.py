"""``GRU``: the gated recurrent unit layer, on the backend's fused kernel when it can."""

from cornu import activations, backend, constraints, initializers, regularizers
from cornu.layers.input_spec import InputSpec
from cornu.layers.recurrent.cell_arguments import cell_property
from cornu.layers.recurrent.gru_cell import GRUCell
from cornu.layers.recurrent.lstm import check_use_cudnn, fused_unavailable_error, input_dropout_sequences
from cornu.layers.recurrent.rnn import RNN
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.GRU")
class GRU(RNN):
    """Gated recurrent unit layer (Cho et al., 2014).

    Runs a ``GRUCell`` over the sequence. With the default activations, no
    recurrent dropout and no unroll, the backend's fused kernel does the whole
    loop (torch: ``torch._VF.gru`` for ``reset_after=True``; JAX: one scan with
    the input projections computed up front); otherwise the cell runs step by step.

    Example:
    >>> layer = cornu.layers.GRU(4, return_state=True)
    >>> output, state = layer(np.ones((2, 10, 3)))
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, reset_after=True, use_cudnn="auto", **kwargs):
        cell = GRUCell(
            units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            reset_after=reset_after, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
            name="gru_cell", seed=seed, implementation=kwargs.pop("implementation", 2),
        )
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)
        check_use_cudnn(use_cudnn)
        self.use_cudnn = use_cudnn

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        cell = self.cell
        if self.use_cudnn in ("auto", True) and not cell.recurrent_dropout and cell.implementation != 1:
            state = initial_state[0] if isinstance(initial_state, (list, tuple)) else initial_state
            try:
                return backend.rnn.gru(
                    input_dropout_sequences(self, sequences, training), state, mask, kernel=cell.kernel,
                    recurrent_kernel=cell.recurrent_kernel, bias=cell.bias, activation=cell.activation,
                    recurrent_activation=cell.recurrent_activation, return_sequences=self.return_sequences,
                    go_backwards=self.go_backwards, unroll=self.unroll, reset_after=cell.reset_after,
                    zero_output_for_mask=self.zero_output_for_mask,
                )
            except NotImplementedError:
                pass
        if self.use_cudnn is True:
            raise fused_unavailable_error(self)
        return super().inner_loop(sequences, initial_state, mask, training=training)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    units = cell_property("units")
    activation = cell_property("activation")
    recurrent_activation = cell_property("recurrent_activation")
    use_bias = cell_property("use_bias")
    kernel_initializer = cell_property("kernel_initializer")
    recurrent_initializer = cell_property("recurrent_initializer")
    bias_initializer = cell_property("bias_initializer")
    kernel_regularizer = cell_property("kernel_regularizer")
    recurrent_regularizer = cell_property("recurrent_regularizer")
    bias_regularizer = cell_property("bias_regularizer")
    kernel_constraint = cell_property("kernel_constraint")
    recurrent_constraint = cell_property("recurrent_constraint")
    bias_constraint = cell_property("bias_constraint")
    dropout = cell_property("dropout")
    recurrent_dropout = cell_property("recurrent_dropout")
    reset_after = cell_property("reset_after")

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "reset_after": self.reset_after,
            "seed": self.cell.seed,
        })
        return config
