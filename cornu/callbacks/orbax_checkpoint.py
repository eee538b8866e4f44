"""``OrbaxCheckpoint``: save the training state with Orbax (needs ``orbax-checkpoint``)."""

import importlib
import warnings

import numpy as np

from cornu import backend
from cornu.callbacks.monitor_callback import MonitorCallback
from cornu.serialization.registry import keras_export

_INSTALL_HINT = (
    "OrbaxCheckpoint requires the 'orbax-checkpoint' package. You can install it via "
    "`pip install orbax-checkpoint`, or use `keras.callbacks.ModelCheckpoint`, which needs nothing extra."
)


def _import_orbax():
    """``(orbax.checkpoint, orbax.checkpoint.v1)``; an ImportError saying what to install otherwise."""
    try:
        parent = importlib.import_module("orbax.checkpoint")
        return parent, parent.v1
    except (ImportError, AttributeError) as e:
        raise ImportError(f"{_INSTALL_HINT} (import failed: {e})") from None


def _state_tree(model):
    """The model's variables as nested dicts of NumPy arrays, keyed by the parts of their paths."""

    def nest(variables):
        tree = {}
        for variable in variables:
            *parents, leaf = variable.path.split("/")
            node = tree
            for part in parents:
                node = node.setdefault(part, {})
            value = backend.convert_to_numpy(variable)
            node[leaf] = value.item() if np.ndim(value) == 0 else value
        return tree

    optimizer = getattr(model, "optimizer", None)
    return {
        "trainable_variables": nest(model.trainable_variables),
        "non_trainable_variables": nest(model.non_trainable_variables),
        "optimizer_variables": nest(optimizer.variables) if optimizer is not None and optimizer.built else {},
        "metrics_variables": nest(getattr(model, "metrics_variables", [])),
    }


@keras_export("keras.callbacks.OrbaxCheckpoint")
class OrbaxCheckpoint(MonitorCallback):
    """Saves the model's state (weights, optimizer, metrics) with Orbax, optionally in the background.

    Requires the ``orbax-checkpoint`` package; constructing the callback
    without it raises an ``ImportError``. Checkpoints are numbered by epoch
    (``save_freq="epoch"``) or by the global batch count.

    Args:
        directory: the directory holding the checkpoints.
        monitor: the logged quantity used by ``save_best_only``.
        verbose: 1 prints a line for each save.
        save_best_only: save only when ``monitor`` improves.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        save_freq: ``"epoch"`` or an integer number of batches.
        initial_value_threshold: the value to beat at the start.
        max_to_keep: keep only this many recent checkpoints (None: all).
        save_on_background: save asynchronously.
        save_weights_only: save only the trainable and non-trainable
            variables, not the optimizer state and model config.

    Example:
    >>> checkpoint = cornu.callbacks.OrbaxCheckpoint("/tmp/ckpt", save_freq=100, max_to_keep=3)
    >>> model.fit(x, y, epochs=10, callbacks=[checkpoint])
    """

    def __init__(
        self,
        directory,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
        max_to_keep=1,
        save_on_background=True,
        save_weights_only=False,
    ):
        self._orbax, self._ocp = _import_orbax()
        super().__init__(monitor, mode, initial_value_threshold)
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int)):
            raise ValueError(f"Unrecognized save_freq: {save_freq}. Expected save_freq are 'epoch' or integer values")
        self.directory = directory
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_freq = save_freq
        self.max_to_keep = max_to_keep
        self.save_on_background = save_on_background
        self.save_weights_only = save_weights_only
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._total_batches_seen = 0
        self._async_futures = []
        policies = self._ocp.training
        preservation = policies.preservation_policies.LatestN(max_to_keep) if max_to_keep is not None else None
        self.checkpointer = policies.Checkpointer(
            directory=directory,
            preservation_policy=preservation,
            save_decision_policy=policies.save_decision_policies.FixedIntervalPolicy(1),
        )

    def set_model(self, model):
        super().set_model(model)
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None:
            self._total_batches_seen = int(backend.convert_to_numpy(optimizer.iterations))

    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            new_batches = batch + 1  # a new epoch started
        else:
            new_batches = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += new_batches
        self._last_batch_seen = batch
        self._total_batches_seen += new_batches
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _passes_best_only(self, logs, where):
        if not self.save_best_only:
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available, skipping save at {where}.",
                          stacklevel=3)
            return False
        if not self._is_improvement(current, self.best):
            return False
        self.best = current
        return True

    def _save_checkpoint(self, step):
        state = _state_tree(self.model)
        if self.save_weights_only:
            state = {key: state[key] for key in ("trainable_variables", "non_trainable_variables")}
        payload = {"pytree": state}
        if not self.save_weights_only:
            payload["model_config"] = {"config": self.model.to_json()}
        with self._ocp.Context():
            if self.save_on_background:
                self._async_futures.append(self.checkpointer.save_checkpointables_async(step, payload))
            else:
                self.checkpointer.save_checkpointables(step, payload)
        if self.verbose > 0:
            print(f"OrbaxCheckpoint: saved step {step} to {self.directory}")

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch) and self._passes_best_only(logs, f"batch {batch}"):
            self._save_checkpoint(step=self._total_batches_seen)

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch" and self._passes_best_only(logs, f"epoch {epoch}"):
            self._save_checkpoint(step=epoch)

    def on_train_end(self, logs=None):
        try:
            self.checkpointer.close()  # waits for background saves
        except Exception as e:  # closing must not hide the training result
            warnings.warn(f"OrbaxCheckpoint could not close its checkpointer cleanly: {e}", stacklevel=2)

    def wait_until_finished(self):
        """Blocks until every background save has completed."""
        for future in self._async_futures:
            future.result()
        self._async_futures.clear()
        self.checkpointer.wait()
