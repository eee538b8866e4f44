"""``cornu.tuner.oracles``: the oracles behind the built-in tuners (KerasTuner's ``keras_tuner.oracles``)."""

from cornu.tuner.tuners import BayesianOptimizationOracle, GridSearchOracle, HyperbandOracle, RandomSearchOracle

__all__ = ["BayesianOptimizationOracle", "GridSearchOracle", "HyperbandOracle", "RandomSearchOracle"]
