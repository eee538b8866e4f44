"""Choosing the adapter for the user's data, in Keras's order: an adapter instance,
arrays, ``tf.data.Dataset``, ``PyDataset``, torch ``DataLoader``, then a Python
generator object."""

import inspect
import types
import warnings

from cornu.trainers.data.array_conversion import can_convert_arrays
from cornu.trainers.data.data_adapter import DataAdapter
from cornu.trainers.data.packing import pack_x_y_sample_weight, unpack_x_y_sample_weight  # noqa: F401 (re-export)


def _reject_separate_targets(kind, y, sample_weight):
    for name, value, what in (("y", y, "the targets"), ("sample_weight", sample_weight, "the sample weights")):
        if value is not None:
            raise ValueError(
                f"When providing `x` as a {kind}, `{name}` should not be passed. Instead, {what} should be "
                f"yielded by the {kind} as part of each batch: `(x, y)` or `(x, y, sample_weight)`. "
                f"Received: {name} of type {type(value).__name__}"
            )


def _reject_class_weight(kind, class_weight):
    if class_weight is not None:
        raise ValueError(
            f"Argument `class_weight` is not supported for {kind} inputs. Yield `(x, y, sample_weight)` batches "
            f"with the weights folded in instead, or use a custom training loop. Received: class_weight={class_weight}"
        )


def _warn_shuffle_ignored(kind, shuffle, why="is expected to be shuffled already"):
    if shuffle:
        warnings.warn(
            f"`shuffle=True` was passed, but will be ignored since the data `x` was provided as a {kind}. "
            f"The {kind} {why}.",
            stacklevel=4,
        )


def _is_generator(x):
    return isinstance(x, types.GeneratorType) or (
        hasattr(x, "__next__") and hasattr(x, "__iter__") and not isinstance(x, (str, bytes))
    )


def _unrecognized(x):
    hint = ""
    if inspect.isgeneratorfunction(x):
        hint = f" Pass the generator object instead of the generator function: x={x.__name__}()."
    raise ValueError(
        f"Unrecognized data type: x={str(x)[:200]} (of type {type(x)}).{hint} Accepted: NumPy arrays, backend "
        "tensors, pandas DataFrames/Series, nested dicts/lists/tuples of these, a generator object, a "
        "`cornu.utils.PyDataset`, a torch DataLoader or a tf.data.Dataset."
    )


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None, shuffle=False,
                     class_weight=None):
    """Returns the ``DataAdapter`` for ``x`` (and ``y``, ``sample_weight`` for arrays).

    Example:
    >>> adapter = get_data_adapter(x_train, y_train, batch_size=32, shuffle=True)  # 1000 samples
    >>> adapter.num_batches
    32
    """
    from cornu.trainers.data.array_adapter import ArrayDataAdapter
    from cornu.trainers.data.generator_adapter import GeneratorDataAdapter
    from cornu.trainers.data.py_dataset_adapter import PyDatasetAdapter
    from cornu.trainers.data.tf_dataset_adapter import TFDatasetAdapter, is_tf_dataset
    from cornu.trainers.data.torch_dataloader_adapter import TorchDataLoaderAdapter, is_torch_dataloader
    from cornu.utils.py_dataset import PyDataset

    if isinstance(x, DataAdapter):
        return x
    if x is None:
        raise ValueError("No input data: pass `x` (arrays, a generator or a dataset). Received: x=None")
    if can_convert_arrays((x, y, sample_weight)):
        return ArrayDataAdapter(x, y, sample_weight=sample_weight, batch_size=batch_size, steps=steps_per_epoch,
                                shuffle=shuffle, class_weight=class_weight)
    if is_tf_dataset(x):
        _reject_separate_targets("tf.data.Dataset", y, sample_weight)
        _warn_shuffle_ignored(
            "tf.data.Dataset", shuffle, "is expected to be shuffled already (via `.shuffle(buffer_size)`)"
        )
        return TFDatasetAdapter(x, class_weight=class_weight)
    if isinstance(x, PyDataset):
        _reject_separate_targets("PyDataset", y, sample_weight)
        if x.num_batches is None:
            _warn_shuffle_ignored("PyDataset", shuffle, "is infinite and is expected to be shuffled already")
        return PyDatasetAdapter(x, class_weight=class_weight, shuffle=shuffle)
    if is_torch_dataloader(x):
        _reject_separate_targets("torch DataLoader", y, sample_weight)
        _reject_class_weight("torch DataLoader", class_weight)
        _warn_shuffle_ignored("torch DataLoader", shuffle)
        return TorchDataLoaderAdapter(x)
    if _is_generator(x):
        _reject_separate_targets("generator", y, sample_weight)
        _reject_class_weight("Python generator", class_weight)
        _warn_shuffle_ignored("generator", shuffle, "is expected to yield already-shuffled data")
        return GeneratorDataAdapter(x)
    _unrecognized(x)
