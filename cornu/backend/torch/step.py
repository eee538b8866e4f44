"""How a PyTorch model trains: eager forward, ``torch.autograd.grad``, and an
optimizer update under ``no_grad``. Variables are updated in place."""

import torch

from cornu.trainers.data import unpack_x_y_sample_weight


def skips_unread_step_results():
    """Whether fit/evaluate may skip the metrics' per-step results nobody reads (each result is a few eager ops per step)."""
    return True


def check_trainable():
    return None


def resolve_jit_compile(model, jit_compile, run_eagerly):
    if run_eagerly or jit_compile == "auto":
        return False
    return bool(jit_compile)


def _batch_size(x):
    if isinstance(x, torch.Tensor):
        return x.shape[0]
    import optree

    return optree.tree_leaves(x)[0].shape[0]


def train_step(model, data):
    x, y, sample_weight = unpack_x_y_sample_weight(data)
    y_pred = model(x, training=True)
    loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
    trainable = getattr(model, "_step_trainable", None) or model.trainable_weights
    params = [v.value for v in trainable]
    if params:
        grads = torch.autograd.grad(model.optimizer.scale_loss(loss), params, allow_unused=True)
    else:
        grads = []
    with torch.no_grad():
        if params:
            model.optimizer.apply(list(grads), trainable)
        return _update_metrics(model, loss, x, y, y_pred, sample_weight)


def _update_metrics(model, loss, x, y, y_pred, sample_weight):
    if isinstance(y_pred, torch.Tensor):
        y_pred = y_pred.detach()
    else:
        import optree

        y_pred = optree.tree_map(lambda t: t.detach() if isinstance(t, torch.Tensor) else t, y_pred)
    if model._loss_tracker is not None and loss is not None:
        model._loss_tracker.update_state(loss.detach(), sample_weight=_batch_size(x))
    return model.compute_metrics(x, y, y_pred, sample_weight)


def test_step(model, data):
    x, y, sample_weight = unpack_x_y_sample_weight(data)
    with torch.no_grad():
        y_pred = model(x, training=False)
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        return _update_metrics(model, loss, x, y, y_pred, sample_weight)


def predict_step(model, data):
    x, _, _ = unpack_x_y_sample_weight(data)
    with torch.no_grad():
        return model(x, training=False)


class Runner:
    """Runs one kind of step eagerly; state lives in the variables themselves."""

    def __init__(self, model, kind):
        self.model = model
        self.kind = kind
        self._step = None

    def start(self):
        model = self.model
        if self.kind == "train":
            model._step_trainable = model.trainable_weights
        step = getattr(model, f"{self.kind}_step")
        if model.jit_compile and self.kind == "train":
            step = torch.compile(step)
        self._step = step

    def run(self, data):
        return self._step(data)

    def run_group(self, batches):
        """Runs several steps one after the other (``steps_per_execution``); returns the last
        step's logs, or every output for predict."""
        outputs = [self.run(batch) for batch in batches]
        if self.kind == "predict":
            import optree

            return optree.tree_map(lambda *parts: torch.cat(parts, 0), *outputs)
        return outputs[-1]

    def finish(self):
        self.model._step_trainable = None


def make_runner(model, kind):
    return Runner(model, kind)
