"""Legacy whole-model `.h5` files (Keras 3's legacy saver and tf.keras 2), read-only.

``cornu.saving.load_model("model.h5")`` comes here. Saving to `.h5` is not
offered: ``model.save`` asks for a `.keras` path instead.
"""

from cornu.saving.legacy_h5.errors import LegacyH5Error
from cornu.saving.legacy_h5.loader import load_model_from_hdf5

__all__ = ["LegacyH5Error", "load_model_from_hdf5"]
