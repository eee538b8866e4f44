"""What ``fit`` shares with callbacks that back up and restore the training state.

The fit loop creates one ``ResumePoints`` per call, reachable as
``model._resume_points`` while ``fit`` runs, and calls it at fixed points:

- ``begin(initial_epoch, epochs)`` right after ``on_train_begin``: if a callback
  (``BackupAndRestore``) handed over a backup with ``resume_from``, the
  callbacks' states, the random generators and the data position are put back
  here, once every callback has run its own ``on_train_begin`` (which usually
  resets that state), and the epoch to start from is returned;
- ``epoch_begin(epoch)`` after the metrics are reset: when resuming in the
  middle of an epoch, the metrics get back the values of the batches already
  done;
- ``batch_end(epoch, step)`` after ``on_train_batch_end`` and
  ``epoch_end(epoch)`` after ``on_epoch_end``: the points where every callback
  has seen the same batch or epoch, so the state is consistent. Checkpoints
  asked for with ``request_checkpoint`` during the hooks are taken here, so a
  backup never holds a half-updated callback (e.g. ``EarlyStopping`` listed
  after ``BackupAndRestore`` not yet told about the epoch).

Example (inside a callback):
>>> session = self.model._resume_points
>>> session.request_checkpoint(lambda state: store.save(state))
"""

from cornu.trainers import training_state


class ResumePoints:
    """Coordinates resuming and checkpointing for one ``fit`` call."""

    def __init__(self, model, callbacks, iterator):
        self.model = model
        self.callbacks = callbacks
        self.iterator = iterator
        self._requests = []
        self._resume = None
        self._pending_metrics = None
        self.started = False  # True once `begin` ran: the callbacks' on_train_begin are over

    def owns(self, callback):
        """Whether ``callback`` is one of this fit's callbacks."""
        return any(c is callback for c in getattr(self.callbacks, "callbacks", ()))

    # ------------------------------------------------------------- resuming
    def resume_from(self, state):
        """Resumes from ``state`` (a ``TrainingState``) once ``on_train_begin`` is over.

        The caller has already restored the model and optimizer variables.
        """
        self._resume = state

    def resume_from_epoch(self, epoch):
        """Starts at ``epoch`` with nothing else restored (a backup that holds only weights)."""
        self._resume = int(epoch)

    def begin(self, initial_epoch, epochs):
        """Applies a pending resume; returns the epoch to start from."""
        self.started = True
        state, self._resume = self._resume, None
        if state is None:
            return initial_epoch
        if isinstance(state, int):
            return state
        training_state.restore_callbacks(self.callbacks, state)
        training_state.restore_rngs(state)
        data = training_state.data_state(state)
        stopped = state.stop_training or bool(data and data.get("exhausted"))
        if state.step == 0 and stopped:
            # The backed-up run had finished its last epoch: only `on_train_end` is left.
            self.model.stop_training = True
            return max(epochs, state.epoch)
        if data is not None:
            self.iterator.set_state(data, first_step=state.step, stop=state.stop_training)
        if state.step > 0:
            self._pending_metrics = (state.epoch, state)
        if state.stop_training:
            # A callback stopped training in the middle of this epoch: finish the epoch, then stop.
            self.model.stop_training = True
        return state.epoch

    def epoch_begin(self, epoch):
        """Puts back the metric values of the interrupted epoch's batches, if resuming in it."""
        if self._pending_metrics is None:
            return
        resume_epoch, state = self._pending_metrics
        self._pending_metrics = None
        if epoch == resume_epoch:
            training_state.restore_variables(self.model, state, groups=("metrics",))

    # -------------------------------------------------------- checkpointing
    def request_checkpoint(self, write):
        """Asks for ``write(state)`` to be called with the training state at the next consistent point."""
        self._requests.append(write)

    def batch_end(self, epoch, step):
        if self._requests:
            self._checkpoint(epoch, step + 1)

    def epoch_end(self, epoch):
        if self._requests:
            self._checkpoint(epoch + 1, 0)

    def _checkpoint(self, epoch, step):
        requests, self._requests = self._requests, []
        flush = getattr(self.callbacks, "_flush", None)
        if flush is not None:
            flush()  # batch-end hooks dispatched to a background thread must be done
        state = self.capture(epoch, step)
        for write in requests:
            write(state)

    def capture(self, epoch, step):
        """The training state for going on at ``epoch`` after ``step`` batches of it."""
        return training_state.capture_training_state(self.model, self.callbacks, self.iterator, epoch, step)
