"""The NumPy backend runs inference only: evaluate and predict, no training. The contract is
``cornu/backend/common/step_protocol.py``."""

import numpy as np

from cornu.backend.common.eager_runner import EagerRunner
from cornu.backend.common.step_protocol import training_unsupported_error

SUPPORTS_TRAINING = False
SUPPORTS_JIT_COMPILE = False
JIT_COMPILE_BY_DEFAULT = False
SKIPS_UNREAD_STEP_RESULTS = True  # each metric result is a few eager ops per step


def train_step(model, trainable, x, y, sample_weight, update_metrics):
    raise training_unsupported_error("numpy")


def test_step(model, state, x, y, sample_weight, update_metrics):
    y_pred = model(x, training=False)
    loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
    return update_metrics(loss, x, y, y_pred, sample_weight)


def predict_step(model, state, x):
    return model(x, training=False)


class Runner(EagerRunner):
    concatenate = staticmethod(np.concatenate)
