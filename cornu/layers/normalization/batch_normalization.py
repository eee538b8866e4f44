"""``BatchNormalization``: normalizes with batch statistics while training and
moving averages of them at inference."""

from cornu import backend, constraints, initializers, ops, regularizers
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export

_RENORM_CLIPPING_KEYS = ("rmax", "rmin", "dmax")


def _check_renorm_clipping(renorm_clipping):
    unknown = set(renorm_clipping) - set(_RENORM_CLIPPING_KEYS)
    if unknown:
        raise ValueError(
            f"Received invalid keys for `renorm_clipping` argument: {sorted(unknown)}. Supported keys: "
            f"{list(_RENORM_CLIPPING_KEYS)}. Received: renorm_clipping={renorm_clipping}"
        )
    rmax, rmin, dmax = (renorm_clipping.get(k) for k in _RENORM_CLIPPING_KEYS)
    if rmax is not None and rmin is not None and rmax < rmin:
        raise ValueError(
            f"`rmax` must be greater than or equal to `rmin` in `renorm_clipping`. Received: rmax={rmax}, rmin={rmin}"
        )
    if dmax is not None and dmax < 0:
        raise ValueError(f"`dmax` must be non-negative in `renorm_clipping`. Received: dmax={dmax}")


def _fresh(initializer):
    # A second variable from the same initializer gets its own random draw.
    return initializer.clone() if isinstance(initializer, initializers.Initializer) else initializer


@keras_export("keras.layers.BatchNormalization")
class BatchNormalization(Layer):
    """Normalizes inputs to zero mean and unit variance along ``axis``, then
    scales by ``gamma`` and shifts by ``beta``.

    With ``training=True`` it uses the statistics of the current batch and
    updates ``moving_mean``/``moving_variance``
    (``moving = moving * momentum + batch * (1 - momentum)``); otherwise it uses
    the moving statistics. A frozen layer (``trainable=False``) always runs in
    inference mode, as in Keras. ``renorm=True`` applies batch renormalization.
    A mask of shape ``inputs.shape[:-1]`` excludes padded steps from the batch
    statistics.

    Example:
    >>> layer = cornu.layers.BatchNormalization()
    >>> y = layer(np.random.rand(8, 3), training=True)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 renorm=False, renorm_clipping=None, renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple, dict, set, str, bool)) or axis is None:
            raise TypeError(
                "`axis` must be a single integer (the features axis) for BatchNormalization. "
                f"Received: axis={axis!r}"
            )
        if synchronized:
            raise ValueError(
                "Argument synchronized=True is only supported with the TensorFlow backend, which cornu does not "
                "provide. Pass synchronized=False. Received: synchronized=True"
            )
        self.axis = int(axis)
        self.synchronized = synchronized
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.renorm = renorm
        if renorm:
            renorm_clipping = renorm_clipping or {}
            _check_renorm_clipping(renorm_clipping)
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.gamma = None
        self.beta = None
        self.moving_mean = None
        self.moving_variance = None
        self._reduction_axes = None

    def build(self, input_shape):
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"Axis {self.axis} is out of bounds for input shape {tuple(input_shape)} of BatchNormalization "
                f"layer '{self.name}'. Received: axis={self.axis}"
            )
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(
                f"The features axis ({self.axis}) of the input to BatchNormalization layer '{self.name}' must have "
                f"a known size. Received: input_shape={tuple(input_shape)}"
            )
        shape = (dim,)
        if self.scale:
            self.gamma = self.add_weight(shape=shape, name="gamma", initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         trainable=True, autocast=False)
        if self.center:
            self.beta = self.add_weight(shape=shape, name="beta", initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        trainable=True, autocast=False)
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean", initializer=self.moving_mean_initializer,
                                           trainable=False, autocast=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance",
                                               initializer=self.moving_variance_initializer, trainable=False,
                                               autocast=False)
        if self.renorm:
            variance_initializer = self.moving_variance_initializer

            def stddev_initializer(shape, dtype=None):
                return ops.sqrt(_fresh(variance_initializer)(shape, dtype=dtype))

            self.moving_stddev = self.add_weight(shape=shape, name="moving_stddev", initializer=stddev_initializer,
                                                 trainable=False, autocast=False)
            self.renorm_mean = self.add_weight(shape=shape, name="renorm_mean",
                                               initializer=_fresh(self.moving_mean_initializer), trainable=False,
                                               autocast=False)
            self.renorm_stddev = self.add_weight(shape=shape, name="renorm_stddev", initializer=stddev_initializer,
                                                 trainable=False, autocast=False)
        self.input_spec = InputSpec(ndim=rank, axes={self.axis: dim})
        self._reduction_axes = [i for i in range(rank) if i != self.axis % rank]

    def compute_output_shape(self, input_shape):
        if not -len(input_shape) <= self.axis < len(input_shape):
            raise ValueError(
                f"Axis {self.axis} is out of bounds for input shape {tuple(input_shape)}. Received: axis={self.axis}"
            )
        return input_shape

    def call(self, inputs, training=None, mask=None):
        if mask is not None and len(mask.shape) != len(inputs.shape) - 1:
            raise ValueError(
                "The mask provided should be one dimension less than the inputs. "
                f"Received: mask.shape={tuple(mask.shape)}, inputs.shape={tuple(inputs.shape)}"
            )
        # float16/bfloat16 inputs are normalized in float32 for accuracy.
        compute_dtype = backend.result_type(inputs.dtype, "float32")
        inputs = ops.cast(inputs, compute_dtype)
        moving_mean = ops.cast(self.moving_mean, compute_dtype)
        moving_variance = ops.cast(self.moving_variance, compute_dtype)
        gamma = ops.cast(self.gamma, compute_dtype) if self.scale else None
        beta = ops.cast(self.beta, compute_dtype) if self.center else None

        if training and self.trainable:
            mean, variance = self._moments(inputs, mask)
            if self.renorm:
                r, d = self._renorm_correction(mean, variance)
                gamma, beta = self._compose_renorm(r, d, gamma, beta, compute_dtype)
                self._update_renorm_statistics(mean, variance)
            else:
                self.moving_mean.assign(moving_mean * self.momentum + mean * (1.0 - self.momentum))
                self.moving_variance.assign(moving_variance * self.momentum + variance * (1.0 - self.momentum))
        else:
            mean, variance = moving_mean, moving_variance

        outputs = ops.batch_normalization(inputs, mean, variance, axis=self.axis, offset=beta, scale=gamma,
                                          epsilon=self.epsilon)
        return ops.cast(outputs, self.compute_dtype)

    def _moments(self, inputs, mask):
        if mask is None:
            return ops.moments(inputs, axes=self._reduction_axes)
        weights = ops.cast(ops.broadcast_to(ops.expand_dims(mask, axis=-1), ops.shape(inputs)), "bool")
        count = ops.sum(ops.cast(weights, inputs.dtype), self._reduction_axes, keepdims=True)
        denominator = count + backend.epsilon()
        mean = ops.sum(ops.where(weights, inputs, 0), self._reduction_axes, keepdims=True) / denominator
        squared = ops.square(ops.where(weights, inputs - mean, 0))
        variance = ops.sum(squared, self._reduction_axes, keepdims=True) / denominator
        return ops.squeeze(mean, axis=self._reduction_axes), ops.squeeze(variance, axis=self._reduction_axes)

    # ----------------------------------------------------------- renorm
    def _renorm_correction(self, mean, variance):
        stddev = ops.sqrt(variance + self.epsilon)
        renorm_mean = ops.cast(self.renorm_mean, mean.dtype)
        renorm_stddev = ops.maximum(ops.cast(self.renorm_stddev, mean.dtype),
                                    ops.sqrt(ops.cast(self.epsilon, mean.dtype)))
        r = stddev / renorm_stddev
        d = (mean - renorm_mean) / renorm_stddev
        clipping = self.renorm_clipping
        if clipping.get("rmin") is not None:
            r = ops.maximum(r, clipping["rmin"])
        if clipping.get("rmax") is not None:
            r = ops.minimum(r, clipping["rmax"])
        if clipping.get("dmax") is not None:
            d = ops.clip(d, -clipping["dmax"], clipping["dmax"])
        return r, d

    @staticmethod
    def _compose_renorm(r, d, gamma, beta, dtype):
        # (x_hat * r + d) * gamma + beta == x_hat * (r * gamma) + (d * gamma + beta)
        r = ops.stop_gradient(r)
        d = ops.stop_gradient(d)
        if gamma is not None:
            new_gamma, new_beta = r * gamma, d * gamma
        else:
            new_gamma, new_beta = ops.cast(r, dtype), ops.cast(d, dtype)
        if beta is not None:
            new_beta = new_beta + beta
        return new_gamma, new_beta

    def _update_renorm_statistics(self, mean, variance):
        stddev = ops.sqrt(variance + self.epsilon)
        renorm_mean = ops.cast(self.renorm_mean, mean.dtype)
        renorm_stddev = ops.cast(self.renorm_stddev, mean.dtype)
        self.renorm_mean.assign(renorm_mean * self.renorm_momentum + mean * (1.0 - self.renorm_momentum))
        self.renorm_stddev.assign(renorm_stddev * self.renorm_momentum + stddev * (1.0 - self.renorm_momentum))
        moving_mean = ops.cast(self.moving_mean, mean.dtype)
        moving_stddev = ops.cast(self.moving_stddev, mean.dtype)
        self.moving_mean.assign(moving_mean * self.momentum + mean * (1.0 - self.momentum))
        new_moving_stddev = moving_stddev * self.momentum + stddev * (1.0 - self.momentum)
        self.moving_stddev.assign(new_moving_stddev)
        self.moving_variance.assign(ops.relu(new_moving_stddev * new_moving_stddev - self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        })
        return config
