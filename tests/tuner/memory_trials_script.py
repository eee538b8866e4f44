"""Runs a random search of ``argv[1]`` trials in ``argv[2]`` and prints the resident memory (MB)
after each trial as a JSON list (run by ``test_memory.py`` in a fresh interpreter, so that the
figures do not depend on what the test process ran before)."""

import json
import sys

import numpy as np

import cornu as keras
import cornu.tuner as kt


def _rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("needs /proc/self/status (Linux) to read the resident memory")


def build(hp):
    # Keeping each trial's model alive would add ~3 MB per trial (weights and Adam's two slots).
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(512, activation="relu"), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(hp.Float("lr", 1e-4, 1e-2, sampling="log")), "mse", jit_compile=False)
    return model


class Measured(kt.RandomSearch):
    rss = []

    def on_trial_end(self, trial):
        super().on_trial_end(trial)
        self.rss.append(_rss_mb())


if __name__ == "__main__":
    trials, directory = int(sys.argv[1]), sys.argv[2]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 64)).astype("float32")
    y = rng.normal(size=(32, 1)).astype("float32")
    tuner = Measured(build, objective="loss", max_trials=trials, directory=directory, project_name="mem", seed=0)
    tuner.search(x, y, epochs=1, batch_size=32, verbose=0)
    print(json.dumps(Measured.rss))
