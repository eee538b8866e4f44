"""Memory stays flat over many trials: each trial clears the session and drops its model.

The model is sized so that keeping each trial's model alive would add ~3 MB per trial (weights
and Adam's two slots); after the first trials, the resident memory must stop growing.
"""

import numpy as np
import pytest

import cornu.tuner as kt
from tests.helpers.requirements import require

require("optuna")
pytestmark = pytest.mark.requires_trainable_backend

TRIALS = 20


def _rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    pytest.skip("needs /proc/self/status (Linux) to read the resident memory")


def test_resident_memory_is_flat_over_many_trials(tmp_path):
    import cornu as keras

    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 64)).astype("float32")
    y = rng.normal(size=(32, 1)).astype("float32")

    def build(hp):
        model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(512, activation="relu"),
                                  keras.layers.Dense(512, activation="relu"), keras.layers.Dense(1)])
        model.compile(keras.optimizers.Adam(hp.Float("lr", 1e-4, 1e-2, sampling="log")), "mse",
                      jit_compile=False)
        return model

    rss = []

    class Measured(kt.RandomSearch):
        def on_trial_end(self, trial):
            super().on_trial_end(trial)
            rss.append(_rss_mb())

    tuner = Measured(build, objective="loss", max_trials=TRIALS, directory=tmp_path, project_name="mem", seed=0)
    tuner.search(x, y, epochs=1, batch_size=32, verbose=0)
    assert len(rss) == TRIALS
    growth = max(rss[8:]) - rss[7]
    # A leaked model costs ~3 MB: 12 leaked trials would add ~40 MB.
    assert growth < 20, f"resident memory grew by {growth:.1f} MB after trial 8: {[round(r) for r in rss]}"
