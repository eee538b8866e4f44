"""``initializers.STFT`` (aliases ``STFTInitializer``, ``stft``) against the real Keras and a NumPy DFT."""

import numpy as np
import pytest

import cornu
from tests.helpers.layer_compare import assert_close


@pytest.mark.parametrize("side", ["real", "imag"])
@pytest.mark.parametrize("window, scaling, periodic", [
    ("hann", "density", False), ("hamming", "spectrum", True), (None, None, False), ("blackman", "density", True),
])
def test_kernel_matches_keras(keras_ref, side, window, scaling, periodic):
    ours = cornu.initializers.STFT(side, window, scaling, periodic)((16, 1, 9))
    theirs = keras_ref.initializers.STFT(side, window, scaling, periodic)((16, 1, 9))
    assert tuple(ours.shape) == (16, 1, 9)
    assert_close(ours, np.asarray(theirs), atol=1e-6)


def test_unwindowed_kernel_is_the_dft_basis():
    real = cornu.ops.convert_to_numpy(cornu.initializers.STFT("real", None, None)((8, 1, 5)))[:, 0, :]
    imag = cornu.ops.convert_to_numpy(cornu.initializers.STFT("imag", None, None)((8, 1, 5)))[:, 0, :]
    signal = np.random.default_rng(0).normal(size=8)
    np.testing.assert_allclose(signal @ real + 1j * (signal @ imag), np.fft.rfft(signal), atol=1e-5)


def test_aliases_config_and_errors(keras_ref):
    assert cornu.initializers.STFTInitializer is cornu.initializers.stft is cornu.initializers.STFT
    assert isinstance(cornu.initializers.get("stft"), cornu.initializers.STFT)
    init = cornu.initializers.STFT("imag", "hamming", "spectrum", True)
    config = cornu.initializers.serialize(init)
    assert config == keras_ref.initializers.serialize(keras_ref.initializers.STFT("imag", "hamming", "spectrum", True))
    rebuilt = cornu.initializers.deserialize(config)
    assert rebuilt.get_config() == init.get_config()
    with pytest.raises(ValueError, match="side should be"):
        cornu.initializers.STFT("both")
    with pytest.raises(ValueError, match="Scaling is invalid"):
        cornu.initializers.STFT(scaling="l2")
    with pytest.raises(ValueError, match="window"):
        cornu.initializers.STFT(window=np.ones(3))((8, 1, 5))
