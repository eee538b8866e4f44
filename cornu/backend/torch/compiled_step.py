"""The torch training step for ``jit_compile=True``: one ``torch.compile``d graph per model.

The step is functional, as JAX's is: the values of the trainable, non-trainable, optimizer
and metric variables come in as tensors, a ``StatelessScope`` maps the variables to them, and
the forward pass, ``torch.func.grad``, the optimizer's ``stateless_apply`` and the metric
updates all run inside the one function that ``torch.compile`` captures. The new values are
written into those same tensors at the end of the graph (aliases of the variables' own
storage), so inductor's kernels update the variables in place, as eager's fused optimizer does,
with no copy after the step; nothing else sees a difference from the eager step.

What keeps the warm step at least as fast as eager:
- Dynamo guards only the step's data and state arguments (types, shapes, dtypes) and torch's
  global state, not the model's Python attributes (about 1,300 guards on a small MLP, 0.8 ms a
  step). As on JAX, the step is traced once per model, optimizer and set of variables: change a
  layer's Python attributes after the first compiled step and the graph does not see it
  (``compile()`` again does, as it makes new optimizer and metric variables).
- The state arguments are the same detached aliases at every step (made again only when a
  variable gets a new tensor), so the call does no per-step flattening.
- On CPU an LSTM keeps oneDNN's fused kernels in the graph (``mkldnn_lstm``) instead of an
  unrolled time loop.

Only the trainer's default step comes here (``step.train_step`` dispatches); a user's
``train_step`` override is compiled as a whole by the runner instead.

Example:
>>> model.compile(optimizer="adam", loss="mse", jit_compile=True)
>>> model.fit(x, y)  # on torch: the first step compiles, the next ones run the graph
"""

import types
import weakref

import optree
import torch

from cornu.backend.common.global_state import structure_cache_paused
from cornu.backend.common.scopes import StatelessScope

# What ``torch.compile`` runs the captured graph with. "inductor" generates fused kernels (a C++
# compiler on CPU); tests may switch to "aot_eager" to check graph capture without paying for
# code generation.
COMPILE_BACKEND = "inductor"
# Tests set it: any graph break then raises instead of splitting the step into several graphs.
FULL_GRAPH = False
# Dynamo guards only what the step's data and state arguments are (types, shapes, dtypes) and
# torch's global state; not the model's Python attributes.
_DATA_ARGUMENTS = tuple(f"L['{name}']" for name in (
    "trainable_values", "non_trainable_values", "optimizer_values", "metrics_values", "x", "y", "sample_weight"))
_ALWAYS_KEPT = frozenset({"GLOBAL_STATE", "SHAPE_ENV", "DEFAULT_DEVICE", "NO_TENSOR_ALIASING", "TENSOR_MATCH"})


def _guards_on_inputs_only(entries):
    return [e.guard_type in _ALWAYS_KEPT or (not e.is_global and e.name.startswith(_DATA_ARGUMENTS)) for e in entries]


_STEPS = weakref.WeakKeyDictionary()


def compiled_train_step(model, trainable, x, y, sample_weight, update_metrics):
    """Runs one compiled training step of ``model`` on ``(x, y, sample_weight)``; returns the logs.

    Returns None when this step should run eagerly: the first step of a model (or of a new
    set of variables) does, so that everything built or settled on a first call (optimizer
    slots, metric variables, layers' first-call flags) is in place before tracing starts and
    the graph does not need a second compilation for it.
    """
    if not trainable or not model.optimizer.built:
        return None
    step = _STEPS.get(model)
    # The trainer hands over the same list of trainable variables at every step of a ``fit``:
    # then the variables were checked at its first step (the walk costs more than a tiny step).
    if step is None or trainable is not step.checked_list or model.optimizer is not step.optimizer:
        key = _key(model, trainable, update_metrics)
        if step is None or step.key != key:
            _STEPS[model] = CompiledTrainStep(model, trainable, update_metrics, key)
            return None
        step.checked_list = trainable
    return step(model, update_metrics, x, y, sample_weight)


def _key(model, trainable, update_metrics):
    groups = (trainable, model.non_trainable_variables, model.optimizer.variables, model.metrics_variables)
    return (tuple(tuple(id(v) for v in group) for group in groups), getattr(update_metrics, "__func__", update_metrics),
            COMPILE_BACKEND, FULL_GRAPH)


class CompiledTrainStep:
    """One model's compiled step, for one set of variables (rebuilt when the set changes)."""

    def __init__(self, model, trainable, update_metrics, key):
        self.key = key
        self.checked_list = None
        self.optimizer = model.optimizer
        self.groups = (list(trainable), list(model.non_trainable_variables), list(model.optimizer.variables),
                       list(model.metrics_variables))
        self._aliases = None
        self._tensors = None
        # The model is an argument of the compiled function, not a name it closes over: this step
        # (kept per model in a weak dictionary) then holds no reference to it.
        self.function = functional_train_step(model.optimizer, *self.groups)
        self.compiled = torch.compile(self.function, backend=COMPILE_BACKEND, dynamic=False, fullgraph=FULL_GRAPH,
                                      options={"guard_filter_fn": _guards_on_inputs_only})

    def state(self):
        """The variables' current tensors, detached (aliases that share their storage)."""
        tensors = [v._value for group in self.groups for v in group]
        if self._tensors is None or any(a is not b for a, b in zip(tensors, self._tensors)):
            self._tensors = tensors
            self._aliases = [t.detach() for t in tensors]
        aliases, out, start = self._aliases, [], 0
        for group in self.groups:
            out.append(aliases[start:start + len(group)])
            start += len(group)
        return out

    def __call__(self, model, update_metrics, x, y, sample_weight):
        state = self.state()
        with torch.no_grad(), structure_cache_paused():
            return self.compiled(model, update_metrics, *state, x, y, sample_weight)


def functional_train_step(optimizer, trainable, non_trainable, optimizer_variables, metrics_variables):
    """The step ``(model, update_metrics, trainable, non_trainable, optimizer, metrics, x, y,
    sample_weight) -> logs``, where the four groups are lists of tensors, the values of the
    variables given here; it writes their new values into them (pure until that last write).

    The returned function has a code object of its own: ``torch.compile`` keeps compiled
    graphs per code object, so every model gets its own cache instead of sharing (and
    overflowing) one.
    """

    def step(model, update_metrics, trainable_values, non_trainable_values, optimizer_values, metrics_values, x, y, sample_weight):
        def loss_and_aux(params):
            mapping = (list(zip(trainable, params)) + list(zip(non_trainable, non_trainable_values))
                       + list(zip(metrics_variables, metrics_values)) + list(zip(optimizer_variables, optimizer_values)))
            with StatelessScope(state_mapping=mapping, collect_losses=True) as scope:
                y_pred = model(x, training=True)
                loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
                scaled = optimizer.scale_loss(loss)
            new_non_trainable = _current(scope, non_trainable, non_trainable_values)
            new_metrics = _current(scope, metrics_variables, metrics_values)
            return scaled, (loss.detach(), _detached(y_pred), new_non_trainable, new_metrics)

        grads, (loss, y_pred, new_non_trainable, new_metrics) = torch.func.grad(loss_and_aux, has_aux=True)(
            list(trainable_values)
        )
        new_trainable, new_optimizer = optimizer.stateless_apply(optimizer_values, grads, trainable_values)
        with StatelessScope(state_mapping=list(zip(metrics_variables, new_metrics))) as scope:
            logs = update_metrics(loss, x, y, y_pred, sample_weight)
        new_metrics = _current(scope, metrics_variables, new_metrics)
        for values, new_values in zip((trainable_values, non_trainable_values, optimizer_values, metrics_values),
                                      (new_trainable, new_non_trainable, new_optimizer, new_metrics)):
            for value, new in zip(values, new_values):
                if new is not value:
                    value.copy_(new)  # (functionalized: applied at the end of the graph, fused into the kernels)
        return logs

    own = types.FunctionType(step.__code__.replace(), step.__globals__, "compiled_train_step", step.__defaults__,
                             step.__closure__)
    return own


def _detached(tensors):
    return optree.tree_map(lambda t: t.detach() if isinstance(t, torch.Tensor) else t, tensors, none_is_leaf=True)


def _current(scope, variables, values):
    out = []
    for variable, value in zip(variables, values):
        new = scope.get_current_value(variable)
        out.append(value if new is None else new)
    return out
