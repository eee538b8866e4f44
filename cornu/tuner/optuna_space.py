"""How each hyperparameter kind asks an Optuna trial for its value (``trial.suggest_*``).

Define-by-run on both sides: ``hp.Int(...)`` inside ``build(hp)`` calls ``trial.suggest_int`` the
first time the hyperparameter is met in a trial, and only when it is active (inside a
``conditional_scope`` whose parent value matches). The Optuna parameter has the hyperparameter's
name, so Optuna's plots and importances read naturally.

- ``Int``/``Float`` with linear or log sampling map to ``suggest_int``/``suggest_float`` (``log=True``);
  a linear ``step`` to Optuna's ``step`` (the top of the range is snapped onto the grid, as
  KerasTuner's grid excludes a partial last step).
- A multiplicative ``step`` (log/reverse_log with ``step``) is a finite list: ``suggest_categorical``.
- ``reverse_log`` without a step samples ``max + min - v`` with ``v`` log-uniform (dense near
  ``max_value``); the Optuna parameter holds ``v`` under the name ``"<name>/reverse_log"``.
- ``Choice`` and ``Boolean`` map to ``suggest_categorical``; ``Fixed`` asks nothing.

Example:
>>> value = suggest(Int("units", 8, 64, step=8), optuna_trial)  # calls optuna_trial.suggest_int
"""

from cornu.tuner import hp_types

REVERSE_LOG_SUFFIX = "/reverse_log"


def suggest(hp, trial):
    """The value of ``hp`` for this Optuna ``trial`` (a ``Fixed`` value is not suggested)."""
    if isinstance(hp, hp_types.Fixed):
        return hp.value
    if isinstance(hp, hp_types.Boolean):
        return bool(trial.suggest_categorical(hp.name, [False, True]))
    if isinstance(hp, hp_types.Choice):
        return trial.suggest_categorical(hp.name, list(hp.values))
    if isinstance(hp, (hp_types.Int, hp_types.Float)):
        return _suggest_numerical(hp, trial)
    raise TypeError(f"Cannot tune a hyperparameter of kind {type(hp).__name__}: use Int, Float, Choice, "
                    f"Boolean or Fixed. Received: {hp!r}")


def _suggest_numerical(hp, trial):
    is_int = isinstance(hp, hp_types.Int)
    low, high = hp.min_value, hp.max_value
    if hp.step is not None and hp.sampling != "linear":
        grid = list(hp.values)
        return trial.suggest_categorical(hp.name, grid)
    if hp.sampling == "reverse_log":
        mirror = trial.suggest_int if is_int else trial.suggest_float
        v = mirror(hp.name + REVERSE_LOG_SUFFIX, low, high, log=True)
        return type(low)(high + low - v)
    log = hp.sampling == "log"
    if hp.step is not None and low != high:
        top = hp._grid_value(hp._grid_size() - 1)
        if is_int:
            return int(trial.suggest_int(hp.name, low, int(top), step=hp.step))
        value = trial.suggest_float(hp.name, low, top, step=hp.step)
        return hp._grid_value(hp._grid_index(value))  # the exact float KerasTuner's grid holds
    if low == high:
        return low
    if is_int:
        return int(trial.suggest_int(hp.name, low, high, log=log))
    return float(trial.suggest_float(hp.name, low, high, log=log))


def to_optuna_params(space, values):
    """The Optuna parameters (name -> internal value) that make ``suggest`` return ``values``."""
    params = {}
    for hp in space:
        if hp.name not in values or isinstance(hp, hp_types.Fixed):
            continue
        value = values[hp.name]
        if isinstance(hp, (hp_types.Int, hp_types.Float)) and hp.sampling == "reverse_log" and hp.step is None:
            params[hp.name + REVERSE_LOG_SUFFIX] = type(hp.min_value)(hp.max_value + hp.min_value - value)
        elif isinstance(hp, (hp_types.Int, hp_types.Float)) and hp.min_value == hp.max_value:
            continue
        else:
            params[hp.name] = value
    return params
