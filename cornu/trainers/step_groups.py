"""Grouping an epoch's batches for ``steps_per_execution``.

With ``steps_per_execution=N`` the trainer hands the runner N batches at a
time (one compiled call on JAX) and callbacks see one batch hook per group,
with the index of the group's last step, as in Keras (batch 3, then 7, for
N = 4). The epoch's last group may be shorter.
"""


def step_groups(iterator, steps_per_execution):
    """Yields ``(last_step_index, [batch, ...])`` with up to ``steps_per_execution`` batches.

    Example:
    >>> for step, batches in step_groups(iterator, 4):
    ...     logs = runner.run_group(batches)
    """
    group = []
    step = -1
    for step, batch in iterator:
        group.append(batch)
        if len(group) == steps_per_execution:
            yield step, group
            group = []
    if group:
        yield step, group
