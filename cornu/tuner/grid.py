"""The order in which ``GridSearch`` walks a search space: KerasTuner 1.4's, default values first.

Each hyperparameter's values are listed default first, then the others in ``hp.values`` order; the
last declared hyperparameter varies fastest. Only active hyperparameters are part of a point, so a
conditional one multiplies only the branch it belongs to.

Example:
>>> [p for p in iterate_grid([Int("a", 1, 2), Choice("b", ["x", "y"])])]
[{'a': 1, 'b': 'x'}, {'a': 1, 'b': 'y'}, {'a': 2, 'b': 'x'}, {'a': 2, 'b': 'y'}]
"""

from cornu.tuner.hyperparameters import HyperParameters


def _ordered_values(hp):
    values = list(hp.values)
    if hp.default in values:
        values.remove(hp.default)
    return [hp.default] + values


def _fill_active(hps, defaults):
    for hp in hps.space:
        if hps.is_active(hp):
            hps.values.setdefault(hp.name, defaults[hp.name])
        else:
            hps.values.pop(hp.name, None)
    return hps.values


def iterate_grid(space):
    """Yields every point (a dict of active values) of the grid over ``space``, in KerasTuner's order."""
    space = list(space)
    if not space:
        return
    hps = HyperParameters()
    for hp in space:
        hps._hps.setdefault(hp.name, []).append(hp)
        hps._space.append(hp)
    choices = {hp.name: _ordered_values(hp) for hp in space}
    defaults = {hp.name: hp.default for hp in space}
    hps.values = {}
    for hp in space:  # defaults first, activity resolved in declaration order
        if hps.is_active(hp):
            hps.values[hp.name] = hp.default
    while True:
        yield dict(hps.values)
        bumped = False
        for hp in reversed(space):
            if hps.is_active(hp):
                options = choices[hp.name]
                value = hps.values[hp.name]
                if value != options[-1]:
                    hps.values[hp.name] = options[options.index(value) + 1]
                    bumped = True
                    break
            hps.values[hp.name] = defaults[hp.name]
        if not bumped:
            return
        _fill_active(hps, defaults)
