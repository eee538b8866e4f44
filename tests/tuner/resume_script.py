"""A search run as a child process by test_resume.py: killed mid-trial, then started again.

Usage: python -m tests.tuner.resume_script <directory> <log file> [hang]

With ``hang``, the process stops (sleeps) at the end of epoch 1 of the second trial, once the
checkpoint of epoch 0 is on disk, and writes ``<log file>.hang`` so the parent knows to SIGKILL it.
Every epoch run is logged as a JSON line: pid, trial id, epoch, hyperparameter values.
"""

import json
import os
import sys
import time

import cornu.tuner as kt
from tests.tuner import tiny_problem


def main(directory, log_file, hang):
    class Logged(kt.RandomSearch):
        def on_epoch_end(self, trial, model, epoch, logs=None):
            with open(log_file, "a") as f:
                f.write(json.dumps({"pid": os.getpid(), "id": trial.trial_id, "epoch": epoch,
                                    "values": trial.hyperparameters.values}) + "\n")
            started = {json.loads(line)["id"] for line in open(log_file)}
            if hang and len(started) == 2 and epoch == 1:
                open(log_file + ".hang", "w").close()
                time.sleep(600)

    x, y = tiny_problem.data()
    tuner = Logged(tiny_problem.build_model, objective="val_loss", max_trials=2, seed=0, directory=directory,
                   project_name="resume")
    tuner.search(x, y, epochs=3, validation_split=0.25, batch_size=32, verbose=0)
    print("RESULT=" + json.dumps({t.trial_id: [t.status, t.score] for t in tuner.oracle.trials.values()}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], len(sys.argv) > 3 and sys.argv[3] == "hang")
