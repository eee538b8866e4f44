"""Constructor signatures and export paths equal Keras 3.15's (from tests/fixtures/keras3_api_signatures.json)."""

import inspect
import json

import pytest

from cornu.serialization import registry

from tests.helpers.requirements import fixture_path
from tests.helpers.small_layers import CLASSES


def _signature(cls):
    out = []
    for p in inspect.signature(cls.__init__).parameters.values():
        default = None if p.default is inspect.Parameter.empty else repr(p.default)
        out.append([p.name, p.kind.name, default])
    return out


def test_constructor_signatures_match_keras():
    with open(fixture_path("keras3_api_signatures.json")) as f:
        reference = json.load(f)["layers"]
    differences = {name: (_signature(cls), reference[name]["sig"]) for name, cls in CLASSES.items()
                   if _signature(cls) != reference[name]["sig"]}
    assert not differences


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_exported_under_keras_layers(name):
    assert registry.PUBLIC_PATHS[CLASSES[name]] == ("keras.layers", name)
