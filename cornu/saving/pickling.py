"""``pickle`` and ``copy.deepcopy`` of a model, through the `.keras` format (as Keras 3 does).

A model pickles as the bytes of its `.keras` archive (config, weights, optimizer state), so a
pickle never holds backend objects such as compiled step functions, and it unpickles on any
backend. Unpickling loads with ``safe_mode=False`` as Keras does: a pickle runs code anyway,
so only unpickle data you trust.

Example:
>>> import pickle
>>> same = pickle.loads(pickle.dumps(model))
"""

import io


def model_to_bytes(model):
    """The `.keras` archive of ``model``, as bytes."""
    from cornu.saving.saving_api import save_model

    buffer = io.BytesIO()
    save_model(model, buffer)
    return buffer.getvalue()


def model_from_bytes(data):
    """The model that ``model_to_bytes`` stored (the function pickles name)."""
    from cornu.saving.saving_api import load_model

    return load_model(io.BytesIO(data), safe_mode=False)
