"""``BaseDepthwiseConv``: one filter bank per input channel (``DepthwiseConv1D``, ``DepthwiseConv2D``)."""

from cornu import activations, backend, constraints, initializers, ops, regularizers
from cornu.layers.convolutional import arguments
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class BaseDepthwiseConv(Layer):
    """Convolves each input channel separately with ``depth_multiplier`` filters of its own and
    concatenates the results: ``in_channels * depth_multiplier`` output channels.

    The kernel has shape ``kernel_size + (in_channels, depth_multiplier)``.

    Example:
    >>> layer = cornu.layers.DepthwiseConv2D(3, depth_multiplier=2)
    >>> layer(np.ones((2, 6, 6, 4))).shape
    (2, 4, 4, 8)
    """

    def __init__(self, rank, depth_multiplier, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        arguments.check_positive_int(depth_multiplier, "depth_multiplier")
        self.depth_multiplier = depth_multiplier
        self.kernel_size = arguments.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = arguments.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = arguments.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = arguments.standardize_padding(padding)
        self.data_format = backend.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)

    def _input_channels(self, input_shape):
        return input_shape[arguments.channel_axis(self.data_format)]

    def build(self, input_shape):
        arguments.check_input_rank(self, input_shape, self.rank)
        input_channels = self._input_channels(input_shape)
        if input_channels is None:
            raise ValueError(
                f"The channel dimension of the inputs to layer '{self.name}' must be known. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        self.input_spec = InputSpec(min_ndim=self.rank + 2,
                                    axes={arguments.channel_axis(self.data_format): input_channels})
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (input_channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(input_channels * self.depth_multiplier,),
                                        initializer=self.bias_initializer, regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None

    def call(self, inputs):
        outputs = ops.depthwise_conv(inputs, self.kernel, strides=self.strides, padding=self.padding,
                                     dilation_rate=self.dilation_rate, data_format=self.data_format)
        if self.use_bias:
            channels = self._input_channels(inputs.shape) * self.depth_multiplier
            outputs = ops.add(outputs, ops.reshape(self.bias, arguments.bias_shape(channels, self.rank,
                                                                                   self.data_format)))
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        arguments.check_input_rank(self, input_shape, self.rank)
        input_channels = self._input_channels(input_shape)
        channels = None if input_channels is None else input_channels * self.depth_multiplier
        return arguments.conv_output_shape(self, input_shape, channels, self.kernel_size, self.strides,
                                           self.padding, self.data_format, self.dilation_rate)

    def get_config(self):
        config = super().get_config()
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config
