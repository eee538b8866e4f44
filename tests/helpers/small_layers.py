"""The layers under test, by their Keras class name, and a side-by-side runner.

They are imported from their modules, so these tests do not depend on the
exports of ``cornu.layers``.
"""

import json

import numpy as np

import cornu
from cornu.layers.activations.elu import ELU
from cornu.layers.activations.leaky_relu import LeakyReLU
from cornu.layers.activations.prelu import PReLU
from cornu.layers.activations.relu import ReLU
from cornu.layers.activations.softmax import Softmax
from cornu.layers.core.einsum_dense import EinsumDense
from cornu.layers.core.masking import Masking
from cornu.layers.core.wrapper import Wrapper
from cornu.layers.normalization.group_normalization import GroupNormalization
from cornu.layers.normalization.rms_normalization import RMSNormalization
from cornu.layers.normalization.spectral_normalization import SpectralNormalization
from cornu.layers.normalization.unit_normalization import UnitNormalization
from cornu.layers.regularization.activity_regularization import ActivityRegularization
from cornu.layers.regularization.alpha_dropout import AlphaDropout
from cornu.layers.regularization.gaussian_dropout import GaussianDropout
from cornu.layers.regularization.gaussian_noise import GaussianNoise
from cornu.layers.regularization.spatial_dropout import SpatialDropout1D, SpatialDropout2D, SpatialDropout3D
from cornu.layers.reshaping.cropping1d import Cropping1D
from cornu.layers.reshaping.cropping2d import Cropping2D
from cornu.layers.reshaping.cropping3d import Cropping3D
from cornu.layers.reshaping.permute import Permute
from cornu.layers.reshaping.repeat_vector import RepeatVector
from cornu.layers.reshaping.up_sampling1d import UpSampling1D
from cornu.layers.reshaping.up_sampling2d import UpSampling2D
from cornu.layers.reshaping.up_sampling3d import UpSampling3D
from cornu.layers.reshaping.zero_padding1d import ZeroPadding1D
from cornu.layers.reshaping.zero_padding2d import ZeroPadding2D
from cornu.layers.reshaping.zero_padding3d import ZeroPadding3D

from tests.helpers.layer_compare import assert_close, assert_same_config, comparable_config, copy_weights, to_numpy

CLASSES = {cls.__name__: cls for cls in (
    ELU, LeakyReLU, PReLU, ReLU, Softmax, EinsumDense, Masking, Wrapper, GroupNormalization, RMSNormalization,
    SpectralNormalization, UnitNormalization, ActivityRegularization, AlphaDropout, GaussianDropout, GaussianNoise,
    SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, Cropping1D, Cropping2D, Cropping3D, Permute, RepeatVector,
    UpSampling1D, UpSampling2D, UpSampling3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D,
)}


def make_pair(keras_ref, name, input_shape=None, **kwargs):
    """The cornu and Keras layers ``name(**kwargs)``, built for ``input_shape``, with Keras's weights copied."""
    layer = CLASSES[name](**kwargs)
    ref = getattr(keras_ref.layers, name)(**kwargs)
    if input_shape is not None:
        ref.build(input_shape)
        layer.build(input_shape)
        if ref.weights:
            rng = np.random.default_rng(1)
            ref.set_weights([rng.uniform(0.5, 1.5, size=tuple(w.shape)).astype("float32") for w in ref.weights])
            copy_weights(ref, layer)
    return layer, ref


def check_against_keras(keras_ref, name, input_shape, kwargs, x=None, atol=1e-5):
    """Outputs, weights layout, symbolic shapes and config of ``name(**kwargs)`` equal Keras's."""
    layer, ref = make_pair(keras_ref, name, input_shape, **kwargs)
    assert [(w.name, tuple(w.shape), w.trainable) for w in layer.weights] == [
        (w.name, tuple(w.shape), w.trainable) for w in ref.weights]
    if x is None:
        x = np.random.normal(size=input_shape).astype("float32")
    out = layer(x)
    expected = np.asarray(ref(x))
    assert tuple(out.shape) == expected.shape
    assert_close(out, expected, atol=atol, rtol=atol)

    symbolic = layer(cornu.Input(batch_shape=(None,) + tuple(input_shape[1:]), dtype=str(x.dtype)))
    ref_symbolic = ref(keras_ref.Input(batch_shape=(None,) + tuple(input_shape[1:]), dtype=str(x.dtype)))
    assert tuple(symbolic.shape) == tuple(ref_symbolic.shape)
    assert all(s is None or s == e for s, e in zip(symbolic.shape, expected.shape))

    assert_same_config(layer, ref)
    clone = type(layer).from_config(json.loads(json.dumps(layer.get_config())))
    assert comparable_config(clone) == comparable_config(layer)
    if layer.weights:
        clone.build(input_shape)
        clone.set_weights(layer.get_weights())
    assert_close(clone(x), expected, atol=atol, rtol=atol)
    return layer, ref


def numpy_of(x):
    return to_numpy(x)
