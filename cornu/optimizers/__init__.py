"""``cornu.optimizers``: the algorithms that update weights from gradients.

Example:
>>> opt = cornu.optimizers.get("adam")
>>> opt.apply(grads, model.trainable_variables)
"""

from cornu.optimizers import legacy
from cornu.optimizers import schedules
from cornu.optimizers.adadelta import Adadelta
from cornu.optimizers.adafactor import Adafactor
from cornu.optimizers.adagrad import Adagrad
from cornu.optimizers.adam import Adam
from cornu.optimizers.adamax import Adamax
from cornu.optimizers.adamw import AdamW
from cornu.optimizers.ftrl import Ftrl
from cornu.optimizers.lamb import Lamb
from cornu.optimizers.lion import Lion
from cornu.optimizers.loss_scale_optimizer import LossScaleOptimizer
from cornu.optimizers.muon import Muon
from cornu.optimizers.multi_optimizer import MultiOptimizer
from cornu.optimizers.multi_optimizer import OptimizerMap
from cornu.optimizers.nadam import Nadam
from cornu.optimizers.optimizer import Optimizer
from cornu.optimizers.rmsprop import RMSprop
from cornu.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from cornu.optimizers.sgd import SGD
from cornu.serialization.object_namespace import ObjectNamespace

ALL_OBJECTS = (
    Optimizer,
    Adam,
    SGD,
    RMSprop,
    Adadelta,
    AdamW,
    Adagrad,
    Adamax,
    Adafactor,
    Nadam,
    Ftrl,
    Lion,
    Lamb,
    LossScaleOptimizer,
    Muon,
    MultiOptimizer,
    OptimizerMap,
    ScheduleFreeAdamW,
)
# Names are matched case-insensitively: "adam", "Adam" and "ADAM" all work.
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}

_NAMES = ObjectNamespace(
    "optimizer", "keras.optimizers", ALL_OBJECTS_DICT, argument="optimizer", key=str.lower,
    accepts=lambda obj: isinstance(obj, Optimizer),
)
serialize, deserialize, get = _NAMES.public_functions(example="'adam'")
