"""``GroupNormalization``: normalizes groups of channels within each example."""

from cornu import backend, constraints, initializers, ops, regularizers
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.GroupNormalization")
class GroupNormalization(Layer):
    """Splits the channels (``axis``) into ``groups`` groups and normalizes
    each group of each example to zero mean and unit variance over its
    channels and all the other non-batch axes, then scales by ``gamma`` and
    shifts by ``beta`` (one per channel). ``groups=-1`` puts every channel in
    its own group (instance normalization); ``groups=1`` is layer
    normalization over all non-batch axes. Statistics are computed in float32.

    Example:
    >>> layer = cornu.layers.GroupNormalization(groups=2)
    >>> y = layer(np.random.rand(2, 5, 4))
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        if not isinstance(groups, int) or isinstance(groups, bool) or (groups <= 0 and groups != -1):
            raise ValueError(
                "Received an invalid value for argument `groups` of GroupNormalization, expected a positive "
                f"integer (or -1 for instance normalization). Received: groups={groups!r}"
            )
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise ValueError(f"GroupNormalization: `axis` must be an int. Received: axis={axis!r}")
        super().__init__(**kwargs)
        self.supports_masking = True
        # Statistics are computed in float32 whatever the input dtype.
        self.autocast = False
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def _check_axis(self, input_shape):
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"Axis {self.axis} of GroupNormalization layer '{self.name}' is out of bounds for input shape "
                f"{tuple(input_shape)}. Received: axis={self.axis}"
            )

    def build(self, input_shape):
        self._check_axis(input_shape)
        channels = input_shape[self.axis]
        if channels is None:
            raise ValueError(
                f"Axis {self.axis} of the input to GroupNormalization layer '{self.name}' must have a known size. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        if self.groups == -1:
            self.groups = channels
        if channels < self.groups:
            raise ValueError(
                f"GroupNormalization layer '{self.name}': the number of groups ({self.groups}) cannot be more than "
                f"the number of channels ({channels}). Received: groups={self.groups}, input_shape={tuple(input_shape)}"
            )
        if channels % self.groups != 0:
            raise ValueError(
                f"GroupNormalization layer '{self.name}': the number of channels ({channels}) must be a multiple of "
                f"the number of groups ({self.groups}). Received: groups={self.groups}, "
                f"input_shape={tuple(input_shape)}"
            )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: channels})
        if self.scale:
            self.gamma = self.add_weight(shape=(channels,), name="gamma", initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         autocast=False)
        else:
            self.gamma = None
        if self.center:
            self.beta = self.add_weight(shape=(channels,), name="beta", initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        autocast=False)
        else:
            self.beta = None

    def call(self, inputs):
        rank = len(inputs.shape)
        axis = self.axis % rank
        shape = list(ops.shape(inputs))
        channels = inputs.shape[axis]
        # (..., channels, ...) -> (..., groups, channels // groups, ...)
        grouped_shape = [-1] + shape[1:axis] + [self.groups, channels // self.groups] + shape[axis + 1:]
        input_dtype = inputs.dtype
        compute_dtype = backend.result_type(input_dtype, "float32")
        x = ops.cast(ops.reshape(inputs, grouped_shape), compute_dtype)
        reduction_axes = [a for a in range(1, rank + 1) if a != axis]
        mean, variance = ops.moments(x, axes=reduction_axes, keepdims=True)
        inv = ops.rsqrt(variance + self.epsilon)
        param_shape = [1] * (rank + 1)
        param_shape[axis], param_shape[axis + 1] = self.groups, channels // self.groups
        if self.gamma is not None:
            inv = inv * ops.reshape(ops.cast(self.gamma, compute_dtype), param_shape)
        shift = -mean * inv
        if self.beta is not None:
            shift = shift + ops.reshape(ops.cast(self.beta, compute_dtype), param_shape)
        outputs = ops.cast(x * inv + shift, input_dtype)
        return ops.cast(ops.reshape(outputs, shape), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        self._check_axis(input_shape)
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config
