"""The interop layers' constructor signatures and public paths equal Keras 3.15's."""

import inspect
import json

import pytest

from cornu import layers
from cornu.serialization import registry

from tests.helpers.requirements import fixture_path

CLASSES = {"TorchModuleWrapper": layers.TorchModuleWrapper, "JaxLayer": layers.JaxLayer,
           "FlaxLayer": layers.FlaxLayer}


def _signature(cls):
    return [[p.name, p.kind.name, None if p.default is inspect.Parameter.empty else repr(p.default)]
            for p in inspect.signature(cls.__init__).parameters.values()]


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_constructor_signature_and_export_path_match_keras(name):
    with open(fixture_path("keras3_api_signatures.json")) as f:
        reference = json.load(f)["layers"][name]["sig"]
    assert _signature(CLASSES[name]) == reference
    assert registry.PUBLIC_PATHS[CLASSES[name]] == ("keras.layers", name)
