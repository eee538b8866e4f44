"""Repeated fit/predict calls keep resident memory roughly flat (no per-call leak of
batches, threads or worker pools)."""

import gc

import pytest

from cornu import backend

from tests.helpers.data_test_utils import make_data, make_model, resident_bytes

MIB = 1024 * 1024


def _loop(model, x, y, times):
    for _ in range(times):
        if backend.backend() != "numpy":
            model.fit(x, y, batch_size=64, epochs=1, verbose=0)
        model.evaluate(x, y, batch_size=64, verbose=0)
        model.predict(x, batch_size=64, verbose=0)
        model.predict_on_batch(x[:64])


@pytest.mark.skipif(not __import__("os").path.exists("/proc/self/statm"), reason="needs /proc")
def test_resident_memory_stays_flat_over_many_calls():
    x, y = make_data(512)
    model = make_model()
    _loop(model, x, y, 5)  # compile every step and size every cache first
    gc.collect()
    before = resident_bytes()
    _loop(model, x, y, 50)
    gc.collect()
    growth = resident_bytes() - before
    # Each call moves ~0.1 MiB of batches; a per-call leak of those (or of a thread stack) would show here.
    assert growth < 20 * MIB, f"resident memory grew by {growth / MIB:.1f} MiB over 50 rounds"
