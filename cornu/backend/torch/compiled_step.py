"""The torch training step for ``jit_compile=True``: one ``torch.compile``d graph per model.

The step is functional, as JAX's is: the values of the trainable, non-trainable, optimizer
and metric variables come in as tensors, a ``StatelessScope`` maps the variables to them, and
the forward pass, ``torch.func.grad``, the optimizer's ``stateless_apply`` and the metric
updates all run inside the one function that ``torch.compile`` captures. The new values come
back out and are copied into the variables in place, so nothing else sees a difference from
the eager step (the variables keep their tensors, and hence any alias of them). (Writing them
in place inside the graph instead changed the LSTM's numbers from the second compiled step on:
not used until understood.)

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
        self.compiled = torch.compile(self.function, backend=COMPILE_BACKEND, dynamic=False, fullgraph=FULL_GRAPH)

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
            logs, new_state = self.compiled(model, update_metrics, *state, x, y, sample_weight)
            for old, new in zip(state, new_state):
                if old:
                    torch._foreach_copy_(old, new)
        return logs


def functional_train_step(optimizer, trainable, non_trainable, optimizer_variables, metrics_variables):
    """The pure step ``(model, update_metrics, trainable, non_trainable, optimizer, metrics, x, y,
    sample_weight) -> (logs, (trainable, non_trainable, optimizer, metrics))``, where the four
    groups are lists of tensors, the values of the variables given here.

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
        return logs, (new_trainable, new_non_trainable, new_optimizer, new_metrics)

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
