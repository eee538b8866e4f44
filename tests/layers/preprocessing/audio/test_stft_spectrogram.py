"""``STFTSpectrogram`` side by side with the real Keras and ``np.fft.rfft``: modes, layouts, configs,
weights, ``.keras`` files."""

import numpy as np
import pytest

import cornu
from tests.helpers.layer_compare import assert_close, assert_same_config, assert_same_weights_layout, to_numpy

RNG = np.random.default_rng(0)
CHANNELS_LAST = RNG.normal(size=(2, 300, 2)).astype("float32")
CHANNELS_FIRST = RNG.normal(size=(2, 2, 300)).astype("float32")
CASES = [
    dict(),
    dict(mode="psd", frame_length=64, frame_step=16, padding="same"),
    dict(mode="stft", frame_length=60, window="hamming", scaling="spectrum", periodic=True, expand_dims=True),
    dict(mode="angle", frame_length=32, data_format="channels_first"),
    dict(mode="magnitude", frame_length=32, fft_length=64, data_format="channels_first", expand_dims=True),
    dict(mode="real", frame_length=16, window=None, scaling=None),
    dict(mode="imag", frame_length=16, frame_step=16, window="blackman"),
]


def _signal(kwargs):
    return CHANNELS_FIRST if kwargs.get("data_format") == "channels_first" else CHANNELS_LAST


@pytest.mark.parametrize("kwargs", CASES)
def test_outputs_shapes_and_configs_match_keras(keras_ref, kwargs):
    layer, reference = cornu.layers.STFTSpectrogram(**kwargs), keras_ref.layers.STFTSpectrogram(**kwargs)
    x = _signal(kwargs)
    ours, theirs = layer(x), np.asarray(reference(x))
    assert tuple(ours.shape) == theirs.shape == tuple(layer.compute_output_shape(x.shape))
    assert_close(ours, theirs, atol=2e-5, rtol=1e-4)
    assert_same_config(layer, reference)
    assert_same_weights_layout(layer, reference)


def test_magnitude_is_the_windowed_rfft():
    layer = cornu.layers.STFTSpectrogram(mode="magnitude", frame_length=32, frame_step=32, window=None, scaling=None)
    x = CHANNELS_LAST[:, :, :1]
    frames = x[0, : 32 * 9, 0].reshape(9, 32)
    assert_close(to_numpy(layer(x))[0], np.abs(np.fft.rfft(frames, axis=-1)), atol=1e-4)


def test_refuses_bad_arguments_and_integer_input():
    with pytest.raises(ValueError, match="frame_step"):
        cornu.layers.STFTSpectrogram(frame_length=8, frame_step=9)
    with pytest.raises(ValueError, match="fft_length"):
        cornu.layers.STFTSpectrogram(frame_length=8, fft_length=4)
    with pytest.raises(ValueError, match="mode"):
        cornu.layers.STFTSpectrogram(mode="power")
    with pytest.raises(ValueError, match="Padding"):
        cornu.layers.STFTSpectrogram(padding="causal")
    with pytest.warns(UserWarning, match="power of two"):
        cornu.layers.STFTSpectrogram(frame_length=8, fft_length=12)
    with pytest.raises(TypeError, match="float"):
        cornu.layers.STFTSpectrogram(frame_length=8)(cornu.ops.ones((1, 32, 1), dtype="int32"))


@pytest.mark.requires_trainable_backend
def test_kernels_train():
    inputs = cornu.Input((128, 1))
    spectrogram = cornu.layers.STFTSpectrogram(mode="magnitude", frame_length=32)(inputs)
    model = cornu.Model(inputs, cornu.layers.GlobalAveragePooling1D()(spectrogram))
    model.compile(optimizer=cornu.optimizers.SGD(0.1), loss="mse")
    before = [to_numpy(w).copy() for w in model.weights]
    x = RNG.normal(size=(4, 128, 1)).astype("float32")
    model.fit(x, np.zeros((4, 17), "float32"), epochs=1, batch_size=4, verbose=0)
    assert all(np.abs(to_numpy(w) - b).max() > 0 for w, b in zip(model.weights, before))


def test_keras_files_both_ways(keras_ref, tmp_path):
    kwargs = dict(mode="log", frame_length=32, frame_step=8, fft_length=64, window="hamming")
    x = CHANNELS_LAST
    inputs = cornu.Input((300, 2))
    model = cornu.Model(inputs, cornu.layers.STFTSpectrogram(**kwargs)(inputs))
    weights = [RNG.normal(size=w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(weights)  # saved weights, not the initializer, must come back
    model.save(tmp_path / "cornu.keras")
    back = keras_ref.saving.load_model(str(tmp_path / "cornu.keras"))
    assert_close(model.predict(x, verbose=0), np.asarray(back.predict(x, verbose=0)), atol=2e-5, rtol=1e-4)
    keras_inputs = keras_ref.Input((300, 2))
    keras_model = keras_ref.Model(keras_inputs, keras_ref.layers.STFTSpectrogram(**kwargs)(keras_inputs))
    keras_model.set_weights(weights)
    keras_model.save(str(tmp_path / "keras.keras"))
    loaded = cornu.saving.load_model(tmp_path / "keras.keras")
    assert_close(loaded.predict(x, verbose=0), np.asarray(keras_model.predict(x, verbose=0)), atol=2e-5, rtol=1e-4)
