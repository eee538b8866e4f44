"""Audio preprocessing layers: ``MelSpectrogram`` and ``STFTSpectrogram``."""

from cornu.layers.preprocessing.audio.mel_spectrogram import MelSpectrogram
from cornu.layers.preprocessing.audio.stft_spectrogram import STFTSpectrogram

__all__ = ["MelSpectrogram", "STFTSpectrogram"]
