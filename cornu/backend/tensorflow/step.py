"""How a model trains on TensorFlow: the forward pass under ``tf.GradientTape``, then the
optimizer's update, with variables updated in place (``tf.Variable.assign``), as on torch.
The runner traces each step into a ``tf.function`` (``step_functions``): once per input
signature, with XLA for ``jit_compile=True``, and plainly eager with ``run_eagerly=True``.
The contract is ``cornu/backend/common/step_protocol.py``.

Example:
>>> model.compile(optimizer="adam", loss="mse", steps_per_execution=4)
>>> model.fit(x, y)  # each group of 4 batches runs in one call of a traced function
"""

import platform
import warnings

import tensorflow as tf
from tensorflow.python.framework.config import is_op_determinism_enabled

from cornu.backend.common.eager_runner import EagerRunner
from cornu.backend.tensorflow.step_functions import StepFunctions, concatenate_outputs


def _is_apple_silicon():
    return platform.system() == "Darwin" and "arm" in platform.processor().lower()


def _auto_jit_compile():
    # Keras's "auto": XLA only where TensorFlow sees a device other than the CPU, and not on
    # an Apple GPU (which XLA does not support).
    devices = tf.config.list_physical_devices()
    if _is_apple_silicon() and any(device.device_type == "GPU" for device in devices):
        return False
    return any(device.device_type != "CPU" for device in devices)


SUPPORTS_TRAINING = True
SUPPORTS_JIT_COMPILE = True
JIT_COMPILE_BY_DEFAULT = _auto_jit_compile()
# The step's logs are computed inside the traced function, where they cost a few graph ops
# (as in Keras's TensorFlow trainer); skipping them would trace the step a second time.
SKIPS_UNREAD_STEP_RESULTS = False


def _tape_target(variable):
    """What ``GradientTape`` differentiates for a cornu variable: its ``tf.Variable``."""
    value = getattr(variable, "_value", None)
    return value if isinstance(value, tf.Variable) else variable.value


def _dense(gradient):
    # A gather on a variable (Embedding) gives IndexedSlices: the optimizers take dense updates.
    return tf.convert_to_tensor(gradient) if isinstance(gradient, tf.IndexedSlices) else gradient


def train_step(model, trainable, x, y, sample_weight, update_metrics):
    params = [_tape_target(v) for v in trainable]
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(params)
        y_pred = model(x, training=True)
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
        scaled = model.optimizer.scale_loss(loss)
    if params:
        grads = tape.gradient(scaled, params)
        model.optimizer.apply([_dense(g) if g is not None else None for g in grads], trainable)
    return update_metrics(loss, x, y, y_pred, sample_weight)


def test_step(model, state, x, y, sample_weight, update_metrics):
    y_pred = model(x, training=False)
    loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
    return update_metrics(loss, x, y, y_pred, sample_weight)


def predict_step(model, state, x):
    return model(x, training=False)


class Runner(EagerRunner):
    """Runs each kind of step as a traced ``tf.function`` (see ``step_functions``), kept
    between epochs: the step is traced once per input signature, not once per ``fit``."""

    concatenate = staticmethod(concatenate_outputs)

    def __init__(self, model, kind):
        super().__init__(model, kind)
        self._functions = None
        self._functions_key = None

    def prepare(self, step):
        if self.model.run_eagerly:
            return step
        jit_compile = bool(self.model.jit_compile)
        if jit_compile and not _model_supports_jit(self.model):
            if (getattr(self.model, "_compile_config", None) or {}).get("jit_compile") is True:  # not "auto"
                warnings.warn("Model doesn't support `jit_compile=True`. Proceeding with `jit_compile=False`.",
                              stacklevel=2)
            jit_compile = False
        key = (_step_key(step), jit_compile)
        if self._functions is None or key != self._functions_key:
            # Only the latest step is kept: a new one (e.g. other trainable variables) is traced anew.
            self._functions = StepFunctions(step, self.kind, jit_compile)
            self._functions_key = key
        return self._functions

    def run_group(self, batches):
        if isinstance(self._step, StepFunctions):
            return self._step.run_group(batches)
        return super().run_group(batches)


def _model_supports_jit(model):
    """Whether XLA may compile ``model``'s steps, by Keras's rule: every layer allows it
    (``supports_jit``), op determinism is off, and the GPU is not Apple's."""
    if not all(getattr(layer, "supports_jit", True) for layer in model._flatten_layers()):
        return False
    if is_op_determinism_enabled():
        return False
    return not (_is_apple_silicon() and tf.config.list_physical_devices("GPU"))


def _step_key(step):
    """What identifies ``step`` across epochs: the trainer hands over a new
    ``functools.partial(model._train_step_with, trainable_variables)`` at every epoch, equal in
    everything but identity; the same trainable variables mean the same traced function."""
    func = getattr(step, "func", None)
    if func is None:
        return step
    args = tuple(tuple(id(v) for v in a) if isinstance(a, (list, tuple)) else id(a) for a in step.args)
    return (func, args, tuple(sorted((k, id(v)) for k, v in step.keywords.items())))
