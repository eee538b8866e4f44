"""Every op cornu has takes Keras's parameters: same names, order, kinds and defaults.

Walks ``tests/fixtures/keras3_api_signatures.json`` (Keras 3.15.1) for the op namespaces: a name
Keras has and cornu lacks fails the test, and so does any signature difference.
"""

import inspect
import json

import pytest

import cornu.ops
import cornu.ops.image
import cornu.ops.linalg
import cornu.ops.nn
import cornu.ops.numpy
import cornu.tree

from tests.helpers.requirements import fixture_path


NAMESPACES = {
    "ops": cornu.ops,
    "ops.numpy": cornu.ops.numpy,
    "ops.nn": cornu.ops.nn,
    "ops.linalg": cornu.ops.linalg,
    "ops.image": cornu.ops.image,
    "tree": cornu.tree,
    "random": cornu.random,
    "models": cornu.models,
    "backend": cornu.backend,
}


def _load():
    with open(fixture_path("keras3_api_signatures.json")) as f:
        return json.load(f)


def _cornu_signature(fn):
    out = []
    for p in inspect.signature(fn).parameters.values():
        default = None if p.default is inspect.Parameter.empty else repr(p.default)
        out.append([p.name, p.kind.name, default])
    return out


def _normalize(sig):
    # JSON stores defaults as repr strings; compare the evaluated values where possible.
    def value(text):
        if text is None:
            return inspect.Parameter.empty
        try:
            return eval(text, {"inf": float("inf")})  # noqa: S307 - trusted reference file
        except Exception:
            return text

    return [(name, kind, value(default)) for name, kind, default in sig]


@pytest.mark.parametrize("namespace", sorted(NAMESPACES))
def test_signatures_match_keras(namespace):
    reference = _load()[namespace]
    module = NAMESPACES[namespace]
    present, missing, mismatched = [], [], []
    for name, entry in sorted(reference.items()):
        obj = getattr(module, name, None)
        if obj is None:
            missing.append(name)
            continue
        present.append(name)
        if entry["kind"] != "function" or entry["sig"] is None:
            continue
        expected = _normalize(entry["sig"])
        actual = _normalize(_cornu_signature(obj))
        if expected != actual:
            mismatched.append(f"{name}: cornu {actual} != keras {expected}")
    print(f"\n{namespace}: {len(present)} present, {len(missing)} missing: {', '.join(missing)}")
    assert not missing, f"cornu.{namespace} lacks {len(missing)} Keras names: {', '.join(missing)}"
    assert not mismatched, "\n".join(mismatched)
