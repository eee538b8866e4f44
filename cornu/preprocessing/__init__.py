"""``keras.preprocessing``: the dataset-from-directory utilities, and the ``image`` and
``sequence`` helpers of Keras 2 kept by Keras 3.

Example:
>>> from cornu.preprocessing.image import load_img, img_to_array
>>> from cornu.preprocessing.sequence import pad_sequences
"""

from cornu.preprocessing import image, sequence
from cornu.utils.image_dataset import image_dataset_from_directory
from cornu.utils.text_dataset import text_dataset_from_directory

try:  # written by the timeseries utilities' owner; listed as missing until it exists
    from cornu.utils.timeseries_dataset import timeseries_dataset_from_array
except ImportError:
    pass

from cornu.missing_features import module_getattr  # noqa: E402

__getattr__ = module_getattr(__name__)
