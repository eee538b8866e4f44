"""``Objective``: the metric a search optimizes and its direction, inferred from the name when left out.

``"val_loss"`` or any loss name means "min"; ``"val_accuracy"``, ``"auc"``, ``"precision"``... mean
"max" (the ``val_`` and ``weighted_`` prefixes are ignored, as KerasTuner does). A name whose
direction cannot be inferred is an error asking for an explicit ``Objective(name, direction)``.

Example:
>>> create_objective("val_accuracy")
Objective(name="val_accuracy", direction="max")
"""

_MAX_NAMES = {
    "acc", "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "true_positives", "true_negatives",
    "precision", "recall", "auc", "sensitivity_at_specificity", "specificity_at_sensitivity",
    "precision_at_recall", "recall_at_precision", "f1_score", "fbeta_score", "r2_score", "iou", "mean_iou",
    "one_hot_iou", "one_hot_mean_iou", "binary_iou", "cosine_similarity",
    "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "TruePositives", "TrueNegatives",
    "Precision", "Recall", "AUC", "SensitivityAtSpecificity", "SpecificityAtSensitivity",
}
_MIN_NAMES = {"loss", "crossentropy", "ce", "false_positives", "false_negatives"}


class Objective:
    """The metric to optimize and its direction, ``"min"`` or ``"max"``.

    Example:
    >>> objective = Objective("val_f1", direction="max")
    >>> objective.better_than(0.9, 0.8)
    True
    """

    def __init__(self, name, direction):
        if direction not in ("min", "max"):
            raise ValueError(f"An Objective's direction must be 'min' or 'max'. "
                             f"Received: name={name!r}, direction={direction!r}")
        self.name = name
        self.direction = direction

    def has_value(self, logs):
        """Whether ``logs`` (a metrics dict such as ``on_epoch_end``'s) holds this objective."""
        return self.name in logs

    def get_value(self, logs):
        """This objective's value in ``logs``."""
        return logs[self.name]

    def better_than(self, a, b):
        """Whether the value ``a`` is better than ``b`` for this direction."""
        return (a > b) if self.direction == "max" else (a < b)

    def __eq__(self, other):
        return isinstance(other, Objective) and (self.name, self.direction) == (other.name, other.direction)

    def __hash__(self):
        return hash((self.name, self.direction))

    def __str__(self):
        return f'Objective(name="{self.name}", direction="{self.direction}")'

    __repr__ = __str__


class DefaultObjective(Objective):
    """What a search minimizes when no objective is given: the float ``run_trial`` returns."""

    def __init__(self):
        super().__init__(name="default_objective", direction="min")


class MultiObjective(Objective):
    """Several objectives as one number: the sum of those to minimize minus the sum of those to maximize."""

    def __init__(self, objectives):
        super().__init__(name="multi_objective", direction="min")
        self.objectives = objectives
        self.name_to_direction = {o.name: o.direction for o in objectives}

    def has_value(self, logs):
        return all(name in logs for name in self.name_to_direction)

    def get_value(self, logs):
        total = 0.0
        for name, direction in self.name_to_direction.items():
            total += logs[name] if direction == "min" else -logs[name]
        return total

    def __str__(self):
        return "Multi" + super().__str__() + f": [{', '.join(str(o) for o in self.objectives)}]"

    __repr__ = __str__


def infer_metric_direction(metric):
    """``"min"``, ``"max"`` or ``None`` for a metric name (``val_``/``weighted_`` prefixes ignored)."""
    name = metric if isinstance(metric, str) else getattr(metric, "name", None) or type(metric).__name__
    if name.startswith("val_"):
        name = name[len("val_"):]
    if name.startswith("weighted_"):
        name = name[len("weighted_"):]
    if name in _MAX_NAMES:
        return "max"
    if name in _MIN_NAMES or name.endswith("_loss") or name.endswith("_error") or name.endswith("crossentropy"):
        return "min"
    from cornu import losses, metrics

    for namespace in (metrics, losses):
        try:
            found = namespace.get(name)
        except Exception:
            continue
        if found is not None:
            return "min"
    return None


def create_objective(objective):
    """An ``Objective`` from a name, an ``Objective``, a list of those, or ``None`` (the default)."""
    if objective is None:
        return DefaultObjective()
    if isinstance(objective, (list, tuple)):
        return MultiObjective([create_objective(o) for o in objective])
    if isinstance(objective, Objective):
        return objective
    if not isinstance(objective, str):
        raise TypeError("`objective` must be a metric name, a `cornu.tuner.Objective` or a list of them. "
                        f"Received: objective={objective!r} of type {type(objective).__name__}")
    direction = infer_metric_direction(objective)
    if direction is None:
        raise ValueError(
            f'Could not infer whether to minimize or maximize the metric "{objective}". Pass an explicit '
            f'objective instead, e.g. `cornu.tuner.Objective("{objective}", direction="max")`. '
            f"Received: objective={objective!r}")
    return Objective(name=objective, direction=direction)
