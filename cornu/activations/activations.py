"""The activation functions of ``cornu.activations``.

Each one is a plain function of a tensor built from ``cornu.ops``, so it works
eagerly on every backend and symbolically on ``KerasTensor`` inputs.
"""

from cornu import ops
from cornu.serialization.registry import keras_export


def _remember_logits(output, logits):
    # Losses use the pre-activation values for a numerically stable
    # crossentropy; some tensor types (jax arrays) refuse new attributes.
    try:
        output._keras_logits = logits
    except AttributeError:
        pass
    return output


@keras_export("keras.activations.relu")
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, optionally leaky, capped and shifted.

    Returns ``x`` above ``threshold`` (capped at ``max_value``), and
    ``negative_slope * (x - threshold)`` below it.

    Example:
    >>> cornu.activations.relu([-10.0, -5.0, 0.0, 5.0, 10.0], negative_slope=0.5)
    [-5.0, -2.5, 0.0, 5.0, 10.0]
    """
    x = ops.convert_to_tensor(x)
    if negative_slope != 0.0 and max_value is None and threshold == 0:
        return ops.leaky_relu(x, negative_slope=negative_slope)
    if negative_slope != 0.0:
        negative_part = ops.relu(threshold - x) if threshold != 0 else ops.relu(-x)
    if threshold != 0:
        x = ops.where(ops.greater(x, ops.cast(threshold, x.dtype)), x, ops.zeros_like(x))
    elif max_value == 6:
        x = ops.relu6(x)
        max_value = None
    else:
        x = ops.relu(x)
    if max_value is not None:
        x = ops.clip(x, ops.cast(0.0, x.dtype), ops.cast(max_value, x.dtype))
    if negative_slope != 0.0:
        x = x - negative_slope * negative_part
    return x


@keras_export("keras.activations.leaky_relu")
def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x >= 0``, ``negative_slope * x`` otherwise.

    Example:
    >>> cornu.activations.leaky_relu([-1.0, 2.0])  # [-0.2, 2.0]
    """
    return ops.leaky_relu(x, negative_slope=negative_slope)


@keras_export("keras.activations.relu6")
def relu6(x):
    """``min(max(x, 0), 6)``.

    Example:
    >>> cornu.activations.relu6([-1.0, 3.0, 8.0])  # [0.0, 3.0, 6.0]
    """
    return ops.relu6(x)


@keras_export("keras.activations.softmax")
def softmax(x, axis=-1):
    """Turns logits into probabilities along ``axis``.

    Example:
    >>> cornu.activations.softmax([[1.0, 1.0]])  # [[0.5, 0.5]]
    """
    return _remember_logits(ops.softmax(x, axis=axis), x)


@keras_export("keras.activations.elu")
def elu(x, alpha=1.0):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    Example:
    >>> cornu.activations.elu([-1.0, 1.0])  # [-0.632, 1.0]
    """
    return ops.elu(x, alpha=alpha)


@keras_export("keras.activations.selu")
def selu(x):
    """Scaled ELU with the self-normalizing constants (use with ``lecun_normal``).

    Example:
    >>> cornu.activations.selu([1.0])  # [1.0507]
    """
    return ops.selu(x)


@keras_export("keras.activations.softplus")
def softplus(x):
    """``log(exp(x) + 1)``.

    Example:
    >>> cornu.activations.softplus([0.0])  # [0.693]
    """
    return ops.softplus(x)


@keras_export("keras.activations.softsign")
def softsign(x):
    """``x / (abs(x) + 1)``.

    Example:
    >>> cornu.activations.softsign([1.0])  # [0.5]
    """
    return ops.softsign(x)


@keras_export("keras.activations.soft_shrink")
def soft_shrink(x, threshold=0.5):
    """Moves ``x`` towards zero by ``threshold``; values within it become 0.

    Example:
    >>> cornu.activations.soft_shrink([-1.0, 0.2, 1.0])  # [-0.5, 0.0, 0.5]
    """
    return ops.soft_shrink(x, threshold=threshold)


@keras_export("keras.activations.sparse_plus")
def sparse_plus(x):
    """0 below -1, ``(x + 1)**2 / 4`` on ``[-1, 1]``, ``x`` above 1.

    Example:
    >>> cornu.activations.sparse_plus([-2.0, 0.0, 2.0])  # [0.0, 0.25, 2.0]
    """
    return ops.sparse_plus(x)


@keras_export("keras.activations.silu", "keras.activations.swish")
def silu(x):
    """``x * sigmoid(x)``, also called swish.

    Example:
    >>> cornu.activations.silu([1.0])  # [0.731]
    """
    return ops.silu(x)


swish = silu


@keras_export("keras.activations.squareplus")
def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``, a smooth ReLU.

    Example:
    >>> cornu.activations.squareplus([0.0])  # [1.0]
    """
    return ops.squareplus(x, b=b)


@keras_export("keras.activations.gelu")
def gelu(x, approximate=False):
    """Gaussian error linear unit ``x * P(X <= x)``, exact by default.

    Example:
    >>> cornu.activations.gelu([1.0])  # [0.841]
    """
    return ops.gelu(x, approximate=approximate)


@keras_export("keras.activations.celu")
def celu(x, alpha=1.0):
    """``max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))``.

    Example:
    >>> cornu.activations.celu([-1.0, 1.0])  # [-0.632, 1.0]
    """
    return ops.celu(x, alpha=alpha)


@keras_export("keras.activations.glu")
def glu(x, axis=-1):
    """Gated linear unit: splits ``x`` in two halves ``a, b`` and returns ``a * sigmoid(b)``.

    Example:
    >>> cornu.activations.glu([[1.0, 0.0]])  # [[0.5]]
    """
    return ops.glu(x, axis=axis)


@keras_export("keras.activations.tanh")
def tanh(x):
    """Hyperbolic tangent.

    Example:
    >>> cornu.activations.tanh([0.0])  # [0.0]
    """
    return ops.tanh(x)


@keras_export("keras.activations.tanh_shrink")
def tanh_shrink(x):
    """``x - tanh(x)``.

    Example:
    >>> cornu.activations.tanh_shrink([1.0])  # [0.238]
    """
    return ops.tanh_shrink(x)


@keras_export("keras.activations.hard_tanh")
def hard_tanh(x):
    """``clip(x, -1, 1)``.

    Example:
    >>> cornu.activations.hard_tanh([-2.0, 0.5])  # [-1.0, 0.5]
    """
    return ops.hard_tanh(x)


@keras_export("keras.activations.hard_shrink")
def hard_shrink(x, threshold=0.5):
    """``x`` where ``abs(x) > threshold``, else 0.

    Example:
    >>> cornu.activations.hard_shrink([-1.0, 0.2])  # [-1.0, 0.0]
    """
    return ops.hard_shrink(x, threshold=threshold)


@keras_export("keras.activations.threshold")
def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``.

    Example:
    >>> cornu.activations.threshold([1.0, 3.0], 2.0, -1.0)  # [-1.0, 3.0]
    """
    return ops.threshold(x, threshold, default_value)


@keras_export("keras.activations.sigmoid")
def sigmoid(x):
    """``1 / (1 + exp(-x))``.

    Example:
    >>> cornu.activations.sigmoid([0.0])  # [0.5]
    """
    return _remember_logits(ops.sigmoid(x), x)


@keras_export("keras.activations.sparse_sigmoid")
def sparse_sigmoid(x):
    """0 below -1, ``(x + 1) / 2`` on ``[-1, 1]``, 1 above.

    Example:
    >>> cornu.activations.sparse_sigmoid([-2.0, 0.0, 2.0])  # [0.0, 0.5, 1.0]
    """
    return ops.sparse_sigmoid(x)


@keras_export("keras.activations.exponential")
def exponential(x):
    """``exp(x)``.

    Example:
    >>> cornu.activations.exponential([0.0])  # [1.0]
    """
    return ops.exp(x)


@keras_export("keras.activations.hard_sigmoid")
def hard_sigmoid(x):
    """Piecewise-linear sigmoid ``clip(x / 6 + 0.5, 0, 1)``.

    Example:
    >>> cornu.activations.hard_sigmoid([0.0])  # [0.5]
    """
    return ops.hard_sigmoid(x)


@keras_export("keras.activations.log_sigmoid")
def log_sigmoid(x):
    """``log(sigmoid(x))``, computed stably.

    Example:
    >>> cornu.activations.log_sigmoid([0.0])  # [-0.693]
    """
    return ops.log_sigmoid(x)


@keras_export("keras.activations.hard_silu", "keras.activations.hard_swish")
def hard_silu(x):
    """``x * hard_sigmoid(x)``, also called hard swish.

    Example:
    >>> cornu.activations.hard_silu([3.0])  # [3.0]
    """
    return ops.hard_silu(x)


hard_swish = hard_silu


@keras_export("keras.activations.linear")
def linear(x):
    """Returns ``x`` unchanged (the activation of a layer given ``activation=None``).

    Example:
    >>> cornu.activations.linear(3.0)
    3.0
    """
    return x


@keras_export("keras.activations.mish")
def mish(x):
    """``x * tanh(softplus(x))``.

    Example:
    >>> cornu.activations.mish([1.0])  # [0.865]
    """
    x = ops.convert_to_tensor(x)
    return x * ops.tanh(ops.softplus(x))


@keras_export("keras.activations.log_softmax")
def log_softmax(x, axis=-1):
    """``log(softmax(x))`` along ``axis``, computed stably.

    Example:
    >>> cornu.activations.log_softmax([[0.0, 0.0]])  # [[-0.693, -0.693]]
    """
    return ops.log_softmax(x, axis=axis)


@keras_export("keras.activations.sparsemax")
def sparsemax(x, axis=-1):
    """Euclidean projection of ``x`` onto the probability simplex along ``axis``.

    Unlike softmax it can give exact zeros.

    Example:
    >>> cornu.activations.sparsemax([[1.0, 0.0, -1.0]])  # [[1.0, 0.0, 0.0]]
    """
    return ops.sparsemax(x, axis=axis)