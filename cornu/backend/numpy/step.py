"""The NumPy backend runs inference only: evaluate and predict, no training."""

import numpy as np

from cornu.trainers.data import unpack_x_y_sample_weight


def skips_unread_step_results():
    """Whether fit/evaluate may skip the metrics' per-step results nobody reads (each result is a few eager ops per step)."""
    return True


def check_trainable():
    raise NotImplementedError(
        "The numpy backend is inference-only: `fit` and `train_on_batch` are not available. Train on the "
        "jax or torch backend (set CORNU_BACKEND=jax or torch), then load the model here for predict/evaluate."
    )


def resolve_jit_compile(model, jit_compile, run_eagerly):
    return False


def _batch_size(x):
    import optree

    return optree.tree_leaves(x)[0].shape[0]


def train_step(model, data):
    check_trainable()


def test_step(model, data):
    x, y, sample_weight = unpack_x_y_sample_weight(data)
    y_pred = model(x, training=False)
    loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
    if model._loss_tracker is not None:
        model._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
    return model.compute_metrics(x, y, y_pred, sample_weight)


def predict_step(model, data):
    x, _, _ = unpack_x_y_sample_weight(data)
    return model(x, training=False)


class Runner:
    def __init__(self, model, kind):
        self.model = model
        self.kind = kind

    def start(self):
        if self.kind == "train":
            check_trainable()

    def run(self, data):
        return getattr(self.model, f"{self.kind}_step")(data)

    def run_group(self, batches):
        """Runs several steps one after the other (``steps_per_execution``); returns the last
        step's logs, or every output for predict."""
        outputs = [self.run(batch) for batch in batches]
        if self.kind == "predict":
            import optree

            return optree.tree_map(lambda *parts: np.concatenate(parts, axis=0), *outputs)
        return outputs[-1]

    def finish(self):
        pass


def make_runner(model, kind):
    return Runner(model, kind)
