"""Fused optimizer updates for TensorFlow, with TensorFlow's apply kernels.

The generic ``update_step`` of Adam is about a dozen graph ops per variable, and each
writes a full-size temporary: for a 670k-parameter MLP on one core that was 3.9 ms of a
10 ms training step. ``tf.raw_ops.ResourceApplyAdam`` computes the same rule (Keras's
bias-corrected step size, epsilon outside the square root) in one pass over each variable;
SGD with momentum uses ``ResourceApplyKerasMomentum`` (Keras's ``m = momentum * m - lr * g``).
These are the kernels the hand-written TensorFlow benchmark uses (and ``tf.keras`` 2 used).
One rounding differs from the generic path: the kernel computes ``1 - beta`` in the variables'
dtype (``1 - float32(0.999)`` = 0.00099998713) where ``update_step`` rounds Python's
``1 - 0.999`` (0.0010000000475 in float32); so Adam's second moment decays at a rate 1.3e-5
relative apart, and weights drift apart by about 1e-5 relative over tens of steps. SGD's
kernels compute exactly Keras's expressions.

Optimizers without a rule this module knows, variables that are not ``tf.Variable``s of
float32/float64, or mixed dtypes run the generic path.
"""

import tensorflow as tf

_FUSED_DTYPES = (tf.float32, tf.float64)


def fused_update_step(optimizer):
    """The fused update for ``optimizer``, or None when the generic path must run.

    Example:
    >>> fused_update_step(cornu.optimizers.Adam()) is not None
    True
    """
    return _FUSED_RULES.get(optimizer.fused_update_rule)


def _tf_variables(variables):
    """Each cornu variable's ``tf.Variable``, or None when one is missing or the dtypes differ."""
    values = [getattr(v, "_value", None) for v in variables]
    if not values or not all(isinstance(v, tf.Variable) for v in values):
        return None
    dtype = values[0].dtype
    if dtype not in _FUSED_DTYPES or any(v.dtype != dtype for v in values):
        return None
    return values


def _dense_grads(grads, dtype):
    grads = [tf.convert_to_tensor(g) for g in grads]
    return [g if g.dtype == dtype else tf.cast(g, dtype) for g in grads]


def _scalar(value, dtype):
    value = getattr(value, "value", value)
    return tf.cast(value, dtype)


def _adam(optimizer, grads, variables, learning_rate):
    params = _tf_variables(variables)
    if params is None or any(g is None for g in grads):
        return False
    momentums, velocities = optimizer.fused_slots(variables)
    m = _tf_variables(momentums)
    v = _tf_variables(velocities)
    if m is None or v is None:
        return False
    dtype = params[0].dtype
    step = _scalar(optimizer.iterations, dtype) + 1
    beta_1 = tf.constant(optimizer.beta_1, dtype)
    beta_2 = tf.constant(optimizer.beta_2, dtype)
    beta_1_power, beta_2_power = tf.pow(beta_1, step), tf.pow(beta_2, step)
    lr = _scalar(learning_rate, dtype)
    epsilon = tf.constant(optimizer.epsilon, dtype)
    for param, momentum, velocity, grad in zip(params, m, v, _dense_grads(grads, dtype)):
        tf.raw_ops.ResourceApplyAdam(
            var=param.handle, m=momentum.handle, v=velocity.handle, beta1_power=beta_1_power,
            beta2_power=beta_2_power, lr=lr, beta1=beta_1, beta2=beta_2, epsilon=epsilon, grad=grad)
    return True


def _sgd(optimizer, grads, variables, learning_rate):
    params = _tf_variables(variables)
    if params is None or any(g is None for g in grads):
        return False
    dtype = params[0].dtype
    lr = _scalar(learning_rate, dtype)
    grads = _dense_grads(grads, dtype)
    if optimizer.momentum == 0:
        for param, grad in zip(params, grads):
            tf.raw_ops.ResourceApplyGradientDescent(var=param.handle, alpha=lr, delta=grad)
        return True
    (momentums,) = optimizer.fused_slots(variables)
    m = _tf_variables([slot for slot in momentums if slot is not None])
    if m is None or len(m) != len(params):
        return False
    momentum = tf.constant(optimizer.momentum, dtype)
    for param, accumulator, grad in zip(params, m, grads):
        tf.raw_ops.ResourceApplyKerasMomentum(
            var=param.handle, accum=accumulator.handle, lr=lr, grad=grad, momentum=momentum,
            use_nesterov=bool(optimizer.nesterov))
    return True


_FUSED_RULES = {"adam": _adam, "sgd": _sgd}
