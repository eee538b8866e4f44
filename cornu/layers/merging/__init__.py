"""Merging layers: combine a list of tensors into one."""

from cornu.layers.merging.add import Add, add
from cornu.layers.merging.average import Average, average
from cornu.layers.merging.base_merge import Merge
from cornu.layers.merging.concatenate import Concatenate, concatenate
from cornu.layers.merging.dot import Dot, dot
from cornu.layers.merging.maximum import Maximum, maximum
from cornu.layers.merging.minimum import Minimum, minimum
from cornu.layers.merging.multiply import Multiply, multiply
from cornu.layers.merging.subtract import Subtract, subtract
