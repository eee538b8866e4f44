"""``train_on_batch``, ``test_on_batch`` and ``predict_on_batch``: one step on one batch."""

import optree

from cornu import backend
from cornu.backend.common.traceback_filter import filter_traceback
from cornu.trainers.backend_step import check_training_supported
from cornu.trainers.python_logs import to_python_logs


class OnBatchMethods:
    """Mixin of ``Trainer``: the ``*_on_batch`` API, run through the same step runners as ``fit``."""

    @filter_traceback
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """Runs one gradient update on a single batch; returns the metrics.

        Example:
        >>> loss = model.train_on_batch(x, y)
        """
        self._assert_compiled("train_on_batch")
        check_training_supported()
        batch = _single_batch(x, y, sample_weight, class_weight)
        self._symbolic_build(batch)
        self._run_one("train", batch)
        return self._format_batch_logs(return_dict)

    @filter_traceback
    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Evaluates one batch; returns the metrics.

        Example:
        >>> logs = model.test_on_batch(x, y, return_dict=True)
        """
        self._assert_compiled("test_on_batch")
        batch = _single_batch(x, y, sample_weight, None)
        self._symbolic_build(batch)
        self.reset_metrics()
        self._run_one("test", batch)
        return self._format_batch_logs(return_dict)

    @filter_traceback
    def predict_on_batch(self, x):
        """Returns the model's NumPy outputs for one batch.

        Example:
        >>> outputs = model.predict_on_batch(x)
        """
        batch = _single_batch(x, None, None, None)
        if not self.built or not self._all_layers_built():
            self._symbolic_build(batch)
        return optree.tree_map(backend.convert_to_numpy, self._run_one("predict", batch))

    def _run_one(self, kind, batch):
        runner = self._runner(kind)
        self._start(runner)
        try:
            return runner.run(backend.device_put_batch(batch))
        finally:
            runner.finish()

    def _format_batch_logs(self, return_dict):
        logs = to_python_logs(self.get_metrics_result())
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values


def _single_batch(x, y, sample_weight, class_weight):
    from cornu.trainers.data.array_adapter import ArrayDataAdapter

    adapter = ArrayDataAdapter(x, y, sample_weight=sample_weight, batch_size=None, class_weight=class_weight)
    adapter.batch_size = max(adapter.num_samples, 1)
    return adapter.peek()
