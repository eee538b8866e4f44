"""Child process of test_data_faults.py: ``fit`` on data whose loading fails, one JSON line per case.

Cases: ``PyDataset.__getitem__`` raising (worker processes, worker threads,
no workers), a worker process killing itself with SIGKILL (as the
out-of-memory killer does), a generator raising, and a torch ``DataLoader``
whose worker raises or kills itself. Each line has the error type, message,
notes, seconds taken, and whether worker processes were left behind.
Run: ``python -m tests.faults.data_fault_child [--no-torch]``.
"""

import gc
import json
import multiprocessing
import os
import signal
import sys
import time

import numpy as np

import cornu as keras

BAD_INDEX = 5


def _fail(index, how):
    if index == BAD_INDEX:
        if how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        raise ValueError(f"sample {index} is damaged")


class FailingDataset(keras.utils.PyDataset):
    def __init__(self, how, **kwargs):
        super().__init__(**kwargs)
        self.how = how

    def __len__(self):
        return 8

    def __getitem__(self, index):
        _fail(index, self.how)
        return np.full((4, 3), index, "float32"), np.ones((4, 1), "float32")


def failing_generator():
    for index in range(8):
        _fail(index, "raise")
        yield np.full((4, 3), index, "float32"), np.ones((4, 1), "float32")


def torch_loader(how):
    import torch

    class Samples(torch.utils.data.Dataset):
        def __len__(self):
            return 32

        def __getitem__(self, index):
            _fail(index // 4, how)  # the batch of index BAD_INDEX (batch_size=4) fails
            return torch.full((3,), float(index)), torch.ones(1)

    return torch.utils.data.DataLoader(Samples(), batch_size=4, num_workers=1)


CASES = {
    "pydataset_processes_raise": lambda: FailingDataset("raise", workers=2, use_multiprocessing=True),
    "pydataset_threads_raise": lambda: FailingDataset("raise", workers=2),
    "pydataset_inline_raise": lambda: FailingDataset("raise"),
    "pydataset_processes_killed": lambda: FailingDataset("kill", workers=2, use_multiprocessing=True),
    "generator_raise": failing_generator,
    "torch_worker_raise": lambda: torch_loader("raise"),
    "torch_worker_killed": lambda: torch_loader("kill"),
}


def main(with_torch=True):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    for name, make in CASES.items():
        if name.startswith("torch_") and not with_torch:
            continue
        start = time.perf_counter()
        error = None
        try:
            model.fit(make(), epochs=1, verbose=0, shuffle=False)
        except Exception as e:
            error = e
        seconds = time.perf_counter() - start
        time.sleep(0.2)
        print(json.dumps({
            "name": name,
            "error_type": type(error).__name__ if error else None,
            "error_classes": [c.__name__ for c in type(error).__mro__] if error else [],
            "message": str(error) if error else None,
            "notes": list(getattr(error, "__notes__", [])),
            "seconds": seconds,
            "children_left": len([p for p in multiprocessing.active_children()
                                  if "Fork" in type(p).__name__ or "Spawn" in type(p).__name__]),
        }), flush=True)
        error = None  # its traceback holds the failed pass's iterator; free it before the next fork
        gc.collect()
    # Training goes on afterwards, in the same process.
    history = model.fit(np.ones((8, 3), "float32"), np.ones((8, 1), "float32"), epochs=1, verbose=0)
    print(json.dumps({"name": "fit_after", "loss": float(history.history["loss"][-1])}), flush=True)


if __name__ == "__main__":
    main(with_torch="--no-torch" not in sys.argv)
