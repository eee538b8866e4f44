"""``LayerNormalization``: normalizes each example over its feature axes."""

import warnings

from cornu import backend, constraints, initializers, ops, regularizers
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.LayerNormalization")
class LayerNormalization(Layer):
    """Normalizes each example to zero mean and unit variance over ``axis``,
    then scales by ``gamma`` and shifts by ``beta`` (both of the shape of the
    normalized axes). Statistics are computed in float32 for float16 inputs.

    Example:
    >>> layer = cornu.layers.LayerNormalization(axis=-1)
    >>> y = layer(np.random.rand(2, 5))
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            warnings.warn(
                "You passed `rms_scaling=True`, which is deprecated: it scales the inputs by their variance, not by "
                "their root mean square. Use `cornu.layers.RMSNormalization` for RMS normalization.",
                stacklevel=2,
            )
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
            self.axis = list(axis)
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(f"Expected an int or a list/tuple of ints for the argument 'axis'. Received: axis={axis!r}")
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        # The layer computes in float32 itself and casts its output.
        self.autocast = False

    def _check_axes(self, input_shape):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        rank = len(input_shape)
        for axis in axes:
            if axis >= rank or axis < -rank:
                raise ValueError(
                    f"Axis {axis} is out of bounds for input shape {tuple(input_shape)}. Received: axis={self.axis}"
                )
        positive = sorted(a % rank for a in axes)
        if len(set(positive)) != len(positive):
            raise ValueError(f"Duplicate axes in `axis` for input of rank {rank}. Received: axis={self.axis}")
        return positive

    def build(self, input_shape):
        positive = self._check_axes(input_shape)
        shape = tuple(input_shape[a] for a in positive)
        if any(d is None for d in shape):
            raise ValueError(
                f"The normalized axes {self.axis} of the input to LayerNormalization layer '{self.name}' must have "
                f"known sizes. Received: input_shape={tuple(input_shape)}"
            )
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         trainable=True, autocast=False)
        else:
            self.gamma = None
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        trainable=True, autocast=False)
        else:
            self.beta = None

    def call(self, inputs):
        original_dtype = ops.dtype(inputs)
        compute_dtype = backend.result_type(original_dtype, "float32")
        x = ops.cast(inputs, compute_dtype)
        rank = len(x.shape)
        axes = sorted(a % rank for a in self.axis)

        def broadcast(weight):
            if weight is None:
                return None
            shape = [1] * rank
            for a, size in zip(axes, weight.shape):
                shape[a] = size
            return ops.reshape(ops.cast(weight, compute_dtype), shape)

        if not self.rms_scaling and axes == list(range(rank - len(axes), rank)):
            # One fused kernel (torch's layer_norm) where the backend has it: same statistics,
            # ~7x less memory traffic than the composite below.
            outputs = backend.nn.trailing_layer_norm(x, self.gamma, self.beta, len(axes), self.epsilon)
            if outputs is not None:
                if backend.is_float_dtype(original_dtype):
                    outputs = ops.cast(outputs, original_dtype)
                return ops.cast(outputs, self.compute_dtype)
        gamma, beta = broadcast(self.gamma), broadcast(self.beta)
        if self.rms_scaling:
            variance = ops.var(x, axis=axes, keepdims=True)
            outputs = x / ops.sqrt(variance + self.epsilon)
            if gamma is not None:
                outputs = outputs * gamma
        else:
            mean, variance = ops.moments(x, axes=axes, keepdims=True)
            inv = 1.0 / ops.sqrt(variance + self.epsilon)
            if gamma is not None:
                inv = inv * gamma
            shift = -mean * inv
            if beta is not None:
                shift = shift + beta
            outputs = x * inv + shift
        if backend.is_float_dtype(original_dtype):
            outputs = ops.cast(outputs, original_dtype)  # as Keras: float16 inputs give float16-rounded outputs
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        self._check_axes(input_shape)
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config
