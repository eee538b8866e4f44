"""One search worker, run as a separate process by test_workers.py (several at once on one study).

Usage: python -m tests.tuner.worker_script <directory> <storage or ""> <log file> <ready folder> <n workers>

It runs a random search and then a grid search, both black-box (no model, a short sleep per trial),
and appends one JSON line per trial it ran to the log file. It waits until every worker is
ready before searching, so the workers overlap.
"""

import json
import os
import sys
import time

import cornu.tuner as kt


def main(directory, storage, log_file, ready_folder, n_workers):
    storage = storage or None

    def log(kind, trial):
        with open(log_file, "a") as f:
            f.write(json.dumps({"kind": kind, "pid": os.getpid(), "id": trial.trial_id,
                                "values": trial.hyperparameters.values}) + "\n")

    class Random(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            x = trial.hyperparameters.Float("x", -1.0, 1.0)
            log("random", trial)
            time.sleep(0.1)
            return x * x

    class Grid(kt.GridSearch):
        def run_trial(self, trial, *args, **kwargs):
            a = trial.hyperparameters.Int("a", 0, 4)
            b = trial.hyperparameters.Choice("b", ["u", "v"])
            log("grid", trial)
            time.sleep(0.1)
            return float(a) + (b == "v")

    random_tuner = Random(max_trials=12, directory=directory, project_name="random", storage=storage)
    grid_tuner = Grid(directory=directory, project_name="grid", storage=storage)
    open(os.path.join(ready_folder, str(os.getpid())), "w").close()
    deadline = time.time() + 120
    while len(os.listdir(ready_folder)) < n_workers and time.time() < deadline:
        time.sleep(0.05)
    random_tuner.search(verbose=0)
    grid_tuner.search(verbose=0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
