"""Pickling a wrapper's models through cornu's own `.keras` format, never as Python objects.

A fitted estimator pickles with its model stored as the bytes of a `.keras` archive (config,
weights and optimizer state), and unpickling rebuilds the model with ``load_model`` in safe
mode: only registered classes can come back, and no bytecode runs. The ``History`` of the last
fit keeps its logs without its reference to the model (the model is re-attached on load).
"""

import io

from cornu.callbacks.history import History
from cornu.models.model import Model


class KerasArchiveBytes:
    """A model, pickled as its `.keras` archive.

    Example:
    >>> stored = KerasArchiveBytes.from_model(model)
    >>> same = stored.load()
    """

    def __init__(self, data):
        self.data = data

    @classmethod
    def from_model(cls, model):
        from cornu.saving.saving_api import save_model

        buffer = io.BytesIO()
        try:
            save_model(model, buffer)
        except Exception as error:
            raise ValueError(
                "A scikit-learn wrapper pickles its Keras model as a `.keras` archive, and this model "
                "could not be saved: make it serializable (layers with `get_config`, custom objects "
                "registered with `keras.saving.register_keras_serializable`). "
                f"Received: model {model.name!r}, error {type(error).__name__}: {error}"
            ) from error
        return cls(buffer.getvalue())

    def load(self):
        from cornu.saving.saving_api import load_model

        return load_model(io.BytesIO(self.data), safe_mode=True)


def _detached_history(history):
    copy = History()
    copy.history = {key: list(values) for key, values in history.history.items()}
    copy.epoch = list(history.epoch)
    copy.params = dict(getattr(history, "params", None) or {})
    return copy


def picklable_state(state):
    """``state`` (an estimator's ``__dict__``) with each model replaced by its archive."""
    state = dict(state)
    stored = {}  # id(model) -> archive: a model held twice comes back as one object
    for key, value in list(state.items()):
        if isinstance(value, Model):
            if id(value) not in stored:
                stored[id(value)] = KerasArchiveBytes.from_model(value)
            state[key] = stored[id(value)]
        elif isinstance(value, History):
            state[key] = _detached_history(value)
    return state


def restored_state(state):
    """The inverse of ``picklable_state``: archives loaded back into models."""
    state = dict(state)
    loaded = {}
    for key, value in list(state.items()):
        if isinstance(value, KerasArchiveBytes):
            if id(value) not in loaded:
                loaded[id(value)] = value.load()
            state[key] = loaded[id(value)]
    history, model = state.get("history_"), state.get("model_")
    if isinstance(history, History) and isinstance(model, Model):
        history.set_model(model)
    return state
