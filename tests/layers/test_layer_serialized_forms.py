"""Each layer's full serialized form (module, class, config, build config) equals Keras's after a call."""

import json

import numpy as np
import pytest

import cornu
from cornu.serialization.keras_objects import deserialize_keras_object, serialize_keras_object


def _double(t):
    return t * 2.0


def _cases():
    vector = np.ones((2, 3), "float32")
    return [
        ("Embedding", (5, 3), {"mask_zero": True}, np.array([[1, 2, 0]])),
        ("Lambda", (lambda t: t * 2.0,), {"output_shape": (3,)}, vector),
        ("BatchNormalization", (), {"momentum": 0.5}, vector),
        ("LayerNormalization", (), {"axis": [1]}, vector),
        ("Add", (), {}, [vector, vector]),
        ("Subtract", (), {}, [vector, vector]),
        ("Multiply", (), {}, [vector, vector]),
        ("Average", (), {}, [vector, vector]),
        ("Maximum", (), {}, [vector, vector]),
        ("Minimum", (), {}, [vector, vector]),
        ("Concatenate", (), {"axis": 1}, [vector, vector]),
        ("Dot", (1,), {"normalize": True}, [vector, vector]),
    ]


@pytest.mark.parametrize("name, args, kwargs, inputs", _cases(), ids=[c[0] for c in _cases()])
def test_serialized_form_matches_keras(keras_ref, name, args, kwargs, inputs):
    layer = getattr(cornu.layers, name)(*args, **kwargs)
    ref = getattr(keras_ref.layers, name)(*args, **kwargs)
    layer(inputs)
    ref(inputs)
    ours = json.loads(json.dumps(serialize_keras_object(layer)))
    theirs = json.loads(json.dumps(keras_ref.saving.serialize_keras_object(ref)))
    ours["config"].pop("name")
    theirs["config"].pop("name")
    assert ours == theirs
    clone = deserialize_keras_object(ours, safe_mode=False)
    assert type(clone) is type(layer) and clone.built
