"""``LSTM``: the long short-term memory layer, on the backend's fused kernel when it can."""

from cornu import activations, backend, constraints, initializers, ops, regularizers
from cornu.backend.common.kernel_activations import declare_kernel_activation
from cornu.layers.input_spec import InputSpec
from cornu.layers.recurrent.cell_arguments import cell_property
from cornu.layers.recurrent.lstm_cell import LSTMCell
from cornu.layers.recurrent.rnn import RNN
from cornu.serialization.registry import keras_export


# The backends' fused kernels (torch's cuDNN/C++ LSTM and GRU) run these as their built-in
# activations; a layer with any other activation runs its cell step by step.
declare_kernel_activation("tanh", activations.tanh, ops.tanh)
declare_kernel_activation("sigmoid", activations.sigmoid, ops.sigmoid)


def check_use_cudnn(use_cudnn):
    if use_cudnn not in ("auto", True, False):
        raise ValueError(f"Argument `use_cudnn` must be one of 'auto', True, False. Received: use_cudnn={use_cudnn!r}")


def fused_unavailable_error(layer):
    return ValueError(
        f"use_cudnn=True was given to layer '{layer.name}', but the fused kernel cannot run this configuration on "
        "this backend (it needs tanh/sigmoid activations, no recurrent dropout and no unroll; masks must be "
        "right-padded). Pass use_cudnn='auto' to fall back to the step-by-step loop. "
        f"Received: use_cudnn={layer.use_cudnn!r}"
    )


def input_dropout_sequences(layer, sequences, training):
    """The sequences with the cell's input dropout mask applied to every step (one mask per sequence)."""
    if not (training and 0.0 < layer.cell.dropout < 1.0):
        return sequences
    mask = layer.cell.get_dropout_mask(sequences[:, 0])
    return sequences * ops.expand_dims(mask, 1)


@keras_export("keras.layers.LSTM")
class LSTM(RNN):
    """Long short-term memory layer (Hochreiter & Schmidhuber, 1997).

    Runs an ``LSTMCell`` over the sequence. With the default activations, no
    recurrent dropout and no unroll, the backend's fused kernel does the whole
    loop (torch: ``torch._VF.lstm``, cuDNN on GPU; JAX: one scan with the
    input projections computed up front); otherwise the cell runs step by step.
    Weights are named ``lstm/lstm_cell/{kernel,recurrent_kernel,bias}`` as in Keras.

    Example:
    >>> layer = cornu.layers.LSTM(4, return_sequences=True)
    >>> layer(np.ones((2, 10, 3))).shape
    (2, 10, 4)
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs):
        cell = LSTMCell(
            units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, unit_forget_bias=unit_forget_bias,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
            name="lstm_cell", seed=seed, implementation=kwargs.pop("implementation", 2),
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
            try:
                return backend.rnn.lstm(
                    input_dropout_sequences(self, sequences, training), initial_state[0], initial_state[1], mask,
                    kernel=cell.kernel, recurrent_kernel=cell.recurrent_kernel, bias=cell.bias,
                    activation=cell.activation, recurrent_activation=cell.recurrent_activation,
                    return_sequences=self.return_sequences, go_backwards=self.go_backwards, unroll=self.unroll,
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
    unit_forget_bias = cell_property("unit_forget_bias")
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
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.cell.seed,
        })
        return config
