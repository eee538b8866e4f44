"""Pooling layers: windowed max/average, global max/average and adaptive pooling, in 1-D to 3-D."""

from cornu.layers.pooling.adaptive_average_pooling1d import AdaptiveAveragePooling1D
from cornu.layers.pooling.adaptive_average_pooling2d import AdaptiveAveragePooling2D
from cornu.layers.pooling.adaptive_average_pooling3d import AdaptiveAveragePooling3D
from cornu.layers.pooling.adaptive_max_pooling1d import AdaptiveMaxPooling1D
from cornu.layers.pooling.adaptive_max_pooling2d import AdaptiveMaxPooling2D
from cornu.layers.pooling.adaptive_max_pooling3d import AdaptiveMaxPooling3D
from cornu.layers.pooling.average_pooling1d import AveragePooling1D, AvgPool1D
from cornu.layers.pooling.average_pooling2d import AveragePooling2D, AvgPool2D
from cornu.layers.pooling.average_pooling3d import AveragePooling3D, AvgPool3D
from cornu.layers.pooling.base_adaptive_pooling import BaseAdaptivePooling
from cornu.layers.pooling.base_global_pooling import BaseGlobalPooling
from cornu.layers.pooling.base_pooling import BasePooling
from cornu.layers.pooling.global_average_pooling1d import GlobalAveragePooling1D, GlobalAvgPool1D
from cornu.layers.pooling.global_average_pooling2d import GlobalAveragePooling2D, GlobalAvgPool2D
from cornu.layers.pooling.global_average_pooling3d import GlobalAveragePooling3D, GlobalAvgPool3D
from cornu.layers.pooling.global_max_pooling1d import GlobalMaxPool1D, GlobalMaxPooling1D
from cornu.layers.pooling.global_max_pooling2d import GlobalMaxPool2D, GlobalMaxPooling2D
from cornu.layers.pooling.global_max_pooling3d import GlobalMaxPool3D, GlobalMaxPooling3D
from cornu.layers.pooling.max_pooling1d import MaxPool1D, MaxPooling1D
from cornu.layers.pooling.max_pooling2d import MaxPool2D, MaxPooling2D
from cornu.layers.pooling.max_pooling3d import MaxPool3D, MaxPooling3D
