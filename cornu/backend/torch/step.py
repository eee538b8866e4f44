"""How a PyTorch model trains: eager forward, ``torch.autograd.grad``, and an optimizer
update under ``no_grad``; variables are updated in place. The contract is
``cornu/backend/common/step_protocol.py``."""

import optree
import torch

from cornu.backend.common.eager_runner import EagerRunner
from cornu.backend.torch.compiled_step import compiled_train_step

SUPPORTS_TRAINING = True
SUPPORTS_JIT_COMPILE = True
JIT_COMPILE_BY_DEFAULT = False
SKIPS_UNREAD_STEP_RESULTS = True  # each metric result is a few eager ops per step


def _detached(tensors):
    if isinstance(tensors, torch.Tensor):
        return tensors.detach()
    return optree.tree_map(lambda t: t.detach() if isinstance(t, torch.Tensor) else t, tensors)


def train_step(model, trainable, x, y, sample_weight, update_metrics):
    if model.jit_compile and not model.run_eagerly and not torch.compiler.is_compiling():
        logs = compiled_train_step(model, trainable, x, y, sample_weight, update_metrics)
        if logs is not None:
            return logs
    y_pred = model(x, training=True)
    loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
    params = [v.value for v in trainable]
    if params:
        grads = torch.autograd.grad(model.optimizer.scale_loss(loss), params, allow_unused=True)
    with torch.no_grad():
        if params:
            model.optimizer.apply(list(grads), trainable)
        return update_metrics(_detached(loss), x, y, _detached(y_pred), sample_weight)


def test_step(model, state, x, y, sample_weight, update_metrics):
    with torch.no_grad():
        y_pred = model(x, training=False)
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        return update_metrics(_detached(loss), x, y, _detached(y_pred), sample_weight)


def predict_step(model, state, x):
    with torch.no_grad():
        return model(x, training=False)


class Runner(EagerRunner):
    concatenate = staticmethod(torch.cat)

    def prepare(self, step):
        # The default training step compiles itself, functionally (``compiled_step``); a
        # user's ``train_step`` override is compiled as a whole, as Keras does.
        if self.kind == "train" and self.model.jit_compile and not _is_default_train_step(self.model, step):
            return torch.compile(step)
        return step


def _is_default_train_step(model, step):
    """Whether ``step`` is the trainer's default training step, which the trainer hands to the
    runner as ``functools.partial(model._train_step_with, trainable_variables)``."""
    func = getattr(step, "func", None)
    return func is not None and func == getattr(model, "_train_step_with", None)
