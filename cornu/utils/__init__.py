"""``cornu.utils``: progress bar, label, padding and seeding helpers, and the serialization
registry (``keras.utils``).

The model summary lives in ``cornu.utils.summary`` (``print_summary``,
``format_size``), used by ``Model.summary()``.
"""

from cornu.backend import clear_session, is_keras_tensor, standardize_dtype
from cornu.serialization import (
    CustomObjectScope,
    custom_object_scope,
    deserialize_keras_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
    serialize_keras_object,
)
from cornu.layers.preprocessing.image import bounding_boxes
from cornu.utils.config import Config
from cornu.utils.audio_dataset import audio_dataset_from_directory
from cornu.utils.dataset_format import dataset_format
from cornu.utils.dataset_split import split_dataset
from cornu.utils.feature_space import FeatureSpace
from cornu.utils.file_download import get_file
from cornu.utils.io_utils import disable_interactive_logging
from cornu.utils.image_dataset import image_dataset_from_directory
from cornu.utils.image_utils import array_to_img, img_to_array, load_img, save_img
from cornu.utils.io_utils import enable_interactive_logging
from cornu.utils.io_utils import is_interactive_logging_enabled
from cornu.utils.model_visualization import model_to_dot, plot_model
from cornu.utils.numerical_utils import normalize
from cornu.utils.numerical_utils import to_categorical
from cornu.utils.progbar import Progbar
from cornu.utils.py_dataset import PyDataset, Sequence
from cornu.utils.rng_utils import set_random_seed
from cornu.utils.sequence_utils import pad_sequences
from cornu.utils.source_inputs import get_source_inputs
from cornu.utils.text_dataset import text_dataset_from_directory
from cornu.utils.timeseries_dataset import timeseries_dataset_from_array
from cornu.trainers.data.packing import pack_x_y_sample_weight, unpack_x_y_sample_weight

from cornu.missing_features import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
