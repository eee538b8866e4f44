"""What every workload shares: the optimizer, the loss, synthetic data and the timing
callback. Everything here uses only the public Keras API of the module it is given
(``cornu`` or ``keras``), so the same code runs on both."""

import time

LEARNING_RATE = 1e-3
ADAM_EPSILON = 1e-7  # Keras's default; the native models use the same value.


def compile_model(keras, model):
    """Compiles ``model`` the same way for every workload: Adam and sparse categorical
    cross-entropy on logits, no extra metrics (the hand-written models compute the loss only).

    Example:
        >>> compile_model(keras, model)
    """
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE, epsilon=ADAM_EPSILON),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def float_inputs(rng, num_samples, shape):
    """Standard-normal float32 inputs of shape ``(num_samples, *shape)``."""
    return rng.standard_normal((num_samples,) + tuple(shape)).astype("float32")


def token_inputs(rng, num_samples, length, vocabulary):
    """Random int32 token ids in ``[0, vocabulary)`` of shape ``(num_samples, length)``."""
    return rng.integers(0, vocabulary, size=(num_samples, length)).astype("int32")


def class_labels(rng, num_samples, num_classes):
    """Random int32 class ids in ``[0, num_classes)``."""
    return rng.integers(0, num_classes, size=(num_samples,)).astype("int32")


def make_epoch_timer(keras, sync):
    """A Keras callback that records wall-clock times of fit's epochs.

    ``sync(logs)`` must block until the epoch's last step has really finished (JAX runs
    steps asynchronously); the timer calls it before reading the clock at each epoch end.
    ``timer.fit_start`` must be set by the caller just before ``fit``.

    Example:
        >>> timer = make_epoch_timer(keras, sync=lambda logs: float(logs["loss"]))
        >>> timer.fit_start = time.perf_counter(); model.fit(x, y, callbacks=[timer])
        >>> timer.epoch_ends  # perf_counter() at the end of each epoch
        >>> timer.last_loss   # the last epoch's loss
    """

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.fit_start = None
            self.epoch_ends = []
            self.last_loss = None

        def on_epoch_end(self, epoch, logs=None):
            sync(logs or {})
            self.epoch_ends.append(time.perf_counter())
            if logs and "loss" in logs:
                self.last_loss = float(logs["loss"])

    return EpochTimer()

