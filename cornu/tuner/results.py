"""What ``run_trial``/``HyperModel.fit`` may return, and how it becomes a trial's metrics and score.

Accepted, as in KerasTuner: a float (the objective), a dict of metrics holding the objective, a
``History`` (its best epoch counts), or a list of those (one per execution, averaged).

Example:
>>> convert_to_metrics_dict(0.25, Objective("loss", "min"))
{'loss': 0.25}
"""

import numbers
import statistics

from cornu.tuner import errors
from cornu.tuner.objective import DefaultObjective


def _is_history(results):
    from cornu.callbacks.history import History

    return isinstance(results, History) or (hasattr(results, "history") and hasattr(results, "epoch")
                                            and isinstance(getattr(results, "history"), dict))


def validate_trial_results(results, objective, func_name):
    """Raises a clear error when ``results`` cannot give the objective's value."""
    if isinstance(results, list):
        for item in results:
            validate_trial_results(item, objective, func_name)
        return
    if isinstance(results, numbers.Real) and not isinstance(results, bool):
        return
    if results is None:
        raise errors.FatalTypeError(f"{func_name} returned None: return the History of `model.fit`, a dict of "
                                    "metrics holding the objective, or the objective's value as a float.")
    if isinstance(objective, DefaultObjective) and not (isinstance(results, dict) and objective.name in results):
        raise errors.FatalTypeError(
            f"{func_name} must return a single float when the tuner has no `objective`: return the value to "
            "minimize, or pass `objective=` to the tuner (e.g. 'val_loss'). "
            f"Received: {results!r} of type {type(results).__name__}")
    if isinstance(results, dict):
        if not objective.has_value(results):
            raise errors.FatalValueError(
                f"The dict returned by {func_name} lacks the objective {objective.name!r}: add it, or change the "
                f"tuner's objective. Received: {results!r}")
        return
    if _is_history(results):
        if not objective.has_value(results.history):
            raise errors.FatalValueError(
                f"The objective {objective.name!r} is not among the metrics the model logged: pass validation "
                "data to `search` (for a val_ metric), compile the model with that metric, or choose one of "
                f"those logged. Received: logged metrics {sorted(results.history)}")
        return
    raise errors.FatalTypeError(
        f"{func_name} must return a History, a dict, a float, or a list of those. "
        f"Received: {results!r} of type {type(results).__name__}")


def best_epoch_of_history(history, objective):
    """``(metrics of the best epoch, that epoch)`` of a ``History``."""
    logs = history.history
    epochs = list(getattr(history, "epoch", None) or range(len(next(iter(logs.values()), []))))
    best_metrics, best_epoch, best_value = None, 0, None
    for i, epoch in enumerate(epochs):
        metrics = {name: values[i] for name, values in logs.items() if i < len(values)}
        if not objective.has_value(metrics):
            continue
        value = float(objective.get_value(metrics))
        if best_value is None or objective.better_than(value, best_value):
            best_metrics, best_epoch, best_value = metrics, epoch, value
    return best_metrics or {}, best_epoch


def convert_to_metrics_dict(results, objective):
    """The metrics dict of ``results`` (averaged over a list)."""
    if isinstance(results, list):
        dicts = [convert_to_metrics_dict(r, objective) for r in results]
        names = set.intersection(*(set(d) for d in dicts)) if dicts else set()
        return {name: float(statistics.mean(float(d[name]) for d in dicts)) for name in names}
    if isinstance(results, numbers.Real):
        return {objective.name: float(results)}
    if isinstance(results, dict):
        return {k: (float(v) if isinstance(v, numbers.Real) else v) for k, v in results.items()}
    return {k: float(v) for k, v in best_epoch_of_history(results, objective)[0].items()}


def get_best_step(results, objective):
    """The best epoch (averaged over executions); 0 for a float or dict."""
    if isinstance(results, list):
        return int(statistics.mean(get_best_step(r, objective) for r in results)) if results else 0
    if _is_history(results):
        return int(best_epoch_of_history(results, objective)[1])
    return 0
