"""``compile``, ``fit``, ``evaluate`` and ``predict``, written once for every backend
(the ``*_on_batch`` methods are in ``on_batch.py``).

A backend contributes only ``cornu/backend/<name>/step.py``: a runner that
turns one batch into updated state and logs (a pure jitted step on JAX, an
eager autograd step on torch, inference only on NumPy). The contract between
the two is ``cornu/backend/common/step_protocol.py``.
"""

import functools
import inspect

import numpy as np
import optree

from cornu import backend
from cornu.backend.common.global_state import structure_cache
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.backend.common.traceback_filter import filter_traceback
from cornu.layers.layer_state import state_lock_lifted, structure_cached
from cornu.trainers.backend_step import check_training_supported, count_samples, resolve_jit_compile, state_and_data
from cornu.trainers.compile_utils import CompileLoss, CompileMetrics
from cornu.trainers.compute_loss_signature import adapt_compute_loss
from cornu.trainers.eager_only_models import run_eagerly_if_needed
from cornu.trainers.missing_targets import check_validation_targets, missing_targets_message
from cornu.trainers.on_batch import OnBatchMethods
from cornu.trainers.data import unpack_x_y_sample_weight
from cornu.trainers.data.array_adapter import train_validation_split
from cornu.trainers.data.array_conversion import can_convert_arrays
from cornu.trainers.debug_limits import capped_epochs
from cornu.trainers.epoch_iterator import EpochIterator
from cornu.trainers.python_logs import to_python_logs
from cornu.trainers.resume_points import ResumePoints
from cornu.trainers.stateless_loss import stateless_compute_loss
from cornu.trainers.step_groups import step_groups

_VERBOSE_VALUES = ("auto", 0, 1, 2)


def _with_structure_cache(method):
    """Runs ``method`` with walks over the model's structure remembered (see ``structure_cache``)."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with structure_cache():
            return method(*args, **kwargs)

    return wrapper


def _check_verbose(verbose):
    if verbose not in _VERBOSE_VALUES or isinstance(verbose, bool):
        raise ValueError(f"`verbose` must be 'auto', 0, 1 or 2. Received: verbose={verbose!r}")
    return 1 if verbose == "auto" else verbose


class Trainer(OnBatchMethods):
    """The training half of ``Model``; see ``compile`` and ``fit``."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        override = cls.__dict__.get("compute_loss")
        if override is not None and inspect.isfunction(override):
            # Keras passes `training` only to overrides that accept it: decided once per class.
            cls.compute_loss = adapt_compute_loss(override)

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self.steps_per_execution = 1
        self.run_eagerly = False
        self._defer_step_results = False
        # Keras resolves "auto" lazily: compiled on JAX, eager on torch and NumPy.
        self.jit_compile = resolve_jit_compile("auto", False)
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self._compile_config = None
        self._runners = {}
        self._resume_points = None

    # ----------------------------------------------------------- compile
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True):
        """Configures the model for training.

        Example:
        >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        """
        from cornu import metrics as metrics_module
        from cornu import optimizers

        if not isinstance(steps_per_execution, int) or steps_per_execution < 1:
            raise ValueError(
                f"`steps_per_execution` must be a positive integer. Received: steps_per_execution={steps_per_execution!r}"
            )
        with state_lock_lifted():  # compiling a built model attaches new state on purpose, as in Keras
            self.optimizer = optimizers.get(optimizer)
            if auto_scale_loss and self.dtype_policy.name == "mixed_float16" and self.optimizer is not None:
                # float16 gradients underflow without loss scaling (Keras does the same).
                if not isinstance(self.optimizer, optimizers.LossScaleOptimizer):
                    self.optimizer = optimizers.LossScaleOptimizer(self.optimizer, name="loss_scale_optimizer")
            output_names = self._output_names_for_compile()
            self.loss = loss
            self._compile_loss = CompileLoss(loss, loss_weights, output_names) if loss is not None else None
            self._compile_metrics = CompileMetrics(metrics, weighted_metrics, output_names)
            self._loss_tracker = metrics_module.Mean(name="loss")
            self.run_eagerly = bool(run_eagerly)
            self.steps_per_execution = steps_per_execution
            self.jit_compile = resolve_jit_compile(jit_compile, run_eagerly)
            self._compile_config = {
                "optimizer": optimizer, "loss": loss, "loss_weights": loss_weights, "metrics": metrics,
                "weighted_metrics": weighted_metrics, "run_eagerly": run_eagerly,
                "steps_per_execution": steps_per_execution, "jit_compile": jit_compile,
            }
            self._runners = {}
            self.compiled = True

    def _output_names_for_compile(self):
        names = getattr(self, "output_names", None)
        try:
            return list(names) if names else ["output"]
        except TypeError:
            return ["output"]

    def _assert_compiled(self, what):
        if not self.compiled:
            raise ValueError(  # Keras's type: user code may catch it
                f"You must call `compile()` before using the model for `{what}`: e.g. "
                "model.compile(optimizer='adam', loss='mse')."
            )

    @property
    @structure_cached
    def metrics(self):
        out = []
        if self._loss_tracker is not None:
            out.append(self._loss_tracker)
        if self._compile_loss is not None:
            out.extend(self._compile_loss.metrics)
        if self._compile_metrics is not None:
            out.extend(self._compile_metrics.metrics)
        out.extend(m for m in self._tracked_metrics() if m not in out)
        return out

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for metric in self.metrics:
            metric.reset_state()

    def _metrics_result_or_logs(self, logs):
        """The logs that close an epoch or an evaluation, as in Keras: the metrics' results when
        the last step reported exactly the model's metrics (then its logs already are those
        results, computed inside the step: reusing them spares eager ops, which on JAX compile
        once each), else the metrics' results if their names match the step's logs, else the
        step's own logs (a custom ``train_step`` reporting something else)."""
        if isinstance(logs, dict) and logs and all(not isinstance(v, dict) for v in logs.values()):
            names = [m.name for m in self.metrics]
            if len(names) == len(logs) and set(names) == set(logs):
                return {name: logs[name] for name in names}  # the metrics' order (jit sorts keys)
        metric_logs = self.get_metrics_result()
        if not logs or (isinstance(logs, dict) and set(logs) == set(metric_logs)):
            return metric_logs
        return logs

    def get_metrics_result(self):
        """The current value of every metric, as a flat dict."""
        logs = {}
        for metric in self.metrics:
            result = metric.result()
            if isinstance(result, dict):
                logs.update(result)
            else:
                logs[metric.name] = result
        return logs

    # ---------------------------------------------------- loss and metrics
    def stateless_compute_loss(self, trainable_variables, non_trainable_variables, metrics_variables, x=None,
                               y=None, y_pred=None, sample_weight=None, training=True):
        """``compute_loss`` with the given variable values (the pure form a JAX ``train_step`` uses).

        Returns ``(loss, (trainable_variables, non_trainable_variables, metrics_variables))``.

        Example:
        >>> loss, (tv, ntv, mv) = model.stateless_compute_loss(tv, ntv, mv, x=x, y=y, y_pred=y_pred)
        """
        return stateless_compute_loss(self, trainable_variables, non_trainable_variables, metrics_variables,
                                      x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Total loss: the compiled loss plus the model's own losses (regularization, ``add_loss``)."""
        terms = []
        if self._compile_loss is not None:
            if y is None:
                raise ValueError(missing_targets_message(self))
            value = self._compile_loss(y, y_pred, sample_weight)
            if value is not None:
                terms.append(value)
        for loss in self.losses:
            terms.append(backend.cast(loss, backend.floatx()))
        scope = backend.get_stateless_scope()
        if scope is not None and scope.collect_losses:
            terms.extend(backend.cast(loss, backend.floatx()) for loss in scope.losses)
        if not terms:
            raise ValueError(
                "No loss to compute. Provide a `loss` argument in `compile()` or add losses with `add_loss`."
            )
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        return total

    def _update_step_metrics(self, loss, x, y, y_pred, sample_weight):
        """Updates the loss tracker and the compiled metrics after one default step; returns the
        step's logs. Backend steps call it eagerly (torch, NumPy) or inside their pure step under
        a ``StatelessScope`` that maps the metric variables (JAX)."""
        if self._loss_tracker is not None and loss is not None:
            self._loss_tracker.update_state(loss, sample_weight=count_samples(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Updates the compiled metrics and returns the current results."""
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        if getattr(self, "_defer_step_results", False):
            return {}  # nobody reads this step's logs: the epoch's end computes the results
        return self.get_metrics_result()

    def _can_defer_step_results(self, kind, callbacks):
        """Whether the steps of a ``fit``/``evaluate`` loop may skip computing the metrics'
        results: on an eager backend (JAX computes them inside the compiled step for free),
        with the default step and metric methods (a custom ``train_step`` may read the logs),
        and when no callback has a batch-end hook that would receive them."""
        if not backend.step().SKIPS_UNREAD_STEP_RESULTS:
            return False
        cls, base = type(self), Trainer
        if getattr(cls, f"{kind}_step") is not getattr(base, f"{kind}_step"):
            return False
        if cls.compute_metrics is not base.compute_metrics or cls.get_metrics_result is not base.get_metrics_result:
            return False
        return not callbacks._batch_hook_users(f"on_{kind}_batch_end")

    # ----------------------------------------------------- default steps
    def train_step(self, *args):
        """One training step. Backend signature: ``(state, data)`` on JAX, ``(data)`` elsewhere."""
        return self._train_step_with(None, *args)

    def _train_step_with(self, trainable, *args):
        # On an eager backend the step's state is the list of variables it trains.
        state, data = state_and_data(args)
        if state is None:
            state = trainable if trainable is not None else self.trainable_variables
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        return backend.step().train_step(self, state, x, y, sample_weight, self._update_step_metrics)

    def test_step(self, *args):
        """One evaluation step (same per-backend signature as ``train_step``)."""
        state, data = state_and_data(args)
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        return backend.step().test_step(self, state, x, y, sample_weight, self._update_step_metrics)

    def predict_step(self, *args):
        """One prediction step (same per-backend signature as ``train_step``)."""
        state, data = state_and_data(args)
        x, _, _ = unpack_x_y_sample_weight(data)
        return backend.step().predict_step(self, state, x)

    def _start(self, runner):
        """Starts ``runner`` on the model's step of its kind. The default training step gets the
        trainable variables now, once, instead of walking the model for them at every step."""
        step = getattr(self, f"{runner.kind}_step")
        if runner.kind == "train" and type(self).train_step is Trainer.train_step:
            step = functools.partial(self._train_step_with, self.trainable_variables)
        runner.start(step)

    def _step_groups(self, iterator):
        """The epoch's ``(step, batch)`` pairs, or ``(last_step, [batches])`` with ``steps_per_execution > 1``."""
        if self.steps_per_execution == 1:
            return iterator
        return step_groups(iterator, self.steps_per_execution)

    def _run_steps(self, runner, batch_or_group):
        if self.steps_per_execution == 1:
            return runner.run(batch_or_group)
        return runner.run_group(batch_or_group)

    def _runner(self, kind):
        runner = self._runners.get(kind)
        if runner is None:
            run_eagerly_if_needed(self)
            runner = backend.step().Runner(self, kind)
            self._runners[kind] = runner
        return runner

    # ------------------------------------------------------------- build
    def _symbolic_build(self, batch):
        """Creates every variable (model, metrics, optimizer) from one batch, before any step runs."""
        x, y, sample_weight = unpack_x_y_sample_weight(batch)

        def spec(a):
            a = np.asarray(a) if not backend.is_tensor(a) else a
            return KerasTensor((None,) + tuple(a.shape[1:]), dtype=backend.standardize_dtype(a.dtype))

        x_spec = optree.tree_map(spec, x)
        if not self.built:
            # Build from the symbolic spec so the recorded build shape keeps a free batch dim.
            self._maybe_build((x_spec,), {})
        if not self._all_layers_built():
            backend.compute_output_spec(lambda inputs: self(inputs), x_spec)
        if self.compiled:
            graph_spec = getattr(self, "_graph_output_spec", None)
            y_pred_spec = graph_spec(x_spec) if graph_spec is not None else None
            if y_pred_spec is None:
                y_pred_spec = backend.compute_output_spec(
                    lambda inputs: self(inputs, training=False) if self._call_has_training_arg else self(inputs), x_spec
                )
            if self._compile_metrics is not None and not self._compile_metrics.built and y is not None:
                y_spec = optree.tree_map(spec, y)
                self._compile_metrics.build(y_spec, y_pred_spec, self._compile_loss)
                # Run the metric update once symbolically so metrics create their variables.
                backend.compute_output_spec(
                    lambda yt, yp: self._compile_metrics.update_state(yt, yp), y_spec, y_pred_spec
                )
                self._compile_metrics.reset_state()
            if self.optimizer is not None and not self.optimizer.built:
                self.optimizer.build(self.trainable_variables)

    def _all_layers_built(self):
        return all(layer.built for layer in self._flatten_layers())

    # --------------------------------------------------------------- fit
    @filter_traceback
    @_with_structure_cache
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1):
        """Trains the model for ``epochs`` passes over the data; returns a ``History``.

        Example:
        >>> history = model.fit(x_train, y_train, batch_size=32, epochs=5, validation_split=0.1)
        """
        from cornu.callbacks import CallbackList

        self._assert_compiled("fit")
        check_training_supported()
        verbose = _check_verbose(verbose)
        if not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"`epochs` must be a non-negative integer. Received: epochs={epochs!r}")
        epochs = capped_epochs(epochs)
        if not isinstance(initial_epoch, int) or initial_epoch < 0:
            raise ValueError(f"`initial_epoch` must be a non-negative integer. Received: initial_epoch={initial_epoch!r}")
        if not 0.0 <= validation_split < 1.0:
            raise ValueError(f"`validation_split` must be in [0, 1). Received: validation_split={validation_split}")
        if validation_split and validation_data is None:
            if not can_convert_arrays((x, y, sample_weight)):
                raise ValueError(
                    "`validation_split` is only supported for arrays and tensors, not generators or datasets. "
                    f"Received: x of type {type(x).__name__}"
                )
            (x, y, sample_weight), (val_x, val_y, val_sw) = train_validation_split((x, y, sample_weight), validation_split)
            validation_data = (val_x, val_y, val_sw) if val_sw is not None else (val_x, val_y)

        iterator = EpochIterator(x, y, sample_weight=sample_weight, batch_size=batch_size,
                                 steps_per_epoch=steps_per_epoch, shuffle=shuffle, class_weight=class_weight,
                                 steps_per_execution=self.steps_per_execution)
        val_args = None
        if validation_data is not None:
            check_validation_targets(self, validation_data, type(self).test_step is not Trainer.test_step)
            val_x, val_y, val_sw = unpack_x_y_sample_weight(validation_data)
            val_args = dict(x=val_x, y=val_y, sample_weight=val_sw,
                            batch_size=validation_batch_size or iterator.adapter.batch_size, steps=validation_steps)
        self._symbolic_build(iterator.peek())

        callbacks = callbacks if isinstance(callbacks, CallbackList) else CallbackList(
            callbacks, add_history=True, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=epochs,
            steps=iterator.num_batches,
        )
        self.stop_training = False
        runner = self._runner("train")
        session = self._resume_points = ResumePoints(self, callbacks, iterator)  # resume/backup points (BackupAndRestore)
        callbacks.on_train_begin()
        initial_epoch = session.begin(initial_epoch, epochs)
        training_logs = None
        val_iterator = None
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            session.epoch_begin(epoch)
            callbacks.on_epoch_begin(epoch)
            self._start(runner)
            logs = {}
            self._defer_step_results = self._can_defer_step_results("train", callbacks)
            try:
                for step, batch in self._step_groups(iterator):
                    callbacks.on_train_batch_begin(step)
                    logs = self._run_steps(runner, batch)
                    callbacks.on_train_batch_end(step, logs)
                    session.batch_end(epoch, step)
                    if self.stop_training:
                        break
            finally:
                self._defer_step_results = False
                runner.finish()
            epoch_logs = to_python_logs(self._metrics_result_or_logs(logs))
            if val_args is not None and _should_validate(epoch, validation_freq):
                if val_iterator is None:
                    val_iterator = EpochIterator(val_args["x"], val_args["y"], sample_weight=val_args["sample_weight"],
                                                 batch_size=val_args["batch_size"], steps_per_epoch=val_args["steps"])
                val_logs = self._evaluate_iterator(val_iterator, callbacks, in_fit=True)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callbacks.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            session.epoch_end(epoch)
            if self.stop_training or iterator.exhausted:
                break
        if self.optimizer is not None and epochs > 0:
            # With `use_ema`, training ends on the EMA weights (as Keras).
            self.optimizer.finalize_variable_values(self.trainable_weights)
        callbacks.on_train_end(logs=training_logs)
        self._resume_points = None
        iterator.close()
        if val_iterator is not None:
            val_iterator.close()
        return self.history

    # ----------------------------------------------------------- evaluate
    @filter_traceback
    @_with_structure_cache
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, **kwargs):
        """Returns the loss and metrics on the given data (a list, a scalar, or a dict).

        Example:
        >>> loss, accuracy = model.evaluate(x_test, y_test)
        """
        from cornu.callbacks import CallbackList

        unknown = [k for k in kwargs if k != "_use_cached_eval_dataset"]
        if unknown:
            raise ValueError(f"Arguments not recognized by `evaluate`: {sorted(unknown)}")
        self._assert_compiled("evaluate")
        verbose = _check_verbose(verbose)
        iterator = EpochIterator(x, y, sample_weight=sample_weight, batch_size=batch_size, steps_per_epoch=steps)
        self._symbolic_build(iterator.peek())
        callbacks = callbacks if isinstance(callbacks, CallbackList) else CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1, steps=iterator.num_batches,
        )
        logs = self._evaluate_iterator(iterator, callbacks, in_fit=False)
        if return_dict:
            return logs
        values = [logs[name] for name in logs]
        return values[0] if len(values) == 1 else values

    def _evaluate_iterator(self, iterator, callbacks, in_fit):
        self.reset_metrics()
        runner = self._runner("test")
        callbacks.on_test_begin()
        self._start(runner)
        logs = {}
        outer_deferral = self._defer_step_results
        self._defer_step_results = self._can_defer_step_results("test", callbacks)
        try:
            for step, batch in self._step_groups(iterator):
                callbacks.on_test_batch_begin(step)
                logs = self._run_steps(runner, batch)
                callbacks.on_test_batch_end(step, logs)
        finally:
            self._defer_step_results = outer_deferral
            runner.finish()
        logs = to_python_logs(self._metrics_result_or_logs(logs))
        callbacks.on_test_end(logs)
        return logs

    # ------------------------------------------------------------ predict
    @filter_traceback
    @_with_structure_cache
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Runs the model on ``x`` batch by batch and returns NumPy outputs.

        Example:
        >>> probabilities = model.predict(x_test, batch_size=128)
        """
        from cornu.callbacks import CallbackList

        verbose = _check_verbose(verbose)
        iterator = EpochIterator(x, batch_size=batch_size, steps_per_epoch=steps)
        first = iterator.peek()
        if not self.built or not self._all_layers_built():
            self._symbolic_build(first if isinstance(first, tuple) else (first,))
        callbacks = callbacks if isinstance(callbacks, CallbackList) else CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1, steps=iterator.num_batches,
        )
        runner = self._runner("predict")
        callbacks.on_predict_begin()
        outputs = []
        self._start(runner)
        try:
            for step, batch in self._step_groups(iterator):
                callbacks.on_predict_batch_begin(step)
                batch_outputs = self._run_steps(runner, batch)
                outputs.append(optree.tree_map(backend.convert_to_numpy, batch_outputs))
                callbacks.on_predict_batch_end(step, {"outputs": batch_outputs})
        finally:
            runner.finish()
        callbacks.on_predict_end()
        if not outputs:
            raise ValueError("Unexpected result of `predict`: the data yielded no batch.")
        return optree.tree_map(lambda *parts: np.concatenate(parts, axis=0), *outputs)

    # ------------------------------------------------------ serialization
    def get_compile_config(self):
        if not self.compiled or self._compile_config is None:
            return {}
        from cornu.serialization.keras_objects import serialize_keras_object

        config = dict(self._compile_config)
        config["optimizer"] = serialize_keras_object(self.optimizer)
        for key in ("loss", "metrics", "weighted_metrics", "loss_weights"):
            config[key] = serialize_keras_object(config[key])
        return config

    def compile_from_config(self, config):
        from cornu.serialization.keras_objects import deserialize_keras_object

        if not config:
            return
        config = dict(config)
        for key in ("optimizer", "loss", "metrics", "weighted_metrics", "loss_weights"):
            if key in config:
                config[key] = deserialize_keras_object(config[key])
        self.compile(**config)
        if self.built and self.optimizer is not None and not self.optimizer.built:
            self.optimizer.build(self.trainable_variables)


def _should_validate(epoch, validation_freq):
    if isinstance(validation_freq, int):
        if validation_freq < 1:
            raise ValueError(f"`validation_freq` must be a positive integer. Received: {validation_freq}")
        return (epoch + 1) % validation_freq == 0
    if isinstance(validation_freq, (list, tuple, set)):
        return (epoch + 1) in validation_freq
    raise ValueError(f"`validation_freq` must be an int or a list of epochs. Received: {validation_freq!r}")
