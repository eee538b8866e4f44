"""Regenerates ``tests/fixtures/ops/keras_references.npz`` / ``.json``: what the real Keras
(on JAX) returns for every case of ``reference_cases.py`` and input dtype.

Values are stored as float64 (int64, complex128) arrays; the JSON file holds each result's
structure and dtypes. Run from the repository root:
``.venv/bin/python tests/helpers/ops/make_keras_references.py``
"""

import json
import os
import sys
import warnings

os.environ["KERAS_BACKEND"] = "jax"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, REPO)

import keras  # noqa: E402
import numpy as np  # noqa: E402

from tests.helpers.ops import reference_cases  # noqa: E402


def flatten(out):
    if isinstance(out, (tuple, list)):
        return [leaf for o in out for leaf in flatten(o)]
    return [out]


def main():
    warnings.simplefilter("ignore")
    arrays, meta = {}, {}
    for case in reference_cases.CASES:
        for dtype in case.dtypes:
            key = f"{case.id}|{dtype}"
            args, kwargs = case.inputs(dtype)
            try:
                out = case.fn(keras.ops, *args, **kwargs)
            except Exception as e:  # Keras itself refuses this input
                meta[key] = {"error": f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"}
                continue
            leaves = flatten(out)
            meta[key] = {"structure": "tuple" if isinstance(out, (tuple, list)) else "tensor",
                         "dtypes": [keras.backend.standardize_dtype(v.dtype) for v in leaves]}
            for i, leaf in enumerate(leaves):
                value = np.asarray(leaf)
                kind = value.dtype.kind
                arrays[f"{key}|{i}"] = value.astype(np.int64 if kind in "iub" else np.complex128 if kind == "c" else np.float64)
    folder = os.path.join(REPO, "tests", "fixtures", "ops")
    np.savez_compressed(os.path.join(folder, "keras_references.npz"), **arrays)
    with open(os.path.join(folder, "keras_references.json"), "w") as f:
        json.dump(meta, f, indent=0, sort_keys=True)
    print(f"wrote {len(meta)} results ({sum('error' in m for m in meta.values())} Keras errors)")


if __name__ == "__main__":
    main()
