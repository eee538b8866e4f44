"""Activation layers: ReLU, LeakyReLU, PReLU, ELU and Softmax."""

from cornu.layers.activations.elu import ELU
from cornu.layers.activations.leaky_relu import LeakyReLU
from cornu.layers.activations.prelu import PReLU
from cornu.layers.activations.relu import ReLU
from cornu.layers.activations.softmax import Softmax
