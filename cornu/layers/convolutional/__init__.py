"""Convolution layers: plain, transposed, depthwise and separable, in 1-D to 3-D."""

from cornu.layers.convolutional.base_conv import BaseConv
from cornu.layers.convolutional.base_conv_transpose import BaseConvTranspose
from cornu.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv
from cornu.layers.convolutional.base_separable_conv import BaseSeparableConv
from cornu.layers.convolutional.conv1d import Conv1D, Convolution1D
from cornu.layers.convolutional.conv1d_transpose import Conv1DTranspose, Convolution1DTranspose
from cornu.layers.convolutional.conv2d import Conv2D, Convolution2D
from cornu.layers.convolutional.conv2d_transpose import Conv2DTranspose, Convolution2DTranspose
from cornu.layers.convolutional.conv3d import Conv3D, Convolution3D
from cornu.layers.convolutional.conv3d_transpose import Conv3DTranspose, Convolution3DTranspose
from cornu.layers.convolutional.depthwise_conv1d import DepthwiseConv1D
from cornu.layers.convolutional.depthwise_conv2d import DepthwiseConv2D
from cornu.layers.convolutional.separable_conv1d import SeparableConv1D, SeparableConvolution1D
from cornu.layers.convolutional.separable_conv2d import SeparableConv2D, SeparableConvolution2D
