"""``MelSpectrogram`` side by side with the real Keras: numbers, shapes, configs, ``.keras`` files."""

import numpy as np
import pytest

import cornu
from cornu.layers.preprocessing.audio.mel_filterbank import linear_to_mel_weight_matrix
from tests.helpers.layer_compare import assert_close, assert_same_config, to_numpy

SIGNAL = np.random.default_rng(0).normal(size=(2, 1000)).astype("float32")
CASES = [
    dict(fft_length=256, sequence_stride=64, num_mel_bins=20, sampling_rate=8000),
    dict(fft_length=128, sequence_length=100, sequence_stride=50, window="hamming", num_mel_bins=10,
         power_to_db=False, mag_exp=1.0, min_freq=100.0, max_freq=3000.0),
    dict(fft_length=64, sequence_stride=32, window=None, num_mel_bins=8, top_db=20.0, ref_power=2.0),
]


_REFERENCES = {}


def _keras_output(keras_ref, case, signal=SIGNAL):
    """Keras's output for ``CASES[case]`` on ``signal``, computed once per module (eager Keras
    compiles every op of every new shape, which is slow)."""
    key = (case, signal.shape)
    if key not in _REFERENCES:
        _REFERENCES[key] = np.asarray(keras_ref.layers.MelSpectrogram(**CASES[case])(signal))
    return _REFERENCES[key]


def _close_db(ours, theirs):
    # float32 FFTs of different libraries: decibels agree to ~1e-4 dB.
    assert_close(ours, theirs, atol=2e-3, rtol=1e-4)


@pytest.mark.parametrize("case", range(len(CASES)))
def test_host_data_matches_keras(keras_ref, case):
    ours = cornu.layers.MelSpectrogram(**CASES[case])(SIGNAL)
    assert isinstance(ours, np.ndarray)  # NumPy in, NumPy out
    theirs = _keras_output(keras_ref, case)
    assert ours.shape == theirs.shape
    _close_db(ours, theirs)


@pytest.mark.parametrize("case", [0, 1])
def test_backend_tensors_and_unbatched_match_keras(keras_ref, case):
    layer = cornu.layers.MelSpectrogram(**CASES[case])
    _close_db(layer(cornu.ops.convert_to_tensor(SIGNAL)), _keras_output(keras_ref, case))
    if case == 0:
        _close_db(layer(cornu.ops.convert_to_tensor(SIGNAL[0])), _keras_output(keras_ref, case, SIGNAL[0]))


def test_filterbank_matches_keras_and_has_unit_peaks(keras_ref):
    ours = linear_to_mel_weight_matrix(num_mel_bins=12, num_spectrogram_bins=65, sampling_rate=8000,
                                       lower_edge_hertz=40.0, upper_edge_hertz=3500.0)
    theirs = keras_ref.layers.MelSpectrogram().linear_to_mel_weight_matrix(
        num_mel_bins=12, num_spectrogram_bins=65, sampling_rate=8000, lower_edge_hertz=40.0, upper_edge_hertz=3500.0)
    assert_close(ours, np.asarray(theirs), atol=1e-5)
    assert ours.shape == (65, 12) and np.all(ours[0] == 0) and np.all(ours.max(axis=0) <= 1.0)


def test_in_a_compiled_model_and_shapes(keras_ref):
    kwargs = CASES[0]
    inputs = cornu.Input((1000,))
    model = cornu.Model(inputs, cornu.layers.MelSpectrogram(**kwargs)(inputs))
    assert model.output_shape == (None, 20, 16)
    assert cornu.layers.MelSpectrogram(**kwargs).compute_output_shape((None, 1000)) == (None, 20, 16)
    _close_db(model.predict(SIGNAL, verbose=0), _keras_output(keras_ref, 0))


@pytest.mark.requires_trainable_backend
def test_gradients_flow_through_the_layer():
    inputs = cornu.Input((256,))
    scaled = cornu.layers.Dense(256, use_bias=False, kernel_initializer="identity")(inputs)
    mel = cornu.layers.MelSpectrogram(fft_length=64, sequence_stride=32, num_mel_bins=8, power_to_db=False)(scaled)
    model = cornu.Model(inputs, cornu.layers.Flatten()(mel))
    model.compile(optimizer=cornu.optimizers.SGD(1e-4), loss="mse")
    x = np.random.default_rng(1).normal(size=(4, 256)).astype("float32")
    before = to_numpy(model.weights[0]).copy()
    model.fit(x, np.zeros((4, 8 * 9), "float32"), epochs=1, batch_size=4, verbose=0)
    assert np.abs(to_numpy(model.weights[0]) - before).max() > 0


def test_config_and_keras_files_both_ways(keras_ref, tmp_path):
    kwargs = dict(CASES[1])
    assert_same_config(cornu.layers.MelSpectrogram(**kwargs), keras_ref.layers.MelSpectrogram(**kwargs))
    config = cornu.layers.MelSpectrogram(**kwargs).get_config()
    assert cornu.layers.MelSpectrogram.from_config(config).get_config() == config
    inputs = cornu.Input((1000,))
    model = cornu.Model(inputs, cornu.layers.MelSpectrogram(**kwargs)(inputs))
    model.save(tmp_path / "cornu.keras")
    back = keras_ref.saving.load_model(str(tmp_path / "cornu.keras"))
    assert_same_config(back.layers[-1], model.layers[-1])
    _close_db(model.predict(SIGNAL, verbose=0), _keras_output(keras_ref, 1))
    back.save(str(tmp_path / "keras.keras"))
    loaded = cornu.saving.load_model(tmp_path / "keras.keras")
    assert_same_config(loaded.layers[-1], model.layers[-1])
    _close_db(loaded.predict(SIGNAL, verbose=0), _keras_output(keras_ref, 1))


def test_fft_shorter_than_window_is_refused():
    with pytest.raises(ValueError, match="fft_length"):
        cornu.layers.MelSpectrogram(fft_length=64, sequence_length=128)
