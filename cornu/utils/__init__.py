"""``cornu.utils``: progress bar, label and seeding helpers (``keras.utils``).

The model summary lives in ``cornu.utils.summary`` (``print_summary``,
``format_size``), used by ``Model.summary()``.
"""

from cornu.utils.io_utils import disable_interactive_logging
from cornu.utils.io_utils import enable_interactive_logging
from cornu.utils.io_utils import is_interactive_logging_enabled
from cornu.utils.numerical_utils import normalize
from cornu.utils.numerical_utils import to_categorical
from cornu.utils.progbar import Progbar
from cornu.utils.py_dataset import PyDataset, Sequence
from cornu.utils.rng_utils import set_random_seed
from cornu.trainers.data.packing import pack_x_y_sample_weight, unpack_x_y_sample_weight
