"""``Model.stateless_compute_loss``: ``compute_loss`` with given variable values, changing none."""

from cornu import backend


def stateless_compute_loss(model, trainable_variables, non_trainable_variables, metrics_variables,
                           x=None, y=None, y_pred=None, sample_weight=None, training=True):
    """Returns ``(loss, (trainable_variables, non_trainable_variables, metrics_variables))``.

    The variable values come in as lists ordered like ``model.trainable_variables``,
    ``model.non_trainable_variables`` and ``model.metrics_variables``; values that
    ``compute_loss`` updated (e.g. a metric it fed) come back updated.
    """
    groups = ((model.trainable_variables, trainable_variables, "trainable_variables"),
              (model.non_trainable_variables, non_trainable_variables, "non_trainable_variables"),
              (model.metrics_variables, metrics_variables, "metrics_variables"))
    mapping = []
    for variables, values, name in groups:
        if len(values) != len(variables):
            raise ValueError(f"stateless_compute_loss on '{model.name}' expects {len(variables)} values in "
                             f"`{name}`, one per variable of `model.{name}`. Received: {len(values)}")
        mapping.extend(zip(variables, values))
    with backend.StatelessScope(state_mapping=mapping) as scope:
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)

    def current(variables, values):
        out = []
        for variable, value in zip(variables, values):
            updated = scope.get_current_value(variable)
            out.append(value if updated is None else updated)
        return out

    return loss, (list(trainable_variables),
                  current(model.non_trainable_variables, non_trainable_variables),
                  current(model.metrics_variables, metrics_variables))
