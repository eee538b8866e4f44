"""``AutoTask``: the fit / predict / evaluate / export_model life of every AutoML task."""

import numpy as np

from cornu.tuner.automl import data_checks, search_runner
from cornu.tuner.automl.task_hypermodel import TaskHyperModel

DEFAULT_EPOCHS = 1000  # as AutoKeras: with `epochs=None` each trial trains until early stopping ends it
EARLY_STOPPING_PATIENCE = 10


class AutoTask:
    """The base of the AutoML tasks: searches a space of models with ``cornu.tuner``, keeps the best.

    A subclass says how to check its ``x`` and which blocks make its search space; this class splits
    off validation data, encodes the labels, runs the search (within ``max_trials`` and an optional
    ``time_budget`` in seconds, checked between trials), and serves the best model.

    Args:
        max_trials: the most models to try.
        directory: where the search keeps its trials (default: the current folder).
        project_name: the sub-folder of ``directory`` for this search.
        objective: the metric to minimize or maximize, ``"val_loss"`` by default.
        tuner: ``"random"``, ``"bayesian"`` (default) or ``"hyperband"``.
        overwrite: start afresh instead of resuming a search found in ``directory/project_name``.
        seed: seeds the search and the weight initialization, for repeatable searches.
        loss, metrics: override the loss and metrics the head infers from ``y``.
        **kwargs: passed on to the tuner (e.g. ``executions_per_trial``).
    """

    task_name = "AutoTask"
    default_project_name = "auto_task"

    def __init__(self, max_trials=100, directory=None, project_name=None, objective="val_loss", tuner=None,
                 overwrite=False, seed=None, loss=None, metrics=None, **kwargs):
        search_runner.check_budget(max_trials, None)
        self.max_trials = max_trials
        self.directory = directory
        self.project_name = project_name or self.default_project_name
        self.objective = objective
        self.tuner_name = search_runner.check_tuner_name(tuner)
        self.overwrite = overwrite
        self.seed = seed
        self.loss = loss
        self.metrics = metrics
        self.tuner_kwargs = kwargs
        self.tuner = None
        self.head = None
        self._sample_shape = None
        self._best_model = None
        self._best_hp = None
        self._exported = None

    # --- what a task defines -------------------------------------------------------------------------

    def _make_head(self):
        raise NotImplementedError

    def _check_x(self, x, arg="x"):
        """``x`` as the NumPy array the model takes, after the task's checks."""
        raise NotImplementedError

    def _make_inputs(self, train_x):
        """A function ``(hp) -> (Input, tensor)`` building the input and its adapted preprocessing."""
        raise NotImplementedError

    def _blocks(self, train_x):
        raise NotImplementedError

    def _input_transform(self, hp, x):
        """What the searched models take, from checked ``x``: ``x`` itself unless a task runs host preprocessing."""
        return x

    def _exportable(self, model, hp):
        """The model to export from the best searched one: itself, unless host preprocessing must go in front."""
        return model

    # --- the public life cycle -----------------------------------------------------------------------

    def fit(self, x=None, y=None, epochs=None, callbacks=None, validation_split=0.2, validation_data=None,
            max_trials=None, time_budget=None, verbose=1, **kwargs):
        """Searches for the best model on ``(x, y)``; ``predict``, ``evaluate`` and ``export_model`` then use it.

        Args:
            x, y: the training samples and their labels (or targets).
            epochs: epochs per trial; ``None`` trains up to 1000 epochs with early stopping on the objective.
            callbacks: Keras callbacks for every trial's ``fit``.
            validation_split: the fraction of ``(x, y)`` (after a seeded shuffle) kept aside to score trials,
                when ``validation_data`` is not given.
            validation_data: ``(x_val, y_val)`` to score trials on.
            max_trials: overrides the constructor's ``max_trials`` for this search.
            time_budget: seconds; no new trial starts once they are spent (the running one finishes).
            verbose: 0 silent, 1 progress.
            **kwargs: passed to each trial's ``model.fit`` (e.g. ``batch_size``).
        """
        search_runner.check_budget(max_trials, time_budget)
        x = self._check_x(x)
        y = data_checks.as_array(y, "y", self.task_name)
        data_checks.check_same_length(x, y, self.task_name)
        self.head = self._make_head().adapt(y)
        targets = self.head.targets(y)
        self._sample_shape = x.shape[1:]
        (train_x, train_y), validation = self._split(x, targets, validation_split, validation_data)
        if validation is None and str(getattr(self.objective, "name", self.objective)).startswith("val_"):
            raise ValueError(f"{self.task_name} scores trials on {self.objective!r}, which needs validation data: "
                             "pass `validation_split` > 0 or `validation_data=(x_val, y_val)`, or set "
                             f"`objective='loss'`. Received: validation_split={validation_split}, validation_data=None")
        if self.seed is not None:
            from cornu.utils.rng_utils import set_random_seed
            set_random_seed(self.seed)
        callbacks = list(callbacks or [])
        if epochs is None:
            epochs = DEFAULT_EPOCHS
            callbacks.append(search_runner.early_stopping(self.objective, EARLY_STOPPING_PATIENCE))
        hypermodel = self._hypermodel(train_x)
        self.tuner = search_runner.make_tuner(
            self.tuner_name, hypermodel, objective=self.objective, max_trials=max_trials or self.max_trials,
            epochs=epochs, directory=self.directory, project_name=self.project_name, overwrite=self.overwrite,
            seed=self.seed, **self.tuner_kwargs)
        search_runner.search(self.tuner, time_budget, train_x, train_y, validation_data=validation,
                             epochs=epochs, callbacks=callbacks, verbose=verbose, **kwargs)
        self._best_model = self.tuner.get_best_models(num_models=1)[0]
        self._best_hp = self.tuner.get_best_hyperparameters(num_trials=1)[0]
        self._exported = None
        return self

    def predict(self, x, batch_size=32, verbose=1, **kwargs):
        """The best model's predictions for ``x``, as labels in the form ``y`` had (classifiers) or targets."""
        model = self._require_fit("predict")
        x = self._check_x(x)
        data_checks.check_feature_shape(x, self._sample_shape, "x", self.task_name)
        x = self._input_transform(self._best_hp, x)
        return self.head.decode(model.predict(x, batch_size=batch_size, verbose=verbose, **kwargs))

    def evaluate(self, x, y=None, batch_size=32, verbose=1, **kwargs):
        """The best model's loss and metrics on ``(x, y)``: ``[loss, metric...]`` as ``Model.evaluate`` gives."""
        model = self._require_fit("evaluate")
        x = self._check_x(x)
        data_checks.check_feature_shape(x, self._sample_shape, "x", self.task_name)
        y = data_checks.as_array(y, "y", self.task_name)
        data_checks.check_same_length(x, y, self.task_name)
        targets = self.head.targets(y)
        x = self._input_transform(self._best_hp, x)
        return model.evaluate(x, targets, batch_size=batch_size, verbose=verbose, **kwargs)

    def export_model(self):
        """The best model: a plain cornu ``Model`` with its preprocessing inside, ready for ``save("m.keras")``.

        It outputs what the head computes (class probabilities, or targets): ``predict`` on this object
        also maps probabilities back to the original labels.
        """
        model = self._require_fit("export_model")
        if self._exported is None:
            self._exported = self._exportable(model, self._best_hp)
        return self._exported

    # --- helpers -------------------------------------------------------------------------------------

    def _hypermodel(self, train_x):
        head = self.head
        if self.loss is not None or self.metrics is not None:
            head = _HeadWithCompileOverrides(head, self.loss, self.metrics)
        make_inputs = self._make_inputs(train_x)  # first: the blocks may use what it prepared
        transform = None if type(self)._input_transform is AutoTask._input_transform else self._input_transform
        return TaskHyperModel(make_inputs, self._blocks(train_x), head, input_transform=transform,
                              name=self.project_name)

    def _split(self, x, targets, validation_split, validation_data):
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError(f"{self.task_name}: `validation_data` must be a tuple `(x_val, y_val)`. "
                                 f"Received: validation_data of type {type(validation_data).__name__}")
            val_x = self._check_x(validation_data[0], "validation_data[0]")
            data_checks.check_feature_shape(val_x, self._sample_shape, "validation_data[0]", self.task_name)
            val_y = data_checks.as_array(validation_data[1], "validation_data[1]", self.task_name)
            data_checks.check_same_length(val_x, val_y, self.task_name, "validation_data[0]", "validation_data[1]")
            val_y = self.head.targets(val_y, "validation_data[1]")
            return (x, targets), (val_x, val_y)
        if not validation_split:
            return (x, targets), None
        if not 0 < validation_split < 1:
            raise ValueError("`validation_split` must be a fraction between 0 and 1 (exclusive). "
                             f"Received: validation_split={validation_split}")
        n_val = int(round(len(x) * validation_split))
        if n_val < 1 or n_val >= len(x):
            raise ValueError(f"{self.task_name}: `validation_split={validation_split}` of {len(x)} samples leaves no "
                             "samples for training or for validation: give more samples, another split, or "
                             f"`validation_data`. Received: {len(x)} samples")
        order = np.random.default_rng(self.seed).permutation(len(x))
        train, val = order[:-n_val], order[-n_val:]
        return (x[train], targets[train]), (x[val], targets[val])

    def _require_fit(self, method):
        if self._best_model is None:
            raise RuntimeError(f"{self.task_name}.{method}() needs a searched model: call `fit(x, y)` first.")
        return self._best_model


class _HeadWithCompileOverrides:
    """A head whose ``loss`` / ``metrics`` are the user's, the rest delegated."""

    def __init__(self, head, loss, metrics):
        self._head = head
        self.loss = head.loss if loss is None else loss
        self.metrics = head.metrics if metrics is None else metrics

    def __getattr__(self, name):
        return getattr(self._head, name)
