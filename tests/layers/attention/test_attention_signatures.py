"""Constructor and call signatures and export paths equal Keras 3.15's."""

import inspect
import json

import pytest

import cornu
from cornu.serialization import registry

from tests.helpers.requirements import fixture_path

NAMES = ["AdditiveAttention", "Attention", "GroupQueryAttention", "MultiHeadAttention"]


def _signature(function):
    return [[p.name, p.kind.name, None if p.default is inspect.Parameter.empty else repr(p.default)]
            for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize("name", NAMES)
def test_constructor_signature_matches_keras(name):
    with open(fixture_path("keras3_api_signatures.json")) as f:
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
