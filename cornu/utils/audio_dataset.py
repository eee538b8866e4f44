"""``audio_dataset_from_directory``: a dataset of ``.wav`` files, labelled by their subdirectory."""

import numpy as np

from cornu.serialization.registry import keras_export
from cornu.utils import dataset_directory
from cornu.utils.dataset_format import resolve_dataset_format
from cornu.utils.file_dataset import FileDataset
from cornu.utils.wav_decoding import read_wav

ALLOWED_FORMATS = (".wav",)


def _check_audio_arguments(labels, ragged, output_sequence_length, sampling_rate):
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError(
            "The `labels` argument should be a list/tuple of integer labels, of the same size as the number of "
            "audio files in the target directory. If you wish to infer the labels from the subdirectory names "
            'in the target directory, pass `labels="inferred"`. If you wish to get a dataset that only contains '
            f"audio samples (no labels), pass `labels=None`. Received: labels={labels}"
        )
    if ragged and output_sequence_length is not None:
        raise ValueError("Cannot set both `ragged` and `output_sequence_length`")
    if sampling_rate is not None:
        if not isinstance(sampling_rate, int):
            raise ValueError(f"`sampling_rate` should have an integer value. Received: sampling_rate={sampling_rate}")
        if sampling_rate <= 0:
            raise ValueError(f"`sampling_rate` should be higher than 0. Received: sampling_rate={sampling_rate}")


def _wav_loader(sampling_rate, output_sequence_length, ragged):
    """``paths -> batch``: zero-padded to the longest file (or cropped/padded to
    ``output_sequence_length``); a list of arrays when ``ragged``."""
    desired = -1 if output_sequence_length is None else output_sequence_length

    def load(paths):
        clips = []
        for path in paths:
            audio, rate = read_wav(path, desired)
            if sampling_rate is not None and rate != sampling_rate:
                raise ValueError(
                    "cornu does not resample audio: every file must already have the requested `sampling_rate` "
                    f"(or pass `sampling_rate=None`). Received: sampling_rate={sampling_rate}, file {path} has {rate}"
                )
            clips.append(audio)
        if ragged:
            return clips
        longest = max(len(clip) for clip in clips)
        return np.stack([np.pad(clip, [(0, longest - len(clip)), (0, 0)]) for clip in clips])

    return load


def _tf_audio_dataset(paths, labels, label_mode, num_classes, batch_size, sampling_rate, output_sequence_length,
                      ragged, shuffle, seed):
    import tensorflow as tf

    if sampling_rate is not None:
        try:
            import tensorflow_io as tfio
        except ImportError:
            raise ImportError(
                "To use the argument `sampling_rate`, you should install tensorflow_io. You can install it via "
                "`pip install tensorflow-io`, or pass `sampling_rate=None`."
            ) from None
    desired = -1 if output_sequence_length is None else output_sequence_length

    def load(path):
        audio, rate = tf.audio.decode_wav(tf.io.read_file(path), desired_samples=desired)
        if sampling_rate is not None:
            audio = tfio.audio.resample(audio, rate_in=tf.cast(rate, tf.int64), rate_out=sampling_rate)
        return tf.RaggedTensor.from_tensor(audio) if ragged else audio

    dataset = tf.data.Dataset.from_tensor_slices(list(paths))
    if label_mode:
        encoded = dataset_directory.encode_labels(labels, label_mode, num_classes)
        dataset = tf.data.Dataset.zip((dataset, tf.data.Dataset.from_tensor_slices(encoded)))
    if shuffle:
        dataset = dataset.shuffle(buffer_size=batch_size * 8 if batch_size else 1024, seed=seed)
    if label_mode:
        dataset = dataset.map(lambda x, y: (load(x), y), num_parallel_calls=tf.data.AUTOTUNE)
    else:
        dataset = dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE)
    dataset = dataset.prefetch(tf.data.AUTOTUNE)
    if batch_size is not None:
        padded = output_sequence_length is None and not ragged
        dataset = dataset.padded_batch(batch_size) if padded else dataset.batch(batch_size)
    return dataset


@keras_export("keras.utils.audio_dataset_from_directory")
def audio_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    batch_size=32,
    sampling_rate=None,
    output_sequence_length=None,
    ragged=False,
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    follow_links=False,
    verbose=True,
):
    """A dataset of the ``.wav`` files in ``directory``: batches of ``(audio, labels)`` (or
    ``audio`` without labels), audio as float32 ``(batch, samples, channels)``.

    With ``labels="inferred"`` each subdirectory is a class (sorted names, or ``class_names``'
    order). Returns a ``tf.data.Dataset`` when TensorFlow is installed (as Keras), else a
    ``cornu.utils.PyDataset`` that reads the files with the standard library; inside
    ``with cornu.utils.dataset_format("py_dataset"):`` always the ``PyDataset``. Both have
    ``class_names``. Batches are zero-padded to their longest clip unless
    ``output_sequence_length`` crops/pads every clip to that length.

    Args:
        directory: the directory of audio files.
        labels: ``"inferred"``, None, or a list of integer labels (one per file, sorted path order).
        label_mode: ``"int"``, ``"categorical"``, ``"binary"`` or None.
        class_names: the class subdirectories to use, in label order.
        batch_size: clips per batch, or None for single clips.
        sampling_rate: the audio's sample rate (TensorFlow path: resampled with tensorflow-io; the
            PyDataset path checks that the files have it).
        output_sequence_length: samples per clip (cropped or zero-padded).
        ragged: keep clips at their own length (a list of arrays per batch in the PyDataset).
        shuffle: shuffle the files (seeded by ``seed``).
        seed: the shuffle seed (required with ``validation_split`` and ``shuffle``).
        validation_split: fraction of the files held out for validation.
        subset: ``"training"``, ``"validation"``, or ``"both"`` (returns both datasets).
        follow_links: walk into linked subdirectories (only links that stay inside ``directory``).
        verbose: print how many files and classes were found.

    Example:
    >>> train, val = cornu.utils.audio_dataset_from_directory(
    ...     "speech/", validation_split=0.2, subset="both", seed=1, output_sequence_length=16000)
    >>> train.class_names
    ['no', 'yes']
    """
    _check_audio_arguments(labels, ragged, output_sequence_length, sampling_rate)
    labels, label_mode = dataset_directory.check_label_arguments(labels, label_mode, class_names)
    seed, class_names, parts = dataset_directory.index_and_split(
        directory, labels, label_mode, class_names, ALLOWED_FORMATS, shuffle, seed, validation_split, subset,
        follow_links, verbose,
    )
    names = ["training", "validation"] if subset == "both" else [None]
    for (paths, _), name in zip(parts, names):
        if not paths:
            kind = f"{name} audio files" if name else "audio files"
            raise ValueError(f"No {kind} found in directory {directory}. Allowed format(s): {ALLOWED_FORMATS}")
    num_classes = len(class_names) if class_names else 0
    build_tf = resolve_dataset_format(None) == "tf"
    datasets = []
    for index, (paths, part_labels) in enumerate(parts):
        # As in Keras, only the training part of subset="both" is shuffled again.
        part_shuffle = shuffle and index == 0
        if build_tf:
            dataset = _tf_audio_dataset(paths, part_labels, label_mode, num_classes, batch_size, sampling_rate,
                                        output_sequence_length, ragged, part_shuffle, seed)
        else:
            encoded = None if not label_mode else dataset_directory.encode_labels(part_labels, label_mode, num_classes)
            dataset = FileDataset(paths, encoded, _wav_loader(sampling_rate, output_sequence_length, ragged),
                                  batch_size=batch_size, shuffle=part_shuffle, seed=seed, class_names=class_names)
        dataset.class_names = class_names
        datasets.append(dataset)
    return tuple(datasets) if subset == "both" else datasets[0]
