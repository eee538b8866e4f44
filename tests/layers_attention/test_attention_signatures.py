"""Constructor and call signatures and export paths equal Keras 3.15's."""

import inspect
import json
import os

import pytest

import cornu
from cornu.saving import registry

_REFERENCE = "/work/shared/reference/keras3_api_signatures.json"
NAMES = ["AdditiveAttention", "Attention", "GroupQueryAttention", "MultiHeadAttention"]


def _signature(function):
    return [[p.name, p.kind.name, None if p.default is inspect.Parameter.empty else repr(p.default)]
            for p in inspect.signature(function).parameters.values()]


@pytest.mark.skipif(not os.path.exists(_REFERENCE), reason="the shared Keras API reference is not on this machine")
@pytest.mark.parametrize("name", NAMES)
def test_constructor_signature_matches_keras(name):
    with open(_REFERENCE) as f:
        reference = json.load(f)["layers"][name]["sig"]
    assert _signature(getattr(cornu.layers, name).__init__) == reference


@pytest.mark.parametrize("name", NAMES)
def test_call_and_build_signatures_match_keras(keras_ref, name):
    ours, theirs = getattr(cornu.layers, name), getattr(keras_ref.layers, name)
    for method in ("call", "build", "compute_output_shape"):
        assert _signature(getattr(ours, method)) == _signature(getattr(theirs, method)), method


@pytest.mark.parametrize("name", NAMES)
def test_exported_under_keras_layers(name):
    cls = getattr(cornu.layers, name)
    assert registry.PUBLIC_PATHS[cls] == ("keras.layers", name)
    assert registry.BUILTIN_OBJECTS[f"keras.layers.{name}"] is cls
