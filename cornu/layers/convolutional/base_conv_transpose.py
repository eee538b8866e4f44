"""``BaseConvTranspose``: the transposed convolution shared by ``Conv1DTranspose`` to ``Conv3DTranspose``."""

from cornu import activations, backend, constraints, initializers, ops, regularizers
from cornu.layers.convolutional import arguments
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class BaseConvTranspose(Layer):
    """A transposed ("deconvolution") convolution: maps the output shape of a convolution back to the
    shape of its input, with the same connectivity.

    The kernel has shape ``kernel_size + (filters, input_channels)``. ``output_padding`` (each value
    smaller than the stride) adds rows/columns at the end of each spatial axis; ``None`` lets the
    output size follow from the padding mode.

    Example:
    >>> layer = cornu.layers.Conv2DTranspose(4, 3, strides=2, padding="same")
    >>> layer(np.ones((2, 4, 4, 3))).shape
    (2, 8, 8, 4)
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        arguments.check_positive_int(filters, "filters")
        self.filters = filters
        self.kernel_size = arguments.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = arguments.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = arguments.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = arguments.standardize_padding(padding)
        if output_padding is None:
            self.output_padding = None
        else:
            self.output_padding = arguments.standardize_tuple(output_padding, rank, "output_padding",
                                                              allow_zero=True)
            for i, (extra, stride) in enumerate(zip(self.output_padding, self.strides)):
                if extra >= stride:
                    raise ValueError(
                        "Each value of `output_padding` must be strictly less than the matching value of "
                        f"`strides`: at index {i}, output_padding is {extra} and strides is {stride}. "
                        f"Received: output_padding={self.output_padding}, strides={self.strides}"
                    )
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` is not supported together with `dilation_rate > 1`: set one of them to 1. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        self.data_format = backend.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
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
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={axis: input_channels})
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (self.filters, input_channels),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None

    def call(self, inputs):
        outputs = ops.conv_transpose(inputs, self.kernel, strides=list(self.strides), padding=self.padding,
                                     output_padding=self.output_padding, dilation_rate=self.dilation_rate,
                                     data_format=self.data_format)
        if self.use_bias:
            shape = arguments.bias_shape(self.filters, self.rank, self.data_format)
            outputs = ops.add(outputs, ops.reshape(self.bias, shape))
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        arguments.check_input_rank(self, input_shape, self.rank)
        return arguments.conv_transpose_output_shape(input_shape, self.filters, self.kernel_size, self.strides,
                                                     self.padding, self.output_padding, self.data_format,
                                                     self.dilation_rate)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "output_padding": self.output_padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
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
        return config
