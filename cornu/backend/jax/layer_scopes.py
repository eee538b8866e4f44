"""Which cornu layer a JAX operation came from, to name it in an export error (ONNX, LiteRT).

While a model is traced for export, every layer's ``call`` runs inside ``jax.named_scope``
named after the layer (made unique: ``dense``, ``dense__2``...), so each JAX equation, and each
StableHLO op's location, carries the path of the layers it came from (LiteRT keeps it in its
tensor names, e.g. ``mlp/dense/dot_general``). An operation an exporter cannot take is traced
back to its layer from that path (``failing_operation``, ``layer_at``); an exception raised
while tracing, through the frames of the scoped calls (``layer_from_trace``, ``failed_layer``).

Example:
>>> with layer_scopes(model) as scopes:
...     jaxpr = jax.make_jaxpr(fn)(x)   # equations carry "model/dense_1" name stacks
>>> scopes["dense_1"].name
'dense_1'
"""

import re

import jax

from cornu.backend.common.scoped_layer_calls import scoped_layer_calls

# A location's name stacks: the quoted "jit(<function>)/<scope>/<scope>/<op>" strings (a fused
# location has several; the quoted call-site names after them are Python functions, not scopes).
_NAME_STACK = re.compile(r'"(jit\([^"]*)"')
_TOKEN = re.compile(r"[\w.-]+")


class LayerScopes(dict):
    """Scope name -> layer, and the innermost layer whose ``call`` raised while tracing."""

    failed_layer = None


def layer_scopes(model):
    """Runs every layer of ``model`` (the model too) inside its own named scope while the block
    runs; yields a ``LayerScopes``. The layers' own ``call`` is back on exit."""
    scopes = LayerScopes()

    def wrap(call, scope, layer):
        return _scoped(call, scope, layer, scopes)

    return scoped_layer_calls(model, wrap, scopes, lambda name: re.sub(r"[^\w.-]", "_", name))


def _scoped(call, scope, layer, scopes):
    def scoped_call(*args, **kwargs):
        try:
            with jax.named_scope(scope):
                return call(*args, **kwargs)
        except BaseException:
            if scopes.failed_layer is None:  # the innermost layer sees the error first
                scopes.failed_layer = layer
            raise

    scoped_call.__wrapped__ = call
    return scoped_call


_SCOPED_CODE = _scoped(None, "", None, None).__code__


def _layers_in_stack(stack, scopes):
    """The layers a ``"a/b/c"`` name stack passes through, outermost first (a part may decorate
    a scope, e.g. ``jvp(dense_1)``)."""
    return [scopes[token] for part in stack.split("/") for token in _TOKEN.findall(part) if token in scopes]


def failing_operation(error, scopes):
    """``(layer, primitive_name)`` of the JAX equation being lowered when ``error`` was raised
    (jax2onnx keeps it in a frame's ``eqn``). Either is None when no equation is found."""
    equations, seen = [], set()
    traceback = error.__traceback__
    while traceback is not None:
        equation = traceback.tb_frame.f_locals.get("eqn")
        if equation is not None and hasattr(equation, "primitive") and id(equation) not in seen:
            seen.add(id(equation))
            equations.append(equation)
        traceback = traceback.tb_next
    layer = None
    for equation in equations:
        stack = str(getattr(getattr(equation, "source_info", None), "name_stack", "") or "")
        found = _layers_in_stack(stack, scopes)
        layer = found[-1] if found else layer
    return layer, (equations[-1].primitive.name if equations else None)


def layer_at(location, scopes):
    """The innermost layer named in an MLIR op ``location`` (None when it names none)."""
    best, depth = None, 0
    for stack in _NAME_STACK.findall(str(location)):
        found = [scopes[part] for part in stack.split("/") if part in scopes]
        if len(found) > depth:
            best, depth = found[-1], len(found)
    return best


def layer_from_trace(error, scopes):
    """The innermost layer whose ``call`` was running when ``error`` was raised while tracing."""
    layer, seen = None, set()
    while error is not None and id(error) not in seen:  # JAX may re-raise: look along the chain
        seen.add(id(error))
        traceback = error.__traceback__
        while traceback is not None:
            frame = traceback.tb_frame
            if frame.f_code is _SCOPED_CODE:
                layer = scopes.get(frame.f_locals.get("scope"), layer)
            traceback = traceback.tb_next
        if layer is not None:
            return layer
        error = error.__cause__ or error.__context__
    return layer
