"""Python function bytecode to and from the ``__lambda__`` config form Keras writes.

Loading runs arbitrary code, so ``deserialize_keras_object`` calls
``deserialize_function`` only when the loading call passed ``safe_mode=False``.
"""

import base64
import marshal
import types


def serialize_function(fn):
    """Returns ``[code, defaults, closure]`` with the code marshalled and base64-encoded."""
    code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
    closure = [c.cell_contents for c in fn.__closure__] if fn.__closure__ else None
    return [code, fn.__defaults__, closure]


def deserialize_function(value, globs=None):
    """Rebuilds a function from :func:`serialize_function`'s output (unsafe: runs its bytecode)."""
    if isinstance(value, (list, tuple)):
        code, defaults, closure = (list(value) + [None, None])[:3]
    else:
        code, defaults, closure = value, None, None
    raw = base64.b64decode(code.encode("ascii") if isinstance(code, str) else code)
    code_obj = marshal.loads(raw)
    cells = tuple(types.CellType(v) for v in closure) if closure else None
    if cells is not None and len(cells) != len(code_obj.co_freevars):
        cells = None
    if globs is None:
        import cornu

        globs = {"__builtins__": __builtins__, "cornu": cornu, "keras": cornu}
    return types.FunctionType(code_obj, globs, code_obj.co_name, tuple(defaults) if defaults else None, cells)
