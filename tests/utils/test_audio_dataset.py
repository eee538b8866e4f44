"""``audio_dataset_from_directory`` side by side with the real Keras on generated ``.wav`` files: the
same batches (shuffle=False), the same files in each subset (shuffled), labels, class names, links,
Keras's errors, and a ``fit``-able PyDataset read without TensorFlow."""

import os
import wave

import numpy as np
import pytest

import cornu
from cornu.utils import audio_dataset_from_directory
from cornu.utils.wav_decoding import read_wav
from tests.helpers.requirements import require


def _write_wav(path, samples, channels=1, rate=8000):
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(samples.astype("<i2").tobytes())


@pytest.fixture(scope="module")
def audio_dir(tmp_path_factory):
    """Classes ``down``/``up`` (2 classes) with 5 mono clips each of different lengths, plus a
    ``notes.txt`` that is not audio."""
    root = tmp_path_factory.mktemp("audio")
    rng = np.random.default_rng(0)
    for label, name in enumerate(["down", "up"]):
        os.makedirs(root / name)
        for i in range(5):
            length = 90 + 13 * i + 7 * label
            _write_wav(root / name / f"clip{i}.wav", rng.integers(-20000, 20000, size=length))
    (root / "up" / "notes.txt").write_text("not audio")
    return root


def _batches(dataset):
    return [tuple(np.asarray(v) for v in (b if isinstance(b, tuple) else (b,))) for b in dataset]


def _assert_same_batches(ours, theirs):
    assert len(ours) == len(theirs)
    for our_batch, their_batch in zip(ours, theirs):
        for a, b in zip(our_batch, their_batch):
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_array_equal(a, b)


CASES = [
    dict(batch_size=3),
    dict(batch_size=4, output_sequence_length=100, label_mode="categorical"),
    dict(batch_size=None, labels=None),
    dict(batch_size=2, label_mode="binary", class_names=["up", "down"]),
    dict(batch_size=4, labels=[0, 1, 2, 0, 1, 2, 0, 1, 2, 0]),
]


@pytest.mark.parametrize("kwargs", CASES)
@pytest.mark.parametrize("kind", ["py_dataset", "tf"])
def test_same_batches_as_keras(keras_ref, audio_dir, kwargs, kind):
    if kind == "tf":
        require("tensorflow")
    theirs = keras_ref.utils.audio_dataset_from_directory(str(audio_dir), shuffle=False, verbose=False, **kwargs)
    with cornu.utils.dataset_format(kind):
        ours = audio_dataset_from_directory(str(audio_dir), shuffle=False, verbose=False, **kwargs)
    assert isinstance(ours, cornu.utils.PyDataset) == (kind == "py_dataset")
    assert ours.class_names == theirs.class_names
    _assert_same_batches(_batches(ours), _batches(theirs))


def test_shuffled_subsets_hold_keras_files(keras_ref, audio_dir):
    kwargs = dict(shuffle=True, seed=5, validation_split=0.4, subset="both", batch_size=2, output_sequence_length=120,
                  verbose=False)
    theirs = keras_ref.utils.audio_dataset_from_directory(str(audio_dir), **kwargs)
    with cornu.utils.dataset_format("py_dataset"):
        ours = audio_dataset_from_directory(str(audio_dir), **kwargs)

    def samples(dataset):
        return sorted((x.tobytes(), int(y)) for batch in _batches(dataset) for x, y in zip(*batch))

    assert len(ours) == 2
    for our_subset, their_subset in zip(ours, theirs):
        assert samples(our_subset) == samples(their_subset)
    with cornu.utils.dataset_format("py_dataset"):
        validation = audio_dataset_from_directory(str(audio_dir), **{**kwargs, "subset": "validation"})
    assert samples(validation) == samples(ours[1])


def test_reader_matches_tensorflow_on_stereo(tmp_path):
    tf = require("tensorflow")
    samples = np.random.default_rng(1).integers(-32768, 32767, size=(50, 2))
    _write_wav(tmp_path / "stereo.wav", samples.reshape(-1), channels=2, rate=22050)
    audio, rate = read_wav(tmp_path / "stereo.wav")
    expected, expected_rate = tf.audio.decode_wav(tf.io.read_file(str(tmp_path / "stereo.wav")))
    assert rate == int(expected_rate) == 22050
    np.testing.assert_array_equal(audio, expected.numpy())
    np.testing.assert_array_equal(read_wav(tmp_path / "stereo.wav", 60)[0][50:], 0)


def test_follow_links_inside_and_outside(audio_dir, tmp_path):
    root = tmp_path / "linked"
    os.makedirs(root / "a")
    os.symlink(audio_dir / "down", root / "a" / "inner")  # links out of `root`
    with cornu.utils.dataset_format("py_dataset"):
        with pytest.raises(ValueError, match="No audio files"):  # the link is not walked
            audio_dataset_from_directory(str(root), follow_links=False, verbose=False)
        with pytest.raises(ValueError, match="follow_links"):
            audio_dataset_from_directory(str(root), follow_links=True, verbose=False)
    inside = tmp_path / "inside"
    os.makedirs(inside / "b")
    _write_wav(inside / "b" / "x.wav", np.zeros(10))
    os.makedirs(inside / "c")
    os.symlink(inside / "b", inside / "c" / "alias")
    with cornu.utils.dataset_format("py_dataset"):
        dataset = audio_dataset_from_directory(str(inside), follow_links=True, shuffle=False, verbose=False)
    assert dataset.class_names == ["b", "c"] and [int(label) for label in dataset[0][1]] == [0, 1]


@pytest.mark.parametrize("kwargs", [
    dict(labels="folders"), dict(ragged=True, output_sequence_length=10), dict(label_mode="sparse"),
    dict(sampling_rate=8000.0), dict(validation_split=0.2), dict(class_names=["down", "left"]),
])
def test_keras_errors(keras_ref, audio_dir, kwargs):
    with pytest.raises(ValueError) as theirs:
        keras_ref.utils.audio_dataset_from_directory(str(audio_dir), verbose=False, **kwargs)
    with pytest.raises(ValueError) as ours:
        audio_dataset_from_directory(str(audio_dir), verbose=False, **kwargs)
    assert str(ours.value).split()[:5] == str(theirs.value).split()[:5]


def test_no_audio_files(tmp_path):
    os.makedirs(tmp_path / "empty" / "a")
    with pytest.raises(ValueError, match="No audio files found"):
        audio_dataset_from_directory(str(tmp_path / "empty"), verbose=False)


@pytest.mark.requires_trainable_backend
def test_fit_reads_the_py_dataset(audio_dir):
    with cornu.utils.dataset_format("py_dataset"):
        dataset = audio_dataset_from_directory(str(audio_dir), batch_size=4, output_sequence_length=64, seed=1,
                                               verbose=False)
    model = cornu.Sequential([cornu.Input((64, 1)), cornu.layers.Flatten(), cornu.layers.Dense(2)])
    model.compile(optimizer="sgd", loss=cornu.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(dataset, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
