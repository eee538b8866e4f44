"""``ConvLSTMCell``: one step of a convolutional LSTM (the cell behind ``ConvLSTM1D/2D/3D``)."""

from cornu import activations, backend, constraints, initializers, ops, regularizers
from cornu.layers.convolutional import arguments
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.recurrent.dropout_rnn_cell import DropoutRNNCell
from cornu.random.seed_generator import SeedGenerator


class ConvLSTMCell(Layer, DropoutRNNCell):
    """An LSTM step whose input and recurrent transformations are convolutions.

    The state is ``[h, c]``, two feature maps of ``filters`` channels (the spatial size of the
    input convolution's output). The kernel holds the four gates side by side on its last axis,
    in the order input, forget, cell, output: ``kernel_size + (input_channels, 4 * filters)``;
    the recurrent kernel is ``kernel_size + (filters, 4 * filters)`` and always uses
    ``padding="same"`` with unit strides.

    Example:
    >>> cell = ConvLSTMCell(rank=2, filters=4, kernel_size=3, padding="same")
    >>> layer = cornu.layers.RNN(cell)  # what ConvLSTM2D does
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if rank not in (1, 2, 3):
            raise ValueError(f"ConvLSTM supports 1D, 2D and 3D convolutions only. Received: rank={rank}")
        arguments.check_positive_int(filters, "filters")
        self.rank = rank
        self.filters = filters
        self.seed = seed
        self.seed_generator = SeedGenerator(seed=seed)
        self.kernel_size = arguments.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = arguments.standardize_tuple(strides, rank, "strides", allow_zero=True)
        self.padding = arguments.standardize_padding(padding)
        self.data_format = backend.standardize_data_format(data_format)
        self.dilation_rate = arguments.standardize_tuple(dilation_rate, rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` is not supported together with `dilation_rate > 1`: set one of them to 1. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        # One dropout mask per gate, as Keras draws them.
        self.dropout_mask_count = 4
        self.input_spec = InputSpec(ndim=rank + 2)
        # The state shape depends on the input's spatial size; see `get_initial_state`.
        self.state_size = -1

    @property
    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def build(self, inputs_shape, states_shape=None):
        inputs_shape = tuple(inputs_shape)
        arguments.check_input_rank(self, inputs_shape, self.rank)
        spatial = arguments.spatial_dims(inputs_shape, self.data_format)
        if None in spatial:
            raise ValueError(
                f"ConvLSTM layer '{self.name}' needs static spatial dimensions: give the Input a full shape. "
                f"Received: input_shape={inputs_shape}"
            )
        input_dim = inputs_shape[self._channel_axis]
        if input_dim is None:
            raise ValueError(
                f"The channel dimension of the inputs to ConvLSTM layer '{self.name}' must be known. "
                f"Received: input_shape={inputs_shape}"
            )
        self.spatial_dims = spatial
        self.input_dim = input_dim
        self.input_spec = InputSpec(ndim=self.rank + 3, shape=(None,) + inputs_shape[1:])
        # Validates the spatial sizes before any weight is created.
        self.compute_output_shape(inputs_shape)
        self.kernel_shape = self.kernel_size + (input_dim, 4 * self.filters)
        self.kernel = self.add_weight(
            shape=self.kernel_shape, initializer=self.kernel_initializer, name="kernel",
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, 4 * self.filters), initializer=self.recurrent_initializer,
            name="recurrent_kernel", regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(4 * self.filters,), name="bias", initializer=self._bias_initializer(),
                regularizer=self.bias_regularizer, constraint=self.bias_constraint,
            )
        else:
            self.bias = None

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        filters, base = self.filters, self.bias_initializer

        def forget_gate_ones(shape, dtype=None):
            ones = initializers.get("ones")
            return ops.concatenate([base((filters,), dtype=dtype), ones((filters,), dtype=dtype),
                                    base((2 * filters,), dtype=dtype)])

        return forget_gate_ones

    # ------------------------------------------------------------------ step
    def _input_conv(self, x, kernel):
        return ops.conv(x, kernel, strides=self.strides, padding=self.padding, data_format=self.data_format,
                        dilation_rate=self.dilation_rate)

    def _recurrent_conv(self, h, kernel):
        return ops.conv(h, kernel, strides=1, padding="same", data_format=self.data_format)

    def _gate_preactivations(self, inputs, h_tm1, training):
        """The four gates' pre-activations ``x_g + h_g (+ bias_g)``, in the order i, f, c, o."""
        input_masks = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
        state_masks = (self.get_recurrent_dropout_mask(h_tm1)
                       if training and 0.0 < self.recurrent_dropout < 1.0 else None)
        kernel_axis = self.rank + 1
        if input_masks is None:
            # One convolution for the four gates, split afterwards: each output channel is
            # computed independently, so this is the per-gate result in one kernel launch.
            x_gates = ops.split(self._input_conv(inputs, self.kernel), 4, axis=self._channel_axis)
        else:
            kernels = ops.split(self.kernel, 4, axis=kernel_axis)
            x_gates = [self._input_conv(inputs * m, k) for m, k in zip(input_masks, kernels)]
        if state_masks is None:
            h_gates = ops.split(self._recurrent_conv(h_tm1, self.recurrent_kernel), 4, axis=self._channel_axis)
        else:
            kernels = ops.split(self.recurrent_kernel, 4, axis=kernel_axis)
            h_gates = [self._recurrent_conv(h_tm1 * m, k) for m, k in zip(state_masks, kernels)]
        if self.use_bias:
            # The bias joins the input convolution before the recurrent term is added, as in Keras.
            shape = arguments.bias_shape(self.filters, self.rank, self.data_format)
            x_gates = [x + ops.reshape(b, shape) for x, b in zip(x_gates, ops.split(self.bias, 4))]
        return [x + h for x, h in zip(x_gates, h_gates)]

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        z_i, z_f, z_c, z_o = self._gate_preactivations(inputs, h_tm1, training)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_tm1 + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def compute_output_shape(self, inputs_shape, states_shape=None):
        shape = arguments.conv_output_shape(self, tuple(inputs_shape), self.filters, self.kernel_size, self.strides,
                                           self.padding, self.data_format, self.dilation_rate)
        return shape, [shape, shape]

    def get_initial_state(self, batch_size=None):
        """Zero ``[h, c]`` feature maps for a batch of ``batch_size`` sequences."""
        if self.data_format == "channels_last":
            input_shape = (batch_size,) + tuple(self.spatial_dims) + (self.input_dim,)
        else:
            input_shape = (batch_size, self.input_dim) + tuple(self.spatial_dims)
        state_shape = self.compute_output_shape(input_shape)[0]
        return [ops.zeros(state_shape, dtype=self.compute_dtype), ops.zeros(state_shape, dtype=self.compute_dtype)]

    def get_config(self):
        config = super().get_config()
        config.update({
            "rank": self.rank,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
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
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        })
        return config
