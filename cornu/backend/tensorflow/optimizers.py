"""TensorFlow optimizer updates: the generic ``update_step`` path for every optimizer.

Inside the traced training step (``tf.function``) the generic update is a handful of graph
ops per variable, computed in exactly the order of the other backends, so a model trains to
the same numbers everywhere. A fused apply op (``tf.raw_ops.ResourceApplyAdam``) computes
the same rule with another order of roundings and was not a clear win to justify that:
``fused_update_step`` always chooses the generic path.
"""


def fused_update_step(optimizer):
    """The fused update for ``optimizer``, or None when the generic path must run (always here).

    Example:
    >>> fused_update_step(cornu.optimizers.Adam()) is None
    True
    """
    return None
