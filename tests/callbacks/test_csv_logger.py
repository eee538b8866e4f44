import numpy as np
import pytest

from cornu.callbacks import CSVLogger


def run(logger_class, path, epochs_logs, **kwargs):
    logger = logger_class(str(path), **kwargs)
    logger.on_train_begin()
    for epoch, logs in enumerate(epochs_logs):
        logger.on_epoch_end(epoch, logs)
    logger.on_train_end()
    return path.read_text()


CASES = [
    ([{"loss": 0.5, "accuracy": 0.25}, {"loss": 0.25, "accuracy": 0.5}], {}),
    ([{"loss": 0.5, "val_loss": 0.75}, {"loss": 0.25}], {"separator": ";"}),
    ([{"loss": 0.5, "per_class": np.array([0.1, 0.2])}], {}),
]


@pytest.mark.parametrize("epochs_logs, kwargs", CASES)
def test_file_matches_keras(keras_ref, tmp_path, epochs_logs, kwargs):
    expected = run(keras_ref.callbacks.CSVLogger, tmp_path / "keras.csv", epochs_logs, **kwargs)
    actual = run(CSVLogger, tmp_path / "cornu.csv", epochs_logs, **kwargs)
    assert actual == expected


def test_append_writes_header_once(keras_ref, tmp_path):
    logs = [{"loss": 0.5}]
    for cls, name in [(keras_ref.callbacks.CSVLogger, "k.csv"), (CSVLogger, "c.csv")]:
        run(cls, tmp_path / name, logs, append=True)
        run(cls, tmp_path / name, logs, append=True)
    text = (tmp_path / "c.csv").read_text()
    assert text == (tmp_path / "k.csv").read_text()
    assert text.count("epoch,loss,val_loss") == 1 and text.count("\n") == 3
