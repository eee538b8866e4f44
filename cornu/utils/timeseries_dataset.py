"""``timeseries_dataset_from_array``: batches of sliding windows over a timeseries."""

import numpy as np

from cornu.serialization.registry import keras_export
from cornu.utils.dataset_format import resolve_dataset_format
from cornu.utils.sample_batches import SampleBatches


def _check_arguments(data, sequence_stride, sampling_rate, start_index, end_index):
    length = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: start_index={start_index}")
        if start_index >= length:
            raise ValueError(
                "`start_index` must be lower than the length of the data. "
                f"Received: start_index={start_index}, for data of length {length}"
            )
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(
                "`end_index` must be higher than `start_index`. "
                f"Received: start_index={start_index}, and end_index={end_index} "
            )
        if end_index >= length:
            raise ValueError(
                "`end_index` must be lower than the length of the data. "
                f"Received: end_index={end_index}, for data of length {length}"
            )
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={value}")
        if value >= length:
            raise ValueError(
                f"`{name}` must be lower than the length of the data. "
                f"Received: {name}={value}, for data of length {length}"
            )


def _window_starts(data, targets, sequence_length, sequence_stride, sampling_rate, shuffle, seed, start, end):
    """The first position (relative to ``start``) of every window, in reading order."""
    count = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        count = min(count, len(targets))
    starts = np.arange(0, max(count, 0), sequence_stride, dtype="int64")
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(starts)
    return starts


def _tf_dataset(data, targets, starts, offsets, start, end, batch_size, shuffle, seed):
    import tensorflow as tf

    windows = tf.data.Dataset.from_tensor_slices(starts)
    data_slice = tf.convert_to_tensor(np.asarray(data[start:end]))
    dataset = windows.map(lambda first: tf.gather(data_slice, first + offsets))
    if targets is not None:
        target_slice = tf.convert_to_tensor(np.asarray(targets[start:end]))
        dataset = tf.data.Dataset.zip((dataset, windows.map(lambda first: tf.gather(target_slice, first))))
    if shuffle:
        dataset = dataset.shuffle(buffer_size=1024 if batch_size is None else batch_size * 8, seed=seed)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    return dataset.prefetch(tf.data.AUTOTUNE)


@keras_export("keras.utils.timeseries_dataset_from_array", "keras.preprocessing.timeseries_dataset_from_array")
def timeseries_dataset_from_array(
    data,
    targets,
    sequence_length,
    sequence_stride=1,
    sampling_rate=1,
    batch_size=128,
    shuffle=False,
    seed=None,
    start_index=None,
    end_index=None,
    format="tf",
):
    """Batches of windows ``data[i], data[i + r], ..., data[i + (sequence_length - 1) * r]``
    (``r = sampling_rate``) starting every ``sequence_stride`` steps, with ``targets[i]`` as the
    window's target.

    Args:
        data: array of timesteps (first axis: time).
        targets: targets aligned with ``data`` (``targets[i]`` for the window starting at ``i``),
            or None for windows only.
        sequence_length: timesteps per window.
        sequence_stride: steps between the starts of successive windows.
        sampling_rate: steps between the timesteps of one window.
        batch_size: windows per batch, or None for single windows.
        shuffle: read the windows in a random order.
        seed: seed of that order.
        start_index, end_index: only use ``data[start_index:end_index]``.
        format: ``"tf"`` (a ``tf.data.Dataset`` when TensorFlow is installed, else a
            ``cornu.utils.PyDataset``) or ``"py_dataset"`` (always a ``PyDataset``).

    Example:
    >>> batches = cornu.utils.timeseries_dataset_from_array(
    ...     np.arange(10), np.arange(10), sequence_length=3, batch_size=4, format="py_dataset")
    >>> windows, targets = batches[0]
    >>> windows[1], targets[1]
    (array([1, 2, 3]), 1)
    """
    _check_arguments(data, sequence_stride, sampling_rate, start_index, end_index)
    kind = resolve_dataset_format(format)
    start = start_index or 0
    end = len(data) if end_index is None else end_index
    starts = _window_starts(data, targets, sequence_length, sequence_stride, sampling_rate, shuffle, seed, start, end)
    offsets = np.arange(sequence_length, dtype="int64") * sampling_rate
    if kind == "tf":
        return _tf_dataset(data, targets, starts, offsets, start, end, batch_size, shuffle, seed)
    data_slice = np.asarray(data[start:end])
    target_slice = None if targets is None else np.asarray(targets[start:end])

    def gather(window_indices):
        firsts = starts[window_indices]
        windows = data_slice[firsts[:, None] + offsets[None, :]]
        return windows if target_slice is None else (windows, target_slice[firsts])

    return SampleBatches(gather, len(starts), batch_size=batch_size)
