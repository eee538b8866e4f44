"""Constructor signatures and export paths equal Keras 3.15's (from the shared API reference)."""

import inspect
import json
import os

import pytest
from small_layers import CLASSES

from cornu.saving import registry

_REFERENCE = "/work/shared/reference/keras3_api_signatures.json"


def _signature(cls):
    out = []
    for p in inspect.signature(cls.__init__).parameters.values():
        default = None if p.default is inspect.Parameter.empty else repr(p.default)
        out.append([p.name, p.kind.name, default])
    return out


@pytest.mark.skipif(not os.path.exists(_REFERENCE), reason="the shared Keras API reference is not on this machine")
def test_constructor_signatures_match_keras():
    with open(_REFERENCE) as f:
        reference = json.load(f)["layers"]
    differences = {name: (_signature(cls), reference[name]["sig"]) for name, cls in CLASSES.items()
                   if _signature(cls) != reference[name]["sig"]}
    assert not differences


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_exported_under_keras_layers(name):
    assert registry.PUBLIC_PATHS[CLASSES[name]] == ("keras.layers", name)
