"""Runs the real Keras 3.15.1 (on its torch backend) for the applications tests, in a subprocess.

Usage: ``KERAS_BACKEND=torch python keras_application_worker.py jobs.json``, or ``--serve`` to
read the paths of job files from stdin, one per line (one Keras import for many requests).
A job file is a list of jobs; each writes its results into its own ``out`` folder:

- ``{"kind": "reference", "builder": "ResNet50", "kwargs": {...}, "batch_shape": [2, 32, 32, 3],
  "input_range": [-1, 1], "out": "..."}``: builds ``keras.applications.<builder>(weights=None,
  **kwargs)``, gives every weight a random value (batch-norm statistics too, so that a weight
  loaded into the wrong slot shows), saves the weights in the legacy weights-only layout of the
  published ImageNet files (``weights.h5``), and writes ``reference.npz`` (the batch and Keras's
  predictions) and ``structure.json``.
- ``{"kind": "structure", "builder": ..., "kwargs": {...}, "out": "..."}``: only ``structure.json``.
- ``{"kind": "load_keras_file", "path": "model.keras", "inputs": "x.npy", "out": "..."}``: loads a
  `.keras` file written by cornu, writes its predictions (``outputs.npy``) and saves the model
  again with Keras (``keras_saved.keras``).

Nothing here imports cornu.
"""

import json
import os
import sys

import numpy as np


def structure_of(model):
    layers = []
    for layer in model.layers:
        weights = list(layer.trainable_weights) + list(layer.non_trainable_weights)
        layers.append({
            "name": layer.name,
            "class_name": type(layer).__name__,
            "weight_shapes": [list(w.shape) for w in weights],
        })
    return {"name": model.name, "param_count": int(model.count_params()), "layers": layers}


def randomize_weights(model, rng):
    """Random values for every weight, keeping variances positive and scales near one."""
    for layer in model.layers:
        weights = list(layer.trainable_weights) + list(layer.non_trainable_weights)
        for w in weights:
            if "float" not in str(w.dtype):
                continue
            shape = tuple(w.shape)
            name = w.name
            if name in ("moving_variance", "variance"):
                value = rng.uniform(0.5, 1.5, shape)
            elif name == "gamma":
                value = rng.uniform(0.5, 1.5, shape)
            elif name in ("moving_mean", "mean", "beta", "bias"):
                value = rng.normal(0.0, 0.1, shape)
            elif len(shape) >= 2:
                fan_in = int(np.prod(shape[:-1])) if len(shape) > 2 else shape[0]
                if "depthwise" in name:
                    fan_in = int(np.prod(shape[:-2]))
                value = rng.normal(0.0, 1.0 / np.sqrt(max(fan_in, 1)), shape)
            else:
                value = rng.normal(0.0, 0.1, shape)
            w.assign(value.astype(w.dtype))


def run_reference(keras, job):
    from keras.src.legacy.saving import legacy_h5_format
    import h5py

    keras.utils.set_random_seed(0)
    builder = getattr(keras.applications, job["builder"])
    model = builder(weights=None, **job["kwargs"])
    out = job["out"]
    with open(os.path.join(out, "structure.json"), "w") as f:
        json.dump(structure_of(model), f)
    if job["kind"] == "structure":
        return
    rng = np.random.default_rng(1234)
    randomize_weights(model, rng)
    with h5py.File(os.path.join(out, "weights.h5"), "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    low, high = job.get("input_range", [-1.0, 1.0])
    x = rng.uniform(low, high, job["batch_shape"]).astype("float32")
    y = model.predict(x, batch_size=len(x), verbose=0)
    np.savez(os.path.join(out, "reference.npz"), x=x, y=np.asarray(y))


def run_load_keras_file(keras, job):
    model = keras.saving.load_model(job["path"])
    x = np.load(job["inputs"])
    y = model.predict(x, batch_size=len(x), verbose=0)
    np.save(os.path.join(job["out"], "outputs.npy"), np.asarray(y))
    model.save(os.path.join(job["out"], "keras_saved.keras"))


def run_jobs(keras, jobs_path):
    with open(jobs_path) as f:
        jobs = json.load(f)
    for job in jobs:
        os.makedirs(job["out"], exist_ok=True)
        if job["kind"] in ("reference", "structure"):
            run_reference(keras, job)
        elif job["kind"] == "load_keras_file":
            run_load_keras_file(keras, job)
        else:
            raise ValueError(f"unknown job kind: {job['kind']}")
        keras.backend.clear_session()


def serve():
    """Answers job files named on stdin, one per line, with ``ok`` or ``error <text>`` on stdout:
    one Keras import serves a whole test session."""
    import traceback

    answers = sys.stdout
    sys.stdout = sys.stderr  # anything Keras prints stays out of the answers
    import keras

    for line in sys.stdin:
        try:
            run_jobs(keras, line.strip())
            answer = "ok"
        except Exception:  # reported to the test, which fails with it
            answer = "error " + json.dumps(traceback.format_exc())
        answers.write(answer + "\n")
        answers.flush()


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        serve()
    else:
        import keras

        run_jobs(keras, sys.argv[1])
