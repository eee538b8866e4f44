"""Regenerates ``tests/fixtures/ops/keras_dtypes.json``: the result dtype the real Keras (on JAX) gives
for every case in ``op_cases.py`` and every input dtype it is run with.

Run from the repository root:  ``.venv/bin/python tests/helpers/ops/make_keras_dtypes.py``
"""

import json
import os
import sys
import warnings

os.environ["KERAS_BACKEND"] = "jax"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, REPO)

import keras  # noqa: E402

from tests.helpers.ops import op_cases  # noqa: E402


def dtype_tree(out):
    if isinstance(out, (tuple, list)):
        return [dtype_tree(o) for o in out]
    if isinstance(out, (bool, int, float)):
        return type(out).__name__
    return keras.backend.standardize_dtype(out.dtype)


def main():
    warnings.simplefilter("ignore")
    table = {}
    for case in op_cases.CASES:
        for dtype in case.dtypes:
            args, kwargs = case.inputs(dtype)
            try:
                out = getattr(keras.ops, case.op)(*args, **kwargs)
                table[f"{case.id}|{dtype}"] = dtype_tree(out)
            except Exception as e:  # Keras itself refuses this input
                table[f"{case.id}|{dtype}"] = f"error: {type(e).__name__}"
    path = os.path.join(REPO, "tests", "fixtures", "ops", "keras_dtypes.json")
    with open(path, "w") as f:
        json.dump(table, f, indent=0, sort_keys=True)
    print(f"wrote {len(table)} entries to {path}")


if __name__ == "__main__":
    main()
