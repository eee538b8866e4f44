"""``TensorBoard``: log metrics, weight histograms and images for TensorBoard, without TensorFlow."""

import os
import time
import warnings

import numpy as np

from cornu import backend
from cornu.callbacks.callback import Callback
from cornu.callbacks.event_file_writer import EventFileWriter
from cornu.serialization.registry import keras_export

_EMBEDDING_TENSOR_NAME = "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"


def _pbtxt_string(text):
    """``text`` quoted and escaped as protobuf's text format writes strings."""
    escapes = {
        ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"', ord("'"): "\\'", ord("\\"): "\\\\",
    }
    out = []
    for byte in text.encode("utf-8"):
        if byte in escapes:
            out.append(escapes[byte])
        elif 32 <= byte < 127:
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def _weight_as_images(weight):
    """Keras's way of showing a weight as images: ``(count, height, width, channels)``, or None."""
    image = np.squeeze(backend.convert_to_numpy(weight))
    shape = image.shape
    if len(shape) == 1:  # a bias
        image = image.reshape(1, shape[0], 1, 1)
    elif len(shape) == 2:  # a dense kernel, shown wide
        if shape[0] > shape[1]:
            image = image.T
        image = image.reshape(1, image.shape[0], image.shape[1], 1)
    elif len(shape) == 3:  # a conv kernel: one image per channel
        if backend.image_data_format() == "channels_last":
            image = np.transpose(image, (2, 0, 1))
        image = image.reshape(image.shape[0], image.shape[1], image.shape[2], 1)
    if image.ndim == 4 and image.shape[-1] in (1, 3, 4):
        return image
    return None


@keras_export("keras.callbacks.TensorBoard")
class TensorBoard(Callback):
    """Writes logs that TensorBoard displays: metrics, weight histograms and images, the model graph.

    Event files are written directly (TensorFlow is not needed) in
    ``log_dir/train`` and ``log_dir/validation``, under the tags Keras uses:

    - every epoch: ``epoch_<metric>`` (e.g. ``epoch_loss``, ``epoch_accuracy``)
      in ``train`` and, for validation metrics, in ``validation``, plus
      ``epoch_learning_rate`` (``epoch_learning_rate_<name>`` per
      sub-optimizer of a ``MultiOptimizer``) and, with
      ``write_steps_per_second``, ``epoch_steps_per_second``; the step is
      the epoch index;
    - every ``update_freq`` batches (when not ``"epoch"``): ``batch_<metric>``
      and ``batch_steps_per_second`` in ``train``, stepped by the global
      batch count;
    - after each evaluation: ``evaluation_<metric>_vs_iterations`` in
      ``validation``, stepped by ``optimizer.iterations``;
    - ``<weight path>/histogram`` (and ``<weight path>/image``) every
      ``histogram_freq`` epochs;
    - with ``write_graph``, the model's config under the tag ``keras`` for
      TensorBoard's conceptual graph (Functional and Sequential models; no
      op-level graph is written).

    Run ``tensorboard --logdir=<log_dir>`` to see them.

    Args:
        log_dir: where to write the logs; use one directory per run.
        histogram_freq: every this many epochs, log a histogram of every
            weight (0: never).
        write_graph: log the model's config for TensorBoard's graph view.
        write_images: with ``histogram_freq``, also log weights as images.
        write_steps_per_second: log training steps per second.
        update_freq: ``"epoch"``, ``"batch"`` (= 1), or an integer number of
            batches between batch-level logs.
        profile_batch: accepted for compatibility; profiling is not
            supported and a non-zero value is ignored with a warning.
        embeddings_freq: every this many epochs, save the weights for
            TensorBoard's projector (``train/keras_embedding.ckpt-<epoch>.weights.h5``)
            and write ``projector_config.pbtxt`` for the ``Embedding`` layers.
        embeddings_metadata: a metadata file name for all embedding layers,
            or a dict ``{layer_name: file name}``.

    Example:
    >>> tensorboard = cornu.callbacks.TensorBoard(log_dir="./logs", histogram_freq=1)
    >>> model.fit(x, y, epochs=2, validation_split=0.2, callbacks=[tensorboard])
    """

    def __init__(
        self,
        log_dir="logs",
        histogram_freq=0,
        write_graph=True,
        write_images=False,
        write_steps_per_second=False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq=0,
        embeddings_metadata=None,
    ):
        super().__init__()
        self.log_dir = os.fspath(log_dir) if isinstance(log_dir, os.PathLike) else str(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        if update_freq == "batch":
            update_freq = 1
        valid_int = isinstance(update_freq, int) and not isinstance(update_freq, bool) and update_freq >= 1
        if update_freq != "epoch" and not valid_int:
            raise ValueError(
                "`update_freq` must be 'epoch', 'batch' or a positive integer number of batches. "
                f"Received: update_freq={update_freq!r}"
            )
        self.update_freq = update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._init_profile_batch(profile_batch)
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._previous_epoch_iterations = 0.0
        self._epoch_start_time = 0.0
        self._batch_start_time = 0.0
        self._writers = {}  # opened lazily: no empty event files
        self._log_write_dir = self.log_dir
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")

    @property
    def async_safe(self):
        # With epoch-level logging the batch hooks only count batches, so the
        # trainer may run them on its callback thread.
        return self.update_freq == "epoch"

    def _implements_train_batch_hooks(self):
        return self.update_freq != "epoch"

    def _implements_test_batch_hooks(self):
        return False

    def _init_profile_batch(self, profile_batch):
        message = (
            "profile_batch must be a non-negative integer or 2-tuple of positive integers. A pair of "
            f"positive integers signifies a range of batches to profile. Found: {profile_batch}"
        )
        try:
            if isinstance(profile_batch, str):
                profile_batch = [int(part) for part in profile_batch.split(",")]
                if len(profile_batch) == 1:
                    profile_batch = profile_batch[0]
            if isinstance(profile_batch, int) and not isinstance(profile_batch, bool):
                start, stop = profile_batch, profile_batch
            elif isinstance(profile_batch, (tuple, list)) and len(profile_batch) == 2:
                start, stop = (int(b) for b in profile_batch)
            else:
                raise ValueError(message)
        except (TypeError, ValueError):
            raise ValueError(message) from None
        if start < 0 or stop < start:
            raise ValueError(message)
        self._start_batch, self._stop_batch = start, stop
        self._should_trace = not (start == 0 and stop == 0)
        if self._should_trace:
            warnings.warn(
                "The TensorBoard callback cannot profile batches in cornu; `profile_batch` is ignored. "
                "Use your backend's profiler directly (e.g. `jax.profiler.trace` or `torch.profiler`). "
                f"Received: profile_batch={profile_batch}",
                stacklevel=3,
            )

    # ---------------------------------------------------------------- writers

    def _writer(self, which):
        writer = self._writers.get(which)
        if writer is None or writer.closed:
            writer = EventFileWriter(self._train_dir if which == "train" else self._val_dir)
            self._writers[which] = writer
        return writer

    @property
    def _train_writer(self):
        return self._writer("train")

    @property
    def _val_writer(self):
        return self._writer("val")

    def _close_writers(self):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def set_model(self, model):
        """Sets the model and, with ``write_graph``, logs its config for the graph view."""
        self._close_writers()
        super().set_model(model)
        if self.write_graph:
            self._write_keras_model_summary(model)
        if self.embeddings_freq:
            self._configure_embeddings(model)

    def _write_keras_model_summary(self, model):
        # TensorBoard's "graph_keras_model" plugin draws a conceptual graph from the model's JSON config.
        if type(model).__name__ not in ("Functional", "Sequential"):
            return
        try:
            config_json = model.to_json()
        except Exception as e:  # a model that cannot be serialized still trains
            warnings.warn(f"Model failed to serialize as JSON. Ignoring... {e}", stacklevel=3)
            return
        writer = self._train_writer
        writer.add_text_tensor("keras", config_json, step=0, plugin_name="graph_keras_model", content=b"1")
        writer.flush()

    def _configure_embeddings(self, model):
        from cornu.layers import Embedding

        metadata = self.embeddings_metadata
        remaining = dict(metadata) if isinstance(metadata, dict) else None
        entries = []
        for layer in model.layers:
            if not isinstance(layer, Embedding):
                continue
            lines = [f"  tensor_name: {_pbtxt_string(_EMBEDDING_TENSOR_NAME)}"]
            if isinstance(metadata, str):
                lines.append(f"  metadata_path: {_pbtxt_string(metadata)}")
            elif remaining is not None and layer.name in remaining:
                lines.append(f"  metadata_path: {_pbtxt_string(remaining.pop(layer.name))}")
            entries.append("embeddings {\n" + "\n".join(lines) + "\n}\n")
        if remaining:
            raise ValueError(
                "Unrecognized `Embedding` layer names passed to `keras.callbacks.TensorBoard` "
                f"`embeddings_metadata` argument: {remaining.keys()}"
            )
        os.makedirs(self._log_write_dir, exist_ok=True)
        with open(os.path.join(self._log_write_dir, "projector_config.pbtxt"), "w") as f:
            f.write("".join(entries))

    # ------------------------------------------------------------------ hooks

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0.0

    def on_train_end(self, logs=None):
        self._close_writers()

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if not logs or optimizer is None or not hasattr(optimizer, "iterations"):
            return
        step = int(backend.convert_to_numpy(optimizer.iterations))
        writer = self._val_writer
        for name, value in logs.items():
            writer.add_scalar(f"evaluation_{name}_vs_iterations", value, step=step)
        writer.flush()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def _should_write_batch(self):
        return self.update_freq != "epoch" and self._global_train_batch % self.update_freq == 0

    def on_train_batch_end(self, batch, logs=None):
        if not self._should_write_batch():
            return
        step = self._global_train_batch
        writer = self._train_writer
        if self.write_steps_per_second:
            elapsed = time.time() - self._batch_start_time
            writer.add_scalar("batch_steps_per_second", 1.0 / elapsed if elapsed > 0 else float("inf"), step=step)
        if isinstance(logs, dict):
            for name, value in logs.items():
                if _is_scalar(value):
                    writer.add_scalar(f"batch_{name}", value, step=step)

    def on_test_batch_begin(self, batch, logs=None):
        self._global_test_batch += 1

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._previous_epoch_iterations = float(backend.convert_to_numpy(self.model.optimizer.iterations))
            self._epoch_start_time = time.time()

    def on_epoch_end(self, epoch, logs=None):
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self._log_embeddings(epoch)

    # ---------------------------------------------------------------- logging

    def _collect_learning_rate(self, logs):
        from cornu.optimizers.base_optimizer import Optimizer

        optimizer = getattr(self.model, "optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # a LossScaleOptimizer's own
        if hasattr(optimizer, "optimizers"):
            for part in optimizer.optimizers:
                logs[f"learning_rate_{part.name}"] = float(backend.convert_to_numpy(part.learning_rate))
        elif isinstance(optimizer, Optimizer):
            logs["learning_rate"] = float(backend.convert_to_numpy(optimizer.learning_rate))
        return logs

    def _compute_steps_per_second(self):
        iterations = float(backend.convert_to_numpy(self.model.optimizer.iterations))
        elapsed = time.time() - self._epoch_start_time
        return (iterations - self._previous_epoch_iterations) / elapsed if elapsed > 0 else float("inf")

    def _log_epoch_metrics(self, epoch, logs):
        if not logs:
            return
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k[len("val_"):]: v for k, v in logs.items() if k.startswith("val_")}
        train_logs = self._collect_learning_rate(train_logs)
        if self.write_steps_per_second:
            train_logs["steps_per_second"] = self._compute_steps_per_second()
        for which, values in (("train", train_logs), ("val", val_logs)):
            values = {k: v for k, v in values.items() if _is_scalar(v)}
            if not values:
                continue
            writer = self._writer(which)
            for name, value in values.items():
                writer.add_scalar(f"epoch_{name}", value, step=epoch)
            writer.flush()

    def _log_weights(self, epoch):
        writer = self._train_writer
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                values = backend.convert_to_numpy(weight)
                writer.add_histogram(f"{name}/histogram", values, step=epoch)
                if self.write_images:
                    images = _weight_as_images(values)
                    if images is not None:
                        writer.add_images(f"{name}/image", images, step=epoch)
        writer.flush()

    def _log_embeddings(self, epoch):
        os.makedirs(self._train_dir, exist_ok=True)
        path = os.path.join(self._log_write_dir, "train", f"keras_embedding.ckpt-{epoch}.weights.h5")
        self.model.save_weights(path)


def _is_scalar(value):
    if isinstance(value, (bool, str)) or value is None:
        return False
    try:
        return np.ndim(value) == 0 and np.isscalar(float(value))
    except (TypeError, ValueError):
        return False
