"""``cornu.optimizers`` (work in progress: the full API lands shortly)."""

from cornu.optimizers.optimizer import Optimizer
