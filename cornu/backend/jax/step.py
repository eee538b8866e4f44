"""How a JAX model trains: pure steps ``(state, data) -> (logs, state)``, jitted
with donated state, where state is the tuple of variable values. The contract is
``cornu/backend/common/step_protocol.py``."""

import jax
import jax.numpy as jnp

from cornu.backend.common.scopes import StatelessScope, get_stateless_scope
from cornu.backend.jax.core import hold_pending_state, release_pending_state, to_device_arrays
from cornu.backend.jax.distribution_steps import StepPlacement

SUPPORTS_TRAINING = True
SUPPORTS_JIT_COMPILE = True
JIT_COMPILE_BY_DEFAULT = True
SKIPS_UNREAD_STEP_RESULTS = False  # results computed inside the compiled step cost nothing


def _updated(scope, variables, values):
    out = []
    for v, value in zip(variables, values):
        new = scope.get_current_value(v)
        out.append(value if new is None else new)
    return out


def _forward_and_loss(model, trainable, non_trainable, metrics_values, x, y, sample_weight, training,
                      optimizer_values=None):
    """Forward pass and loss with every variable mapped; per-output loss trackers update here.

    Returns ``(loss_to_differentiate, (loss, y_pred, non_trainable, metrics_values))``: when
    ``optimizer_values`` are given (training), the first is the optimizer's scaled loss.
    """
    mapping = (
        list(zip(model.trainable_variables, trainable))
        + list(zip(model.non_trainable_variables, non_trainable))
        + list(zip(model.metrics_variables, metrics_values))
    )
    if optimizer_values is not None:
        mapping += list(zip(model.optimizer.variables, optimizer_values))
    with StatelessScope(state_mapping=mapping, collect_losses=True) as scope:
        y_pred = model(x, training=training)
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        scaled = model.optimizer.scale_loss(loss) if optimizer_values is not None else loss
    non_trainable = _updated(scope, model.non_trainable_variables, non_trainable)
    metrics_values = _updated(scope, model.metrics_variables, metrics_values)
    return scaled, (loss, y_pred, non_trainable, metrics_values)


def _stateless_update_metrics(model, metrics_values, update_metrics, loss, x, y, y_pred, sample_weight):
    """The trainer's ``update_metrics`` run on the metric values instead of the variables."""
    variables = model.metrics_variables
    with StatelessScope(state_mapping=list(zip(variables, metrics_values))) as scope:
        logs = update_metrics(loss, x, y, y_pred, sample_weight)
    return logs, _updated(scope, variables, metrics_values)


def train_step(model, state, x, y, sample_weight, update_metrics):
    trainable, non_trainable, optimizer_values, metrics_values = state
    grad_fn = jax.value_and_grad(
        lambda tv: _forward_and_loss(
            model, tv, non_trainable, metrics_values, x, y, sample_weight, True, optimizer_values
        ),
        has_aux=True,
    )
    (_, (loss, y_pred, non_trainable, metrics_values)), grads = grad_fn(trainable)
    trainable, optimizer_values = model.optimizer.stateless_apply(optimizer_values, grads, trainable)
    logs, metrics_values = _stateless_update_metrics(
        model, metrics_values, update_metrics, loss, x, y, y_pred, sample_weight
    )
    return logs, (trainable, non_trainable, optimizer_values, metrics_values)


def test_step(model, state, x, y, sample_weight, update_metrics):
    trainable, non_trainable, metrics_values = state
    _, (loss, y_pred, non_trainable, metrics_values) = _forward_and_loss(
        model, trainable, non_trainable, metrics_values, x, y, sample_weight, False
    )
    logs, metrics_values = _stateless_update_metrics(
        model, metrics_values, update_metrics, loss, x, y, y_pred, sample_weight
    )
    return logs, (trainable, non_trainable, metrics_values)


def predict_step(model, state, x):
    trainable, non_trainable = state
    mapping = list(zip(model.trainable_variables, trainable)) + list(zip(model.non_trainable_variables, non_trainable))
    with StatelessScope(state_mapping=mapping) as scope:
        outputs = model(x, training=False)
    # Keras's JAX signature: the outputs and the non-trainable values (the runner keeps the rest).
    return outputs, _updated(scope, model.non_trainable_variables, non_trainable)


class Runner:
    """Holds the state of one kind of step ("train", "test" or "predict") between calls."""

    def __init__(self, model, kind):
        self.model = model
        self.kind = kind
        self._step = None
        self._fn = None
        self._group_fn = None
        self._signature = None
        self._groups = None
        self._state = None
        self._placement = None  # where state and batches live under a distribution

    def _variable_groups(self):
        m = self.model
        groups = [m.trainable_variables, m.non_trainable_variables]
        if self.kind == "train":
            groups.append(m.optimizer.variables)
        if self.kind in ("train", "test"):
            groups.append(m.metrics_variables)
        return groups

    def _state_step(self):
        """The step given to ``start`` as ``(state, data) -> (outputs, state)`` for every kind."""
        step = self._step
        if self.kind != "predict":
            return step

        def predict(state, data):
            outputs, non_trainable = step(state, data)
            return outputs, (state[0], non_trainable)

        return predict

    def _make_fn(self):
        step = self._state_step()

        def fn(state, data):
            return step(state, data)

        if self._jitted():
            return jax.jit(fn, donate_argnums=0, **self._jit_options())

        def eager(state, data):
            return fn(state, to_device_arrays(data))

        return eager

    def _jitted(self):
        model = self.model
        return bool(model.jit_compile or (self.kind == "predict" and not model.run_eagerly))

    def _make_group_fn(self):
        """N steps in one compiled call: a ``lax.scan`` over the stacked batches, so the
        compile time does not grow with N."""
        step = self._state_step()
        predicting = self.kind == "predict"

        def body(state, data):
            outputs, new_state = step(state, data)
            return tuple(list(group) for group in new_state), outputs

        def fn(state, batches):
            stacked = jax.tree_util.tree_map(lambda *leaves: jnp.stack(leaves), *batches)
            state, outputs = jax.lax.scan(body, tuple(list(group) for group in state), stacked)
            if predicting:
                outputs = jax.tree_util.tree_map(lambda o: o.reshape((-1,) + o.shape[2:]), outputs)
            else:
                outputs = jax.tree_util.tree_map(lambda o: o[-1], outputs)
            return outputs, state

        return jax.jit(fn, donate_argnums=0, **self._jit_options())

    def _jit_options(self):
        return {} if self._placement is None else self._placement.jit_options(self.kind)

    def start(self, step):
        self._step = step
        groups = self._variable_groups()
        if self.kind == "train":
            _check_optimizer_matches(self.model.optimizer, groups[0])
        self._placement = StepPlacement.for_runner(groups)
        signature = tuple(id(v) for group in groups for v in group)
        signature += (None if self._placement is None else self._placement.key,)
        if signature != self._signature:
            self._fn = self._make_fn()
            self._group_fn = None
            self._signature = signature
        self._groups = groups
        self._state = tuple([v.value for v in group] for group in groups)
        if self._placement is not None:
            self._state = self._placement.place_state(self._state)
        for group in groups:
            for v in group:
                v._value = None
        hold_pending_state(self.finish)

    def run(self, data):
        if get_stateless_scope() is not None:
            raise RuntimeError("A training step cannot run inside a StatelessScope.")
        if self._groups is None:
            # Something read a variable since the last step (e.g. a callback): take the state again.
            self.start(self._step)
        if self._placement is not None:
            data = self._placement.place_batch(data)
        outputs, self._state = self._fn(self._state, data)
        return outputs

    def run_group(self, batches):
        """Runs several steps; returns the last step's logs (train/test) or all outputs (predict)."""
        if len(batches) > 1 and self._jitted() and _same_shapes(batches):
            if get_stateless_scope() is not None:
                raise RuntimeError("A training step cannot run inside a StatelessScope.")
            if self._groups is None:
                self.start(self._step)
            if self._group_fn is None:
                self._group_fn = self._make_group_fn()
            if self._placement is not None:
                batches = [self._placement.place_batch(batch) for batch in batches]
            outputs, self._state = self._group_fn(self._state, list(batches))
            return outputs
        outputs = [self.run(batch) for batch in batches]
        if self.kind == "predict":
            return jax.tree_util.tree_map(lambda *parts: jnp.concatenate(parts, axis=0), *outputs)
        return outputs[-1]

    def finish(self):
        if self._groups is None:
            return
        groups, state = self._groups, self._state
        self._groups = self._state = None
        release_pending_state(self.finish)
        for group, values in zip(groups, state):
            for v, value in zip(group, values):
                v._value = value


def _check_optimizer_matches(optimizer, trainable):
    built_with = getattr(optimizer, "_trainable_variables", None)
    if not getattr(optimizer, "built", False) or built_with is None:
        return
    if len(built_with) != len(trainable):
        raise ValueError(
            "The model's trainable variables are not the ones its optimizer was built with "
            f"({len(trainable)} now, {len(built_with)} then): `trainable` was changed after the first "
            "training step (e.g. by a callback). On JAX the optimizer state is laid out for the "
            "trainable variables at compile time: call `model.compile(...)` again after changing "
            "`trainable`."
        )


def _same_shapes(batches):
    first = jax.tree_util.tree_structure(batches[0])
    shapes = [tuple(getattr(leaf, "shape", ())) for leaf in jax.tree_util.tree_leaves(batches[0])]
    for batch in batches[1:]:
        if jax.tree_util.tree_structure(batch) != first:
            return False
        if [tuple(getattr(leaf, "shape", ())) for leaf in jax.tree_util.tree_leaves(batch)] != shapes:
            return False
    return True
