"""The progress bar prints exactly what Keras's prints (clock replaced by a fake one)."""

import importlib

import pytest

from cornu.utils import io_utils
from cornu.utils import progbar as cornu_progbar


class FakeClock:
    """Stands in for the `time` module inside the progbar modules."""

    def __init__(self):
        self.now = 1000.0

    def time(self):
        return self.now


def run_script(module, monkeypatch, capsys, script, **kwargs):
    clock = FakeClock()
    monkeypatch.setattr(module, "time", clock)
    capsys.readouterr()
    bar = module.Progbar(**kwargs)
    for elapsed, call, args in script:
        clock.now = 1000.0 + elapsed
        getattr(bar, call)(*args)
    return capsys.readouterr().out


@pytest.fixture
def keras_progbar(keras_ref):
    return importlib.import_module("keras.src.utils.progbar")


LOSSES = [1.25, 1.1, 0.9871, 0.95]
ACC = [0.2, 0.25, 0.2375, 0.3]

SCRIPTS = {
    "four_steps": [
        (0.5 * (i + 1), "update", (i + 1, [("accuracy", ACC[i]), ("loss", LOSSES[i])])) for i in range(4)
    ],
    "stateful_and_small": [
        (0.002, "update", (1, [("loss", 0.0004), ("auc", 0.5)])),
        (0.004, "update", (2, [("loss", -0.0002), ("auc", 0.7)])),
        (0.006, "update", (3, [("loss", 0.0001), ("auc", 0.9)], True)),
    ],
    "long_eta": [
        (100.0, "update", (1, [("loss", 3.0)])),
        (200.0, "update", (2, [("loss", 2.0)])),
        (250.0, "update", (3, [("loss", 1.0)])),
    ],
    "add": [
        (0.1, "add", (2, [("loss", 1.0)])),
        (0.2, "add", (3, [("loss", 2.0)])),
        (0.3, "add", (5, [("loss", 3.0)])),
    ],
    "unknown_target": [
        (0.1, "update", (1, [("loss", 0.5)])),
        (0.2, "update", (2, [("loss", 0.25)])),
        (0.3, "update", (3, [("loss", 0.125)], True)),
    ],
}

CASES = [
    ("four_steps", dict(target=4, interval=0)),
    ("four_steps", dict(target=4)),  # default interval: some redraws are skipped
    ("four_steps", dict(target=4, verbose=2)),
    ("four_steps", dict(target=4, stateless_metrics=set())),
    ("four_steps", dict(target=4, width=7, unit_name="sample", interval=0)),
    ("stateful_and_small", dict(target=3, stateful_metrics=["auc"], interval=0)),
    ("long_eta", dict(target=100, interval=0)),
    ("long_eta", dict(target=100000, interval=0)),
    ("add", dict(target=10, interval=0)),
    ("unknown_target", dict(target=None, interval=0)),
]


@pytest.mark.parametrize("script, kwargs", CASES)
def test_text_matches_keras(script, kwargs, keras_progbar, monkeypatch, capsys):
    expected = run_script(keras_progbar, monkeypatch, capsys, SCRIPTS[script], **kwargs)
    actual = run_script(cornu_progbar, monkeypatch, capsys, SCRIPTS[script], **kwargs)
    assert expected  # the script really printed something
    assert actual == expected


def test_final_line_shape(monkeypatch, capsys):
    out = run_script(cornu_progbar, monkeypatch, capsys, SCRIPTS["four_steps"], target=4, interval=0)
    last = out.split("\r")[-1]
    assert last == (
        "\x1b[1m4/4\x1b[0m \x1b[32m━━━━━━━━━━━━━━━━━━━━\x1b[0m\x1b[37m\x1b[0m \x1b[1m2s\x1b[0m"
        " 500ms/step - accuracy: 0.3000 - loss: 0.9500\n"
    )
    # Before the final update, values are averaged over the steps seen.
    third = out.split("\r")[-2]
    assert "\x1b[1m0s\x1b[0m 500ms/step - accuracy: 0.2292 - loss: 1.1124" in third


def test_verbose_2_single_line(monkeypatch, capsys):
    out = run_script(cornu_progbar, monkeypatch, capsys, SCRIPTS["four_steps"], target=4, verbose=2)
    assert out == "4/4 - 2s - 500ms/step - accuracy: 0.3000 - loss: 0.9500\n"


def test_verbose_2_negative_value_uses_decimals(monkeypatch, capsys):
    # Keras prints negative values in verbose=2 as `%.4e` (it tests `avg > 1e-3`
    # without abs); cornu uses the same rule as verbose=1.
    script = [(1.0, "update", (1, [("loss", -0.5)]))]
    out = run_script(cornu_progbar, monkeypatch, capsys, script, target=1, verbose=2)
    assert out == "1/1 - 1s - 1s/step - loss: -0.5000\n"


def test_verbose_0_prints_nothing(monkeypatch, capsys):
    assert run_script(cornu_progbar, monkeypatch, capsys, SCRIPTS["four_steps"], target=4, verbose=0) == ""


def test_both_metric_lists_is_an_error():
    with pytest.raises(ValueError, match="Only one of"):
        cornu_progbar.Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])


def test_non_interactive_logging_goes_to_logger(monkeypatch, capsys, caplog):
    io_utils.disable_interactive_logging()
    try:
        with caplog.at_level("INFO", logger="cornu"):
            run_script(cornu_progbar, monkeypatch, capsys, SCRIPTS["four_steps"], target=4, verbose=2)
    finally:
        io_utils.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    assert "4/4 - 2s - 500ms/step - accuracy: 0.3000" in caplog.text


@pytest.mark.parametrize(
    "seconds, expected",
    [(0, " 0s/step"), (0.000955, " 955us/step"), (0.141, " 141ms/step"), (2.4, " 2s/step")],
)
def test_time_per_unit(seconds, expected):
    assert cornu_progbar.format_time_per_unit(seconds) == expected


@pytest.mark.parametrize("seconds, expected", [(42.7, "42s"), (185, "3:05"), (3723, "1:02:03")])
def test_eta(seconds, expected):
    assert cornu_progbar.format_eta(seconds) == expected
