"""``cornu.losses``: the Keras 3 losses, as classes and as plain functions.

Example:
>>> loss = cornu.losses.get("mse")
>>> float(loss([[0.0, 1.0]], [[1.0, 1.0]])[0])
0.5
"""

from cornu.losses.ctc import CTC, ctc
from cornu.losses.hinge import (
    CategoricalHinge,
    Dice,
    Hinge,
    SquaredHinge,
    Tversky,
    categorical_hinge,
    dice,
    hinge,
    squared_hinge,
    tversky,
)
from cornu.losses.lookup import deserialize_from_table, get_from_table
from cornu.losses.loss import Loss, reduce_weighted_values
from cornu.losses.loss_function_wrapper import LossFunctionWrapper
from cornu.losses.probabilistic import (
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from cornu.losses.regression import (
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from cornu.losses.similarity import Circle, circle
from cornu.saving.registry import keras_export

ALL_OBJECTS = {
    Loss,
    LossFunctionWrapper,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    SparseCategoricalCrossentropy,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCosh,
    Huber,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    Dice,
    Tversky,
    Circle,
    CTC,
    kl_divergence,
    poisson,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    sparse_categorical_crossentropy,
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    cosine_similarity,
    log_cosh,
    huber,
    hinge,
    squared_hinge,
    categorical_hinge,
    dice,
    tversky,
    circle,
    ctc,
}

ALL_OBJECTS_DICT = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update(
    {
        "bce": binary_crossentropy,
        "BCE": binary_crossentropy,
        "kld": kl_divergence,
        "KLD": kl_divergence,
        "mae": mean_absolute_error,
        "MAE": mean_absolute_error,
        "mse": mean_squared_error,
        "MSE": mean_squared_error,
        "mape": mean_absolute_percentage_error,
        "MAPE": mean_absolute_percentage_error,
        "msle": mean_squared_logarithmic_error,
        "MSLE": mean_squared_logarithmic_error,
    }
)


@keras_export("keras.losses.serialize")
def serialize(loss):
    """A loss (``Loss`` instance or function) as a Keras-format config dict.

    Example:
    >>> cornu.losses.serialize(cornu.losses.MeanSquaredError())["class_name"]
    'MeanSquaredError'
    """
    from cornu.saving.serialization import serialize_keras_object

    return serialize_keras_object(loss)


@keras_export("keras.losses.deserialize")
def deserialize(name, custom_objects=None):
    """Rebuilds a loss from a name or a config made by :func:`serialize`.

    Example:
    >>> cornu.losses.deserialize("mse") is cornu.losses.mean_squared_error
    True
    """
    return deserialize_from_table(name, ALL_OBJECTS_DICT, custom_objects=custom_objects, kind="loss")


@keras_export("keras.losses.get")
def get(identifier):
    """Resolves a loss identifier: a name (aliases like ``"mse"`` included), a config dict, a callable or None.

    Names of classes give a new instance with default arguments; names of
    functions give the function.

    Example:
    >>> cornu.losses.get("CategoricalCrossentropy")
    <CategoricalCrossentropy name=categorical_crossentropy>
    """
    return get_from_table(identifier, ALL_OBJECTS_DICT, kind="loss")
