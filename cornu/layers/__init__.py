"""``cornu.layers``: the layer catalogue."""

from cornu.layers.activations.elu import ELU
from cornu.layers.activations.leaky_relu import LeakyReLU
from cornu.layers.activations.prelu import PReLU
from cornu.layers.activations.relu import ReLU
from cornu.layers.activations.softmax import Softmax
from cornu.layers.attention import AdditiveAttention, Attention, GroupQueryAttention, MultiHeadAttention
from cornu.layers.convolutional import (
    Conv1D,
    Conv1DTranspose,
    Conv2D,
    Conv2DTranspose,
    Conv3D,
    Conv3DTranspose,
    Convolution1D,
    Convolution1DTranspose,
    Convolution2D,
    Convolution2DTranspose,
    Convolution3D,
    Convolution3DTranspose,
    DepthwiseConv1D,
    DepthwiseConv2D,
    SeparableConv1D,
    SeparableConv2D,
    SeparableConvolution1D,
    SeparableConvolution2D,
)
from cornu.layers.core.activation import Activation
from cornu.layers.core.dense import Dense
from cornu.layers.core.einsum_dense import EinsumDense
from cornu.layers.core.embedding import Embedding
from cornu.layers.core.reversible_embedding import ReversibleEmbedding
from cornu.layers.core.identity import Identity
from cornu.layers.core.input_layer import Input, InputLayer
from cornu.layers.core.lambda_layer import Lambda
from cornu.layers.core.masking import Masking
from cornu.layers.core.wrapper import Wrapper
from cornu.layers.input_spec import InputSpec
from cornu.layers.interop import FlaxLayer, JaxLayer, TFSMLayer, TorchModuleWrapper
from cornu.layers.layer import Layer
from cornu.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from cornu.layers.normalization.batch_normalization import BatchNormalization
from cornu.layers.normalization.group_normalization import GroupNormalization
from cornu.layers.normalization.layer_normalization import LayerNormalization
from cornu.layers.normalization.rms_normalization import RMSNormalization
from cornu.layers.normalization.spectral_normalization import SpectralNormalization
from cornu.layers.normalization.unit_normalization import UnitNormalization
from cornu.layers.pooling import (
    AdaptiveAveragePooling1D,
    AdaptiveAveragePooling2D,
    AdaptiveAveragePooling3D,
    AdaptiveMaxPooling1D,
    AdaptiveMaxPooling2D,
    AdaptiveMaxPooling3D,
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    AvgPool1D,
    AvgPool2D,
    AvgPool3D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalAvgPool3D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPool3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
    MaxPool1D,
    MaxPool2D,
    MaxPool3D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
)
from cornu.layers.recurrent import (
    GRU,
    LSTM,
    RNN,
    GRUCell,
    LSTMCell,
    SimpleRNN,
    SimpleRNNCell,
    StackedRNNCells,
)
from cornu.layers.recurrent.bidirectional import Bidirectional
from cornu.layers.recurrent.conv_lstm1d import ConvLSTM1D
from cornu.layers.recurrent.conv_lstm2d import ConvLSTM2D
from cornu.layers.recurrent.conv_lstm3d import ConvLSTM3D
from cornu.layers.recurrent.time_distributed import TimeDistributed
from cornu.layers.regularization.activity_regularization import ActivityRegularization
from cornu.layers.regularization.alpha_dropout import AlphaDropout
from cornu.layers.regularization.dropout import Dropout
from cornu.layers.regularization.gaussian_dropout import GaussianDropout
from cornu.layers.regularization.gaussian_noise import GaussianNoise
from cornu.layers.regularization.spatial_dropout import SpatialDropout1D, SpatialDropout2D, SpatialDropout3D
from cornu.layers.preprocessing.category_encoding import CategoryEncoding
from cornu.layers.preprocessing.normalization import Normalization
from cornu.layers.preprocessing.rescaling import Rescaling
from cornu.layers.preprocessing.text import IntegerLookup, StringLookup, TextVectorization
from cornu.layers.preprocessing.structured.discretization import Discretization
from cornu.layers.preprocessing.structured.hashed_crossing import HashedCrossing
from cornu.layers.preprocessing.structured.hashing import Hashing
from cornu.layers.preprocessing.pipeline import Pipeline
from cornu.layers.preprocessing.image.contrast_limited_adaptive_histogram_equalization import (
    ContrastLimitedAdaptiveHistogramEqualization,
)
from cornu.layers.preprocessing.image.cut_mix import CutMix
from cornu.layers.preprocessing.image.center_crop import CenterCrop
from cornu.layers.preprocessing.image.max_num_bounding_boxes import MaxNumBoundingBoxes
from cornu.layers.preprocessing.image.random_crop import RandomCrop
from cornu.layers.preprocessing.image.random_elastic_transform import RandomElasticTransform
from cornu.layers.preprocessing.image.random_flip import RandomFlip
from cornu.layers.preprocessing.image.random_perspective import RandomPerspective
from cornu.layers.preprocessing.image.random_rotation import RandomRotation
from cornu.layers.preprocessing.image.random_shear import RandomShear
from cornu.layers.preprocessing.image.random_translation import RandomTranslation
from cornu.layers.preprocessing.image.random_zoom import RandomZoom
from cornu.layers.preprocessing.image.resizing import Resizing
from cornu.layers.preprocessing.image.mix_up import MixUp
from cornu.layers.preprocessing.image.random_erasing import RandomErasing
from cornu.layers.preprocessing.image.random_gaussian_blur import RandomGaussianBlur
from cornu.layers.preprocessing.image.aug_mix import AugMix
from cornu.layers.preprocessing.image.rand_augment import RandAugment
from cornu.layers.preprocessing.image.auto_contrast import AutoContrast
from cornu.layers.preprocessing.image.equalization import Equalization
from cornu.layers.preprocessing.image.random_brightness import RandomBrightness
from cornu.layers.preprocessing.image.random_color_degeneration import RandomColorDegeneration
from cornu.layers.preprocessing.image.random_color_jitter import RandomColorJitter
from cornu.layers.preprocessing.image.random_contrast import RandomContrast
from cornu.layers.preprocessing.image.random_grayscale import RandomGrayscale
from cornu.layers.preprocessing.image.random_hue import RandomHue
from cornu.layers.preprocessing.image.random_invert import RandomInvert
from cornu.layers.preprocessing.image.random_posterization import RandomPosterization
from cornu.layers.preprocessing.image.random_saturation import RandomSaturation
from cornu.layers.preprocessing.image.random_sharpness import RandomSharpness
from cornu.layers.preprocessing.image.solarization import Solarization
from cornu.layers.preprocessing.audio import MelSpectrogram, STFTSpectrogram
from cornu.layers.reshaping.cropping1d import Cropping1D
from cornu.layers.reshaping.cropping2d import Cropping2D
from cornu.layers.reshaping.cropping3d import Cropping3D
from cornu.layers.reshaping.flatten import Flatten
from cornu.layers.reshaping.permute import Permute
from cornu.layers.reshaping.repeat_vector import RepeatVector
from cornu.layers.reshaping.reshape import Reshape
from cornu.layers.reshaping.up_sampling1d import UpSampling1D
from cornu.layers.reshaping.up_sampling2d import UpSampling2D
from cornu.layers.reshaping.up_sampling3d import UpSampling3D
from cornu.layers.reshaping.zero_padding1d import ZeroPadding1D
from cornu.layers.reshaping.zero_padding2d import ZeroPadding2D
from cornu.layers.reshaping.zero_padding3d import ZeroPadding3D
from cornu.serialization.object_namespace import ObjectNamespace



serialize, deserialize = ObjectNamespace("layer", "keras.layers", {}, argument="layer").public_functions(
    example='{"class_name": "Dense", "config": {"units": 2}}', with_get=False
)

from cornu.missing_features import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
