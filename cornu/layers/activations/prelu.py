"""``PReLU``: a leaky ReLU whose negative slopes are learned."""

from cornu import activations, constraints, initializers, regularizers
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.serialization.registry import keras_export


@keras_export("keras.layers.PReLU")
class PReLU(Layer):
    """``x`` for ``x >= 0`` and ``alpha * x`` otherwise, with ``alpha`` a weight
    of the input's shape (without the batch axis). Axes in ``shared_axes``
    (counted from 1, the first axis after the batch) share one slope.

    Example:
    >>> layer = cornu.layers.PReLU(shared_axes=[1, 2])
    >>> y = layer(np.ones((2, 4, 4, 3)))
    >>> layer.alpha.shape
    (1, 1, 3)
    """

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            axes = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
            if not all(isinstance(a, int) and not isinstance(a, bool) and a >= 1 for a in axes):
                raise ValueError(
                    "PReLU: `shared_axes` must be an int or a list of ints >= 1 (axis 0 is the batch axis). "
                    f"Received: shared_axes={shared_axes!r}"
                )
            self.shared_axes = axes

    def build(self, input_shape):
        rank = len(input_shape)
        param_shape = list(input_shape[1:])
        shared = self.shared_axes or []
        for axis in shared:
            if axis >= rank:
                raise ValueError(
                    f"PReLU layer '{self.name}': `shared_axes` holds axis {axis}, but the input has only {rank} axes. "
                    f"Received: shared_axes={self.shared_axes}, input_shape={tuple(input_shape)}"
                )
            param_shape[axis - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError(
                f"PReLU layer '{self.name}' needs known sizes for every non-batch axis that is not shared. "
                f"Received: input_shape={tuple(input_shape)}, shared_axes={self.shared_axes}"
            )
        self.alpha = self.add_weight(shape=param_shape, name="alpha", initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        axes = {i: input_shape[i] for i in range(1, rank) if shared and i not in shared}
        self.input_spec = InputSpec(ndim=rank, axes=axes)

    def call(self, inputs):
        return activations.relu(inputs) - self.alpha * activations.relu(-inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        })
        return config
