"""``cornu.optimizers.schedules``: learning rates that change with the step.

Example:
>>> schedule = cornu.optimizers.schedules.CosineDecay(0.1, decay_steps=1000)
>>> opt = cornu.optimizers.SGD(learning_rate=schedule)
"""

from cornu.optimizers.schedules.learning_rate_schedule import (
    CosineDecay,
    CosineDecayRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    PiecewiseConstantDecay,
    PolynomialDecay,
    deserialize,
    serialize,
)
