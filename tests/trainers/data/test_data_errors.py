"""Clear errors for data that cannot work, checked against what Keras 3.15 raises."""

import collections
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

from cornu import backend
from cornu.trainers.data import get_data_adapter
from cornu.trainers.epoch_iterator import EpochIterator

from tests.helpers.data_test_utils import ArrayBatches, DatasetV2, make_data, make_model
from tests.helpers.requirements import REPO, require

Batch = collections.namedtuple("Batch", ["x", "y"])


def _gen(x, y):
    yield x, y


def _error(fn):
    with pytest.raises(ValueError) as info:
        fn()
    return str(info.value)


def test_a_generator_function_is_an_unrecognized_data_type_as_in_keras(keras_ref):
    x, y = make_data()
    model = make_model()

    def batches():
        yield x, y

    ours = _error(lambda: model.evaluate(batches, verbose=0))
    assert ours.startswith("Unrecognized data type") and "x=batches()" in ours
    with pytest.raises(ValueError, match="Unrecognized data type"):
        keras_ref.Sequential([keras_ref.Input((4,)), keras_ref.layers.Dense(1)]).predict(batches, verbose=0)


@pytest.mark.parametrize("kind", ["generator", "PyDataset", "tf.data.Dataset"])
def test_y_or_sample_weight_with_a_dataset_is_refused(kind):
    x, y = make_data()
    make = {
        "generator": lambda: _gen(x, y),
        "PyDataset": lambda: ArrayBatches(x, y),
        "tf.data.Dataset": lambda: DatasetV2([(x, y)]),
    }[kind]
    message = _error(lambda: get_data_adapter(make(), y))
    assert f"When providing `x` as a {kind}, `y` should not be passed" in message
    message = _error(lambda: get_data_adapter(make(), sample_weight=np.ones(len(x))))
    assert "`sample_weight` should not be passed" in message


def test_x_and_y_length_mismatch():
    x, y = make_data()
    message = _error(lambda: get_data_adapter(x, y[:-1]))
    assert "Data cardinality is ambiguous" in message and "'x' sizes: [24]" in message and "'y' sizes: [23]" in message


def test_class_weight_needs_a_single_output():
    x, y = make_data()
    message = _error(lambda: get_data_adapter(x, {"a": y, "b": y}, class_weight={0: 1.0}))
    assert "single output" in message
    message = _error(lambda: get_data_adapter(x, y, sample_weight=np.ones(24), class_weight={0: 1.0}))
    assert "both `class_weight` and `sample_weight`" in message


@pytest.mark.parametrize("make", [lambda x, y: _gen(x, y), lambda x, y: _torch_loader(x, y)])
def test_class_weight_is_refused_for_generators_and_torch_loaders(make):
    x, y = make_data()
    assert "`class_weight` is not supported" in _error(lambda: get_data_adapter(make(x, y), class_weight={0: 2.0}))


def _torch_loader(x, y):
    torch = require("torch")

    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)))


def test_class_weight_with_sample_weights_in_a_py_dataset_batch():
    x, y = make_data()

    class Weighted(ArrayBatches):
        def __getitem__(self, index):
            return (*super().__getitem__(index), np.ones(8))

    with pytest.raises(ValueError, match="already yields sample weights"):
        EpochIterator(Weighted(x, y), class_weight={0: 2.0}).peek()


@pytest.mark.parametrize("source", ["generator", "PyDataset"])
def test_namedtuple_batches_are_ambiguous(source):
    x, y = make_data()

    class NamedBatches(ArrayBatches):
        def __getitem__(self, index):
            return Batch(*super().__getitem__(index))

    make = (lambda: (b for b in [Batch(x, y)])) if source == "generator" else (lambda: NamedBatches(x, y))
    message = _error(lambda: EpochIterator(make()).peek())
    assert "namedtuple" in message and "ambiguous" in message and "Batch" in message


def test_too_long_batch_tuples():
    x, y = make_data()
    assert "length 4" in _error(lambda: EpochIterator((b for b in [(x, y, y, y)])))


def test_an_empty_generator():
    assert "at least one batch" in _error(lambda: EpochIterator(b for b in []))


def test_torch_loader_detection_and_numpy_conversion_do_not_import_torch():
    """On the jax and numpy backends, cornu never imports torch (or TensorFlow) for data handling;
    on the TensorFlow backend (which itself imports tensorflow and, through it, pandas), never torch."""
    if backend.backend() == "torch":
        pytest.skip("torch is the backend here")
    watched = ("torch",) if backend.backend() == "tensorflow" else ("torch", "tensorflow", "pandas")
    script = (
        "import sys, warnings; warnings.simplefilter('ignore')\n"
        "import numpy as np, cornu\n"
        "sys.path.insert(0, %r)\n"
        "from tests.helpers.data_test_utils import ArrayBatches, DatasetV2, make_data, make_model\n"
        "x, y = make_data(); m = make_model()\n"
        "m.predict(x, verbose=0); m.evaluate(ArrayBatches(x, y), verbose=0)\n"
        "m.predict(DatasetV2([(x, y)]), verbose=0); m.predict((b for b in [x]), verbose=0)\n"
        "print(sorted(k for k in %r if k in sys.modules))\n"
    ) % (str(REPO), watched)
    env = dict(os.environ, CORNU_BACKEND=backend.backend())
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_shuffle_is_ignored_with_a_warning_for_generators():
    x, y = make_data()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        get_data_adapter(_gen(x, y), shuffle=True)
    assert any("`shuffle=True` was passed, but will be ignored" in str(w.message) for w in caught)
