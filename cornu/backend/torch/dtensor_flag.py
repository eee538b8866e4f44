"""Whether this process has made a DTensor (``ModelParallel`` variables, ``distribute_tensor``):
until it has, conversions and assignments skip the DTensor checks.

Example:
>>> HAS_DTENSORS[0]
False
"""

HAS_DTENSORS = [False]
