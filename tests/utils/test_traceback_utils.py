"""Traceback filtering: an error escaping ``fit``/``predict``, a layer call or an op reaches
user code with cornu's frames removed (as many left as Keras leaves of its own), the same
message, and the full traceback back after ``disable_traceback_filtering()``."""

import functools
import os
import re
import subprocess
import sys
import textwrap

import pytest

import cornu
from cornu.backend import config
from cornu.backend.common import traceback_filter
from tests.helpers.requirements import require_installed

# Runs each failing case with `lib` (cornu or the real keras) in one interpreter and prints the
# traceback the interpreter would print had the error escaped, after a marker naming the case.
SCRIPT = textwrap.dedent("""
    import sys
    import traceback
    import numpy as np
    lib, mode = sys.argv[1:3]
    keras = __import__(lib)
    if mode == "off":
        keras.config.disable_traceback_filtering()

    def fit():
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(np.ones((4, 5)), np.ones((4, 3)), batch_size=4, verbose=0)

    def predict():
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        model.compile(optimizer="sgd", loss="mse")
        model.predict(np.ones((4, 5)), batch_size=4, verbose=0)

    def layer():
        class Bad(keras.layers.Layer):
            def call(self, x):
                raise ValueError("user layer failed on purpose")
        Bad()(np.ones((2, 3), "float32"))

    def dense():
        layer = keras.layers.Dense(2)
        layer(np.ones((2, 3), "float32"))
        layer(np.ones((2, 5), "float32"))

    for case in sys.argv[3:]:
        try:
            globals()[case]()
        except Exception as error:
            print(f"=== case {case}", file=sys.stderr)
            traceback.print_exception(error)
        else:
            print(f"=== case {case} raised nothing", file=sys.stderr)
""")


@functools.lru_cache(maxsize=None)
def _tracebacks(lib, mode, cases):
    """Case name -> the traceback text that case printed (one interpreter for all of them)."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    if lib == "keras":
        env["KERAS_BACKEND"] = "jax"
    result = subprocess.run([sys.executable, "-c", SCRIPT, lib, mode, *cases], capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    sections = re.split(r"^=== case (\w+)", result.stderr, flags=re.MULTILINE)[1:]
    printed = dict(zip(sections[0::2], sections[1::2]))
    assert sorted(printed) == sorted(cases), result.stderr
    return printed


def _run(lib, mode, case):
    return _tracebacks(lib, mode, tuple(CASES))[case]


def _package_dir(lib):
    if lib == "cornu":
        return os.path.dirname(cornu.__file__)
    import importlib.util

    return os.path.dirname(importlib.util.find_spec("keras").origin)


def _last_traceback(stderr):
    """The traceback of the error that escaped (after any 'direct cause' sections)."""
    return stderr.rsplit("Traceback (most recent call last):", 1)[-1]


def _internal_frames(stderr, lib):
    files = re.findall(r'File "([^"]+)"', _last_traceback(stderr))
    return [f for f in files if f.startswith(_package_dir(lib) + os.sep)]


def _message(stderr):
    lines = [line for line in _last_traceback(stderr).splitlines() if re.match(r"^\w*(Error|Exception)\b", line)]
    return lines[-1]


CASES = ["predict", "layer", "dense"] + (["fit"] if config.backend() != "numpy" else [])


@pytest.mark.parametrize("case", CASES)
def test_filtering_removes_cornu_frames_and_keeps_the_message(case):
    filtered = _run("cornu", "on", case)
    full = _run("cornu", "off", case)
    assert _message(filtered) == _message(full)
    kept, all_frames = _internal_frames(filtered, "cornu"), _internal_frames(full, "cornu")
    # At most the re-raising wrapper and the line that raised, as Keras shows.
    assert len(kept) <= 2, kept
    assert len(all_frames) >= len(kept) + (4 if case in ("fit", "predict") else 1), all_frames
    if case == "layer":  # the user's own frame (their `call`) stays
        assert re.search(r'File "<string>", line \d+, in call', _last_traceback(filtered)), filtered


def test_as_few_cornu_frames_as_keras_leaves_of_its_own():
    require_installed("keras")
    for case in ("predict", "layer"):
        cornu_frames = _internal_frames(_run("cornu", "on", case), "cornu")
        keras_frames = _internal_frames(_tracebacks("keras", "on", ("predict", "layer"))[case], "keras")
        assert len(cornu_frames) <= len(keras_frames), (case, cornu_frames, keras_frames)


def test_switch_defaults_to_on_and_round_trips():
    assert cornu.config.is_traceback_filtering_enabled() is True
    cornu.config.disable_traceback_filtering()
    try:
        assert cornu.config.is_traceback_filtering_enabled() is False
    finally:
        cornu.config.enable_traceback_filtering()
    assert cornu.config.is_traceback_filtering_enabled() is True


def test_filter_traceback_decorator_in_process():
    def internal_raise():
        raise KeyError("deep")

    internal_raise.__code__ = internal_raise.__code__.replace(co_filename=traceback_filter.__file__)

    @traceback_filter.filter_traceback
    def entry():
        return internal_raise()

    with pytest.raises(KeyError) as info:
        entry()
    # The wrapper's re-raise stays; the internal frame under the user's `entry` goes.
    assert _names(info.value) == ["test_filter_traceback_decorator_in_process", "error_handler", "entry"]

    cornu.config.disable_traceback_filtering()
    try:
        with pytest.raises(KeyError) as info:
            entry()
    finally:
        cornu.config.enable_traceback_filtering()
    assert _names(info.value)[-3:] == ["error_handler", "entry", "internal_raise"]


def test_only_internal_frames_keeps_the_raising_one():
    def internal_raise():
        raise KeyError("deep")

    def internal_entry():
        return internal_raise()

    for fn in (internal_raise, internal_entry):
        fn.__code__ = fn.__code__.replace(co_filename=traceback_filter.__file__)
    wrapped = traceback_filter.filter_traceback(internal_entry)
    with pytest.raises(KeyError, match="deep") as info:
        wrapped()
    assert _names(info.value) == ["test_only_internal_frames_keeps_the_raising_one", "error_handler",
                                  "internal_raise"]


def _names(error):
    return [entry.tb_frame.f_code.co_name for entry in _walk(error.__traceback__)]


def test_the_happy_path_returns_values_unchanged():
    wrapped = traceback_filter.filter_traceback(lambda a, b=2: (a, b))
    assert wrapped(1, b=5) == (1, 5)


def _walk(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next
