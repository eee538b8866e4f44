"""``BaseConv``: the N-D convolution shared by ``Conv1D``, ``Conv2D`` and ``Conv3D``."""

from cornu import activations, backend, constraints, initializers, ops, regularizers
from cornu.layers.convolutional import arguments
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class BaseConv(Layer):
    """Convolves (cross-correlates) its input with a kernel of ``filters`` output channels,
    then adds a bias and applies ``activation``.

    The kernel has shape ``kernel_size + (input_channels // groups, filters)``; with
    ``groups > 1`` the channels are split into ``groups`` groups convolved separately.
    Subclasses fix ``rank`` (the number of spatial axes).

    Example:
    >>> layer = cornu.layers.Conv2D(8, 3, padding="same")
    >>> layer(np.ones((2, 6, 6, 3))).shape
    (2, 6, 6, 8)
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        arguments.check_positive_int(filters, "filters")
        arguments.check_positive_int(groups, "groups")
        if filters % groups != 0:
            raise ValueError(
                "The number of filters must be evenly divisible by the number of groups. Choose `filters` as a "
                f"multiple of `groups`. Received: groups={groups}, filters={filters}"
            )
        self.filters = filters
        self.groups = groups
        self.kernel_size = arguments.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = arguments.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = arguments.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = arguments.standardize_padding(padding, allow_causal=rank == 1)
        self.data_format = backend.standardize_data_format(data_format)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` is not supported together with `dilation_rate > 1`: set one of them to 1. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self.input_spec = InputSpec(min_ndim=rank + 2)

    def build(self, input_shape):
        arguments.check_input_rank(self, input_shape, self.rank)
        axis = arguments.channel_axis(self.data_format)
        input_channels = input_shape[axis]
        if input_channels is None:
            raise ValueError(
                f"The channel dimension of the inputs to layer '{self.name}' must be known. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        if input_channels % self.groups != 0:
            raise ValueError(
                f"The number of input channels of layer '{self.name}' must be evenly divisible by the number of "
                f"groups. Received: groups={self.groups}, but the input has {input_channels} channels (full "
                f"input shape is {tuple(input_shape)})."
            )
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={axis: input_channels})
        # Validates the spatial sizes before any weight is created.
        self.compute_output_shape(input_shape)
        self._kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (input_channels // self.groups, self.filters),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    @property
    def kernel(self):
        """The convolution kernel (with the LoRA update added when LoRA is enabled)."""
        if not self.built:
            raise AttributeError(f"Layer '{self.name}' must be built before its `kernel` can be read.")
        if not self.lora_enabled:
            return self._kernel
        delta = ops.matmul(self.lora_kernel_a, self.lora_kernel_b)
        return ops.cast(ops.add(self._kernel, (self.lora_alpha / self.lora_rank) * delta), self.compute_dtype)

    def convolution_op(self, inputs, kernel):
        padding = self.padding
        if padding == "causal":
            # Left padding only: output[t] never sees input[t + 1:].
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            time_axis = 1 if self.data_format == "channels_last" else 2
            pads = [[0, 0], [0, 0], [0, 0]]
            pads[time_axis] = [left, 0]
            inputs = ops.pad(inputs, pads)
            padding = "valid"
        return ops.conv(inputs, kernel, strides=list(self.strides), padding=padding,
                        dilation_rate=self.dilation_rate, data_format=self.data_format)

    def call(self, inputs):
        outputs = self.convolution_op(inputs, self.kernel)
        if self.use_bias:
            shape = arguments.bias_shape(self.filters, self.rank, self.data_format)
            outputs = ops.add(outputs, ops.reshape(self.bias, shape))
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        arguments.check_input_rank(self, input_shape, self.rank)
        return arguments.conv_output_shape(self, input_shape, self.filters, self.kernel_size, self.strides,
                                           self.padding, self.data_format, self.dilation_rate)

    # ------------------------------------------------------------------ LoRA
    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freezes the kernel and learns a low-rank update ``(alpha / rank) * a @ b`` on top of it.

        Example:
        >>> layer = cornu.layers.Conv2D(8, 3); layer.build((None, 6, 6, 3)); layer.enable_lora(2)
        """
        if self.kernel_constraint:
            raise ValueError("LoRA cannot be used together with a kernel constraint: remove the "
                             f"`kernel_constraint` argument of layer '{self.name}' to enable LoRA.")
        if not self.built:
            raise ValueError(f"Layer '{self.name}' must be built before LoRA can be enabled on it.")
        if self.lora_enabled:
            raise ValueError(f"LoRA is already enabled on layer '{self.name}'; it can be enabled only once.")
        # float32 adapters avoid underflow when the layer computes in float16. The layer is built,
        # so its state is locked: adding the adapters is the one sanctioned exception (as in Keras).
        with self._state_unlocked():
            self.lora_kernel_a = self.add_weight(name="lora_kernel_a",
                                                 shape=tuple(self._kernel.shape[:-1]) + (rank,),
                                                 initializer=initializers.get(a_initializer), dtype="float32",
                                                 regularizer=self.kernel_regularizer)
            self.lora_kernel_b = self.add_weight(name="lora_kernel_b", shape=(rank, self.filters),
                                                 initializer=initializers.get(b_initializer), dtype="float32",
                                                 regularizer=self.kernel_regularizer)
        self._kernel.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def save_own_variables(self, store):
        # Keras files hold the kernel with any LoRA update merged in, then the bias.
        if not self.built:
            return
        targets = [self.kernel] + ([self.bias] if self.use_bias else [])
        for i, value in enumerate(targets):
            store[str(i)] = backend.convert_to_numpy(value)

    def load_own_variables(self, store):
        if not self.lora_enabled:
            super().load_own_variables(store)
            return
        targets = [self._kernel] + ([self.bias] if self.use_bias else [])
        if len(store) != len(targets):
            raise ValueError(f"Layer '{self.name}' expected {len(targets)} variables, but received {len(store)} "
                             "variables during loading.")
        for i, variable in enumerate(targets):
            variable.assign(store[str(i)])
        self.lora_kernel_a.assign(ops.zeros(self.lora_kernel_a.shape))
        self.lora_kernel_b.assign(ops.zeros(self.lora_kernel_b.shape))

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config
