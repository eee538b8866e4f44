"""The runner of every eager backend (torch, NumPy): steps run one after the other as plain
calls, and the state lives in the variables themselves. See ``step_protocol``."""

import optree


class EagerRunner:
    """Runs one kind of step (``"train"``, ``"test"`` or ``"predict"``) batch by batch.

    A backend's ``Runner`` subclasses it, sets ``concatenate`` (joins predict outputs along
    the batch axis, called as ``concatenate(parts, 0)``) and may override ``prepare`` to
    compile the step.

    Example:
    >>> class Runner(EagerRunner):
    ...     concatenate = staticmethod(np.concatenate)
    >>> runner = Runner(model, "test")
    >>> runner.start(model.test_step); logs = runner.run((x, y)); runner.finish()
    """

    concatenate = None

    def __init__(self, model, kind):
        self.model = model
        self.kind = kind
        self._step = None

    def prepare(self, step):
        """The callable to run per batch (e.g. ``step`` compiled); ``step`` itself by default."""
        return step

    def start(self, step):
        self._step = self.prepare(step)

    def run(self, data):
        return self._step(data)

    def run_group(self, batches):
        """Runs several steps one after the other (``steps_per_execution``); returns the last
        step's logs, or every output for predict."""
        outputs = [self._step(batch) for batch in batches]
        if self.kind == "predict":
            concatenate = self.concatenate
            return optree.tree_map(lambda *parts: concatenate(parts, 0), *outputs)
        return outputs[-1]

    def finish(self):
        """Nothing to write back: every step updated the variables in place."""
