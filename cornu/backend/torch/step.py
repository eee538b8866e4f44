"""How a PyTorch model trains: eager forward, ``torch.autograd.grad``, and an optimizer
update under ``no_grad``; variables are updated in place. The contract is
``cornu/backend/common/step_protocol.py``."""

import sys

import optree
import torch

from cornu.backend.common.eager_runner import EagerRunner
from cornu.backend.torch.compiled_step import compiled_train_step
from cornu.backend.torch.active_placement import active_placement
from cornu.backend.torch.distribution_steps import DataParallelPlacement

SUPPORTS_TRAINING = True
SUPPORTS_JIT_COMPILE = True
JIT_COMPILE_BY_DEFAULT = False
SKIPS_UNREAD_STEP_RESULTS = True  # each metric result is a few eager ops per step


def _detached(tensors):
    if isinstance(tensors, torch.Tensor):
        return tensors.detach()
    return optree.tree_map(lambda t: t.detach() if isinstance(t, torch.Tensor) else t, tensors)


def train_step(model, trainable, x, y, sample_weight, update_metrics):
    placement = active_placement()
    if placement is not None:  # a distribution over several processes (torchrun)
        if not placement.splits_variables:
            return _data_parallel_train_step(placement, model, trainable, x, y, sample_weight, update_metrics)
        update_metrics = placement.global_metrics_update(update_metrics)  # ModelParallel: DTensor variables
    elif model.jit_compile and not model.run_eagerly and not torch.compiler.is_compiling():
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


def _data_parallel_train_step(placement, model, trainable, x, y, sample_weight, update_metrics):
    # Forward through DistributedDataParallel and `backward` (not `autograd.grad`, which DDP's
    # gradient hooks never see): DDP averages the gradients over the processes during backward.
    params = [v.value for v in trainable]
    forward = placement.ddp_module(model, params) if params else model  # (DDP refuses a frozen model)
    y_pred = forward(x, training=True)
    loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
    if params:
        for p in params:
            p.grad = None
        model.optimizer.scale_loss(loss).backward()
        grads = [p.grad for p in params]
        for p in params:
            p.grad = None
    with torch.no_grad():
        if params:
            model.optimizer.apply(grads, trainable)
        update = placement.global_metrics_update(update_metrics)
        return update(_detached(loss), x, y, _detached(y_pred), sample_weight)


def test_step(model, state, x, y, sample_weight, update_metrics):
    placement = active_placement()
    if placement is not None:
        update_metrics = placement.global_metrics_update(update_metrics)
    with torch.no_grad():
        y_pred = model(x, training=False)
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        return update_metrics(_detached(loss), x, y, _detached(y_pred), sample_weight)


def predict_step(model, state, x):
    with torch.no_grad():
        return model(x, training=False)


class Runner(EagerRunner):
    concatenate = staticmethod(torch.cat)
    _placement = None  # under DataParallel over several processes: `distribution_steps`

    def start(self, step):
        super().start(step)
        self._placement = DataParallelPlacement.for_runner(self.model, self.kind)

    def run(self, data):
        if self._placement is None:
            return self._step(data)
        return self._placement.run(self._step, data)

    def run_group(self, batches):
        if self._placement is None:
            return super().run_group(batches)
        outputs = [self._placement.run(self._step, batch) for batch in batches]
        if self.kind == "predict":
            return optree.tree_map(lambda *parts: torch.cat(parts, 0), *outputs)
        return outputs[-1]

    def finish(self):
        if self._placement is not None and hasattr(self._placement, "finish"):
            # Called from the trainer's `finally`: an exception on its way out means the epoch failed.
            self._placement.finish(failed=sys.exc_info()[0] is not None)

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
