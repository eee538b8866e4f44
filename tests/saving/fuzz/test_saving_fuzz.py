"""Property-based fuzzing: damaged `.keras`, `.weights.h5` and `.safetensors` files fail cleanly.

Truncations and bit flips of valid files must either load or raise a plain
``ValueError``/``OSError`` (``TypeError`` too when the damage hits a config
that is then valid JSON naming an unknown class, as in Keras), never crash,
hang or allocate without bound. Examples are derandomized (the same in every
CI run) and few; one subprocess check runs many more mutations and would
catch a crash of the HDF5 or zip readers without taking pytest down.
"""

import datetime
import io
import os
import pathlib
import subprocess
import sys
import textwrap
import tracemalloc
import warnings
import zipfile

import tempfile

# Hypothesis caches data in ./.hypothesis unless told otherwise: keep the checkout clean.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "cornu-hypothesis"))

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import cornu  # noqa: E402
from cornu.backend import config  # noqa: E402

MAX_TRACED_BYTES = 64 << 20
FUZZ_SETTINGS = settings(max_examples=40, deadline=datetime.timedelta(seconds=20), derandomize=True, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# A truncation point, or up to eight (position, bit) flips; positions are fractions of the file length.
MUTATIONS = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1, exclude_max=True)),
    st.tuples(st.just("flip"), st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 7)),
                                        min_size=1, max_size=8)),
)


def mutate(data, mutation):
    kind, arg = mutation
    if kind == "truncate":
        return data[: int(arg * len(data))]
    damaged = bytearray(data)
    for position, bit in arg:
        damaged[int(position * len(damaged))] ^= 1 << bit
    return bytes(damaged)


def _model():
    return cornu.Sequential([cornu.Input(shape=(4,)), cornu.layers.Dense(3), cornu.layers.BatchNormalization(),
                             cornu.layers.Dense(2)], name="fuzzed")


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    model = _model()
    rng = np.random.default_rng(0)
    for variable in model.weights:
        variable.assign(rng.uniform(0.5, 1.5, size=variable.shape).astype("float32"))
    model.save(folder / "m.keras")
    model.save_weights(folder / "w.weights.h5")
    model.save_weights(folder / "w.safetensors")
    with zipfile.ZipFile(folder / "m.keras") as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    files = {name: (folder / name).read_bytes() for name in ("m.keras", "w.weights.h5", "w.safetensors")}
    return folder, files, members, _model()


def _load_cleanly(load, allowed=(ValueError, OSError)):
    """Runs ``load``; it may succeed or raise one of ``allowed``; its Python allocations stay bounded."""
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "weights the model does not have" after a flipped name
            load()
    except allowed:
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < MAX_TRACED_BYTES, f"loading a damaged file allocated {peak} bytes"


@FUZZ_SETTINGS
@given(mutation=MUTATIONS)
def test_damaged_keras_archive(originals, mutation):
    _, files, _, _ = originals
    _load_cleanly(lambda: cornu.saving.load_model(io.BytesIO(mutate(files["m.keras"], mutation))))


@FUZZ_SETTINGS
@given(mutation=MUTATIONS)
def test_damaged_config_with_valid_checksums(originals, mutation):
    """The zip's CRCs stop most damage; this rebuilds the zip so damaged JSON reaches the deserializer."""
    _, _, members, _ = originals
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, mutate(data, mutation) if name == "config.json" else data)
    _load_cleanly(lambda: cornu.saving.load_model(io.BytesIO(buffer.getvalue())), (ValueError, OSError, TypeError))


@pytest.mark.parametrize("filename", ["w.weights.h5", "w.safetensors"])
@FUZZ_SETTINGS
@given(mutation=MUTATIONS)
def test_damaged_weights_file(originals, filename, mutation):
    folder, files, _, model = originals
    target = folder / f"damaged_{filename}"
    target.write_bytes(mutate(files[filename], mutation))
    _load_cleanly(lambda: model.load_weights(target))


CRASH_CHECK = """
import io, random, sys, warnings
import cornu
warnings.simplefilter("ignore")
model = cornu.Sequential([cornu.Input(shape=(4,)), cornu.layers.Dense(3), cornu.layers.BatchNormalization(),
                          cornu.layers.Dense(2)])
model.save("m.keras"); model.save_weights("w.weights.h5"); model.save_weights("w.safetensors")
rng = random.Random(1234)
for round in range({rounds}):
    for name in ("m.keras", "w.weights.h5", "w.safetensors"):
        data = bytearray(open(name, "rb").read())
        if rng.random() < 0.3:
            data = data[:rng.randrange(len(data))]
        else:
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        path = "damaged_" + name
        open(path, "wb").write(bytes(data))
        try:
            cornu.saving.load_model(path) if name.endswith(".keras") else model.load_weights(path)
        except (ValueError, OSError):
            pass
print("survived")
"""


@pytest.mark.skipif(config.backend() != "numpy", reason="backend-independent; runs once, in the numpy pass")
def test_many_mutations_never_crash_the_interpreter(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("KERAS_BACKEND",)}
    env["CORNU_BACKEND"] = "numpy"
    env["PYTHONPATH"] = os.pathsep.join([str(pathlib.Path(cornu.__file__).resolve().parents[1]),
                                         env.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(CRASH_CHECK.format(rounds=150))], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"exit status {proc.returncode} (negative: killed by a signal)\n{proc.stderr[-4000:]}"
    assert proc.stdout.strip().endswith("survived")
