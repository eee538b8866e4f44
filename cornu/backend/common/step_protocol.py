"""What a backend's ``step.py`` provides: the contract between the trainer and a backend.

``cornu/trainers/trainer.py`` holds ``fit``, ``evaluate``, ``predict`` and the ``*_on_batch``
methods once for every backend. A backend adds one module, ``cornu/backend/<name>/step.py``,
with the names below, and nothing outside ``cornu/backend/`` learns that it exists. The
trainer reads the module once per use through ``cornu.backend.step()``.

Constants (plain module attributes, read by the trainer; never functions):

``SUPPORTS_TRAINING``
    False on an inference-only backend (NumPy): ``fit`` and ``train_on_batch`` raise
    ``training_unsupported_error`` before any work is done.
``SUPPORTS_JIT_COMPILE``
    False when the backend has no compiler: ``jit_compile`` then always resolves to False.
``JIT_COMPILE_BY_DEFAULT``
    What ``jit_compile="auto"`` means (True on JAX, False on torch, as in Keras).
    ``run_eagerly=True`` always wins.
``SKIPS_UNREAD_STEP_RESULTS``
    Whether ``fit``/``evaluate`` may skip the metrics' per-step results when nobody reads
    them (no batch-end callback, default steps). True on eager backends, where each result
    costs a few eager ops per step; False on JAX, where results computed inside the compiled
    step cost nothing.

The default steps. The trainer's ``train_step``/``test_step``/``predict_step`` (the ones a
user's override replaces) unpack the batch into ``x, y, sample_weight`` and call these with
everything passed explicitly; a step never imports the trainer or the data package.

``train_step(model, state, x, y, sample_weight, update_metrics)``
``test_step(model, state, x, y, sample_weight, update_metrics)``
    Forward pass, ``model.compute_loss(x=..., y=..., y_pred=..., sample_weight=...,
    training=...)``, the optimizer update (train only: ``model.optimizer``), then
    ``update_metrics(loss, x, y, y_pred, sample_weight)``, which updates the loss tracker and
    the compiled metrics and returns the step's logs. ``update_metrics`` is written once in
    the trainer and runs wherever the step calls it: eagerly, or inside a pure function under
    a ``StatelessScope`` that maps the metric variables (JAX).

    ``state`` is what the backend's runner carries between steps:

    - a stateful (pure) backend (JAX): the tuple of value lists ``(trainable,
      non_trainable, optimizer, metrics)`` for train, ``(trainable, non_trainable,
      metrics)`` for test; the step returns ``(logs, new_state)``;
    - an eager backend (torch, NumPy): the list of trainable variables for train (the
      variables hold their own values), None for test; the step returns the logs.
``predict_step(model, state, x)``
    The outputs; on a stateful backend ``(outputs, new_non_trainable_values)`` with
    ``state = (trainable, non_trainable)``, as Keras's JAX ``predict_step`` returns them.

``Runner(model, kind)``
    Holds one kind of step (``"train"``, ``"test"`` or ``"predict"``) between calls; see
    ``StepRunner``. Eager backends subclass ``cornu.backend.common.eager_runner.EagerRunner``
    and only say how to join predict outputs (and, optionally, how to compile a step).

A user's step override keeps Keras's per-backend signature: ``train_step(self, state, data)``
on a stateful backend, ``train_step(self, data)`` on an eager one. The runner calls whatever
the trainer hands to ``start`` with that signature; it never looks the step up by name.

Example (a new eager backend's whole ``step.py``, training excluded):
>>> import numpy as np
>>> from cornu.backend.common.eager_runner import EagerRunner
>>> SUPPORTS_TRAINING, SUPPORTS_JIT_COMPILE, JIT_COMPILE_BY_DEFAULT = False, False, False
>>> SKIPS_UNREAD_STEP_RESULTS = True
>>> def test_step(model, state, x, y, sample_weight, update_metrics):
...     y_pred = model(x, training=False)
...     loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
...     return update_metrics(loss, x, y, y_pred, sample_weight)
>>> class Runner(EagerRunner):
...     concatenate = staticmethod(np.concatenate)
"""

from typing import Protocol, runtime_checkable

STEP_CONSTANTS = ("SUPPORTS_TRAINING", "SUPPORTS_JIT_COMPILE", "JIT_COMPILE_BY_DEFAULT", "SKIPS_UNREAD_STEP_RESULTS")
STEP_FUNCTIONS = ("train_step", "test_step", "predict_step", "Runner")


@runtime_checkable
class StepRunner(Protocol):
    """One kind of step between the trainer's calls. The trainer calls, per epoch (or per
    ``*_on_batch`` call): ``start(step)``, then ``run`` or ``run_group`` once per batch or group
    of batches, then ``finish`` (also when a step raised).

    - ``start(step)``: ``step`` is what to call per batch, with the model's per-backend
      signature (the user's override, or the trainer's default step). A stateful runner takes
      the variables' values here (and may purge the variables until ``finish``).
    - ``run(data)``: one step on one batch; returns the step's logs (train, test) or
      outputs (predict).
    - ``run_group(batches)``: ``steps_per_execution`` steps; returns the last step's logs
      (train, test) or every batch's outputs joined along the batch axis (predict).
    - ``finish()``: writes any state the runner held back into the variables.
    """

    kind: str  # "train", "test" or "predict", as given to ``Runner(model, kind)``

    def start(self, step): ...

    def run(self, data): ...

    def run_group(self, batches): ...

    def finish(self): ...


def missing_step_names(module):
    """The names of the protocol that ``module`` (a backend's ``step.py``) lacks, or whose
    constants are not plain booleans; an empty list when it is complete.

    Example:
    >>> missing_step_names(cornu.backend.step())
    []
    """
    missing = [name for name in STEP_FUNCTIONS if not callable(getattr(module, name, None))]
    missing += [name for name in STEP_CONSTANTS if not isinstance(getattr(module, name, None), bool)]
    return missing


def training_unsupported_error(backend_name):
    """The error ``fit``/``train_on_batch`` raise on an inference-only backend."""
    return NotImplementedError(
        f"The {backend_name} backend is inference-only: `fit` and `train_on_batch` are not available. Train "
        "on the jax or torch backend (set CORNU_BACKEND=jax or torch), then load the model here for "
        "predict/evaluate."
    )
