"""``keras.applications.resnet50``: ResNet50 with the ResNet v1 preprocessing, the same objects
as ``keras.applications.resnet`` exposes under these names.

Example:
>>> from cornu.applications import resnet50
>>> resnet50.ResNet50 is cornu.applications.resnet.ResNet50
True
"""

from cornu.applications.resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "decode_predictions", "preprocess_input"]
