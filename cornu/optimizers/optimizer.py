"""Placeholder while the optimizer base class is being written."""


class Optimizer:
    pass
