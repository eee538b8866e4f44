"""``keras.applications``: the model zoo, with Keras's published ImageNet weights.

Each family module (``resnet``, ``mobilenet_v2``, ...) holds its builders, ``preprocess_input``
and ``decode_predictions``; the builders are also here, as in Keras. ``weights="imagenet"``
downloads Keras's own file (``get_file``: cached, hash-checked) and loads its legacy layout.

Example:
>>> model = cornu.applications.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, weights=None)
"""

from cornu.applications import (convnext, densenet, efficientnet, efficientnet_v2, imagenet_utils,
                                inception_resnet_v2, inception_v3, mobilenet, mobilenet_v2, mobilenet_v3,
                                nasnet, resnet, resnet50, resnet_v2, vgg16, vgg19, xception)
from cornu.applications.convnext import (ConvNeXtBase, ConvNeXtLarge, ConvNeXtSmall, ConvNeXtTiny,
                                         ConvNeXtXLarge)
from cornu.applications.densenet import DenseNet121, DenseNet169, DenseNet201
from cornu.applications.efficientnet import (EfficientNetB0, EfficientNetB1, EfficientNetB2,
                                             EfficientNetB3, EfficientNetB4, EfficientNetB5,
                                             EfficientNetB6, EfficientNetB7)
from cornu.applications.efficientnet_v2 import (EfficientNetV2B0, EfficientNetV2B1, EfficientNetV2B2,
                                                EfficientNetV2B3, EfficientNetV2L, EfficientNetV2M,
                                                EfficientNetV2S)
from cornu.applications.inception_resnet_v2 import InceptionResNetV2
from cornu.applications.inception_v3 import InceptionV3
from cornu.applications.mobilenet import MobileNet
from cornu.applications.mobilenet_v2 import MobileNetV2
from cornu.applications.mobilenet_v3_models import MobileNetV3Large, MobileNetV3Small
from cornu.applications.nasnet import NASNetLarge, NASNetMobile
from cornu.applications.resnet import ResNet50, ResNet101, ResNet152
from cornu.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from cornu.applications.vgg16 import VGG16
from cornu.applications.vgg19 import VGG19
from cornu.applications.xception import Xception
