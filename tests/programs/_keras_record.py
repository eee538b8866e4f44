"""Runs every program of the corpus on the real Keras 3.15.1 (each backend it declares) and
records the passes in ``tests/fixtures/programs/keras_passes.json`` (see test_programs.py).

A program that fails on Keras is a wrong program: nothing is recorded for it and the command
exits with status 1, printing the end of its output.

Usage: python -m tests.programs._keras_record [program.py ...]   (default: every program)
"""

import json
import sys
import tempfile
from pathlib import Path

from tests.programs.test_programs import (KERAS_RECORD, OUTPUT_TAIL_LINES, declared_backends, program_digest,
                                          program_names, run_program)


def record(names):
    import keras

    data = json.loads(KERAS_RECORD.read_text()) if KERAS_RECORD.exists() else {"programs": {}}
    data["keras_version"] = keras.__version__
    failed = []
    for name in names:
        passed = []
        for backend in declared_backends(name):
            with tempfile.TemporaryDirectory() as workdir:
                code, seconds, output = run_program(name, backend, "keras", Path(workdir))
            print(f"{name} on Keras/{backend}: exit {code} in {seconds:.1f} s", flush=True)
            if code != 0:
                failed.append(name)
                print("\n".join(output.rstrip().splitlines()[-OUTPUT_TAIL_LINES:]))
                break
            passed.append(backend)
        if name not in failed:
            data["programs"][name] = {"sha256": program_digest(name), "backends": passed}
    data["programs"] = {name: data["programs"][name] for name in sorted(data["programs"]) if name in program_names()}
    KERAS_RECORD.parent.mkdir(parents=True, exist_ok=True)
    KERAS_RECORD.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    return failed


if __name__ == "__main__":
    failures = record(sys.argv[1:] or program_names())
    sys.exit(1 if failures else 0)
