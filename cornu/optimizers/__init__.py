"""``cornu.optimizers``: the algorithms that update weights from gradients.

Example:
>>> opt = cornu.optimizers.get("adam")
>>> opt.apply(grads, model.trainable_variables)
"""

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
from cornu.saving.registry import get_registered_object, keras_export

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


@keras_export("keras.optimizers.serialize")
def serialize(optimizer):
    """The Keras-format config dict of ``optimizer``.

    Example:
    >>> cornu.optimizers.serialize(cornu.optimizers.SGD())["class_name"]
    'SGD'
    """
    from cornu.saving.serialization import serialize_keras_object

    return serialize_keras_object(optimizer)


@keras_export("keras.optimizers.deserialize")
def deserialize(config, custom_objects=None):
    """Builds an optimizer from its config dict.

    Example:
    >>> opt = cornu.optimizers.deserialize({"class_name": "adam", "config": {"learning_rate": 0.01}})
    """
    if isinstance(config, dict) and set(config) <= {"class_name", "config", "module", "registered_name"}:
        name = config.get("class_name")
        cls = ALL_OBJECTS_DICT.get(name.lower()) if isinstance(name, str) else None
        custom = (custom_objects and name in custom_objects) or get_registered_object(name) is not None
        plain = config.get("module") in (None, "keras.optimizers") and config.get("registered_name") in (None, name)
        if cls is not None and plain and not custom:
            return cls.from_config(config.get("config") or {}, custom_objects=custom_objects)
    from cornu.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects)


@keras_export("keras.optimizers.get")
def get(identifier):
    """Returns an optimizer from a name (``"adam"``), a config dict, or an instance.

    Example:
    >>> cornu.optimizers.get("rmsprop").learning_rate  # 0.001
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        try:
            obj = deserialize({"class_name": identifier, "config": {}})
        except (ValueError, TypeError):
            obj = None
    else:
        obj = identifier
    if isinstance(obj, Optimizer):
        return obj
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
