"""Writes tests/fixtures/keras3_public_api.json: every public name of the installed Keras.

Walks the public modules of the real Keras (3.15.1, from the dev extras), every namespace and
sub-namespace (``layers``, ``applications.resnet50``, ``quantizers``, ``utils.bounding_boxes``,
...), and records each name's kind and parameters (a function's own, a class's ``__init__``) as
``[name, kind, repr(default) or null]``. ``tests/suite/test_public_api.py`` reads it.

Run: ``KERAS_BACKEND=jax .venv/bin/python scripts/make_api_reference.py``
"""

import inspect
import json
import os
import pathlib
import types

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "keras3_public_api.json"


def _parameters(obj):
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    out = []
    for parameter in signature.parameters.values():
        if inspect.isclass(obj) and parameter.name == "self":
            continue
        default = None if parameter.default is inspect.Parameter.empty else repr(parameter.default)
        out.append([parameter.name, parameter.kind.name, default])
    return out


def _kind(obj):
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "value"


def _is_public_keras_module(value):
    return (isinstance(value, types.ModuleType) and value.__name__.startswith("keras")
            and ".src" not in value.__name__ and "_tf_keras" not in value.__name__)


def walk(module, namespace, out):
    names = {}
    for name in sorted(dir(module)):
        if name.startswith("_"):
            continue
        value = getattr(module, name)
        if isinstance(value, types.ModuleType):
            child = f"{namespace}.{name}" if namespace else name
            if _is_public_keras_module(value) and value.__name__ == f"keras.{child}":
                walk(value, child, out)
            continue
        names[name] = {"kind": _kind(value), "sig": _parameters(value) if callable(value) else None}
    out[namespace] = names


def main():
    out = {}
    walk(keras, "", out)
    lines = ['{"keras_version": %s, "namespaces": {' % json.dumps(keras.__version__)]
    for n, (namespace, names) in enumerate(sorted(out.items())):
        lines.append(f" {json.dumps(namespace)}: {{")
        entries = [f"  {json.dumps(name)}: {json.dumps(entry)}" for name, entry in names.items()]
        lines.append(",\n".join(entries))
        lines.append(" }" + ("," if n < len(out) - 1 else ""))
    lines.append("}}")
    OUT.write_text("\n".join(line for line in lines if line) + "\n")
    print(f"wrote {OUT} ({sum(len(v) for v in out.values())} names in {len(out)} namespaces)")


if __name__ == "__main__":
    main()
