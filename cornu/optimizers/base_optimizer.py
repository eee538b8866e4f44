"""The optimizer base class, written once for every backend.

All the maths goes through ``cornu.ops`` and ``Variable.assign``, so the same
code updates variables eagerly (torch, numpy) and records pure updates inside
a ``StatelessScope`` (the JAX train step, through ``stateless_apply``). No
step takes a data-dependent Python branch: gradient accumulation and EMA
overwrites choose between values with ``ops.where``, so they trace under
``jax.jit`` unchanged.
"""

import warnings

import numpy as np

from cornu import backend
from cornu import initializers
from cornu import ops
from cornu.backend.common.naming import auto_name
from cornu.optimizers.step_options import StepOptions
from cornu.optimizers.schedules.learning_rate_schedule import LearningRateSchedule
from cornu.optimizers.schedules.learning_rate_schedule import serialize as serialize_schedule


def _is_number(value):
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (int, float, np.number)):
        return True
    return backend.is_tensor(value) and tuple(value.shape) == ()


class Optimizer(StepOptions):
    """Base class of all optimizers.

    A subclass creates its slot variables in ``build(var_list)`` (with
    ``add_variable_from_reference`` or ``add_optimizer_variables``), updates
    one variable in ``update_step(gradient, variable, learning_rate)``, and
    adds its hyperparameters to ``get_config()``.

    Args:
        learning_rate: A float, a ``LearningRateSchedule``, or a callable
            taking no arguments and returning the rate.
        weight_decay: If set, every step first shrinks each variable by
            ``variable * weight_decay * learning_rate`` (decoupled decay).
        clipnorm: If set, each gradient is rescaled to at most this L2 norm.
        clipvalue: If set, each gradient is clipped to ``[-clipvalue, clipvalue]``.
        global_clipnorm: If set, all gradients are rescaled together so their
            joint L2 norm is at most this value.
        use_ema: Keep an exponential moving average of the model variables.
        ema_momentum: Momentum of that average.
        ema_overwrite_frequency: Every this many steps, copy the average into
            the model variables (None: only in ``finalize_variable_values``).
        loss_scale_factor: Multiply the loss by this (``scale_loss``) and
            divide the gradients by it before applying them.
        gradient_accumulation_steps: Apply the mean gradient once every this
            many steps (an int >= 2).
        name: The optimizer's name, the prefix of its variable paths.

    Example:
    >>> class PlainSGD(cornu.optimizers.Optimizer):
    ...     def update_step(self, gradient, variable, learning_rate):
    ...         lr = cornu.ops.cast(learning_rate, variable.dtype)
    ...         self.assign_sub(variable, cornu.ops.multiply(gradient, lr))
    >>> opt = PlainSGD(learning_rate=0.1)
    """

    def __init__(
        self,
        learning_rate,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        self._lock = False
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.")
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if name is None:
            name = auto_name(type(self).__name__)
        self.name = name
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2 (or None to update every step). "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema:
            if not 0 <= ema_momentum <= 1:
                raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
            bad_frequency = not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            if ema_overwrite_frequency and bad_frequency:
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. "
                    f"Received: ema_overwrite_frequency={ema_overwrite_frequency}"
                )
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._trainable_variables_indices = {}
        self._exclude_from_weight_decay = set()
        self._exclude_from_weight_decay_pattern = None
        self._exclude_from_weight_decay_cache = {}
        with backend.name_scope(self.name, caller=self):
            iterations = backend.Variable(
                0, name="iteration", dtype="int32", trainable=False, aggregation="only_first_replica"
            )
        self._track_variable(iterations)
        self._iterations = iterations
        self._learning_rate = self._make_learning_rate(learning_rate)

    def _make_learning_rate(self, learning_rate):
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            return learning_rate
        if not _is_number(learning_rate):
            raise ValueError(
                "Argument `learning_rate` should be a float, a LearningRateSchedule, or a callable "
                "that takes no arguments and returns the learning rate. "
                f"Received instead: learning_rate={learning_rate}"
            )
        with backend.name_scope(self.name, caller=self):
            variable = backend.Variable(
                float(learning_rate),
                name="learning_rate",
                dtype=backend.floatx(),
                trainable=False,
                aggregation="only_first_replica",
            )
        self._track_variable(variable)
        return variable

    # ------------------------------------------------------------------ state

    def _track_variable(self, variable):
        self._variables.append(variable)

    def _untrack_variable(self, variable):
        self._variables = [v for v in self._variables if v is not variable]

    def __setattr__(self, name, value):
        # Variables assigned as attributes (e.g. Nadam's running product) are
        # optimizer state too, saved with the rest.
        if name != "_lock" and "_lock" not in self.__dict__:
            raise RuntimeError(
                f"In optimizer '{type(self).__name__}', you forgot to call `super().__init__()` as the "
                "first statement in the `__init__()` method. Go add it!"
            )
        if isinstance(value, backend.Variable) and "_variables" in self.__dict__:
            if not any(v is value for v in self._variables):
                self._track_variable(value)
        super().__setattr__(name, value)

    @property
    def iterations(self):
        """The number of optimizer steps taken (accumulation steps count as one)."""
        if self.gradient_accumulation_steps:
            return ops.floor_divide(self._iterations, self.gradient_accumulation_steps)
        return self._iterations

    @property
    def variables(self):
        """Every optimizer variable, in the order they are saved."""
        return self._variables[:]

    @property
    def learning_rate(self):
        """The current learning rate (a schedule is evaluated at the current step)."""
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        previous = self._learning_rate if isinstance(self._learning_rate, backend.Variable) else None
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        elif isinstance(self._learning_rate, LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` as its `learning_rate`, so its "
                "learning rate is not settable. Create the optimizer with a float `learning_rate` to "
                "change it during training."
            )
        elif previous is None:
            self._learning_rate = self._make_learning_rate(learning_rate)
        else:
            previous.assign(learning_rate)
        if previous is not None and self._learning_rate is not previous:
            self._untrack_variable(previous)

    def _get_current_learning_rate(self):
        if isinstance(self._learning_rate, LearningRateSchedule):
            return self._learning_rate(self._iterations)
        if isinstance(self._learning_rate, backend.Variable):
            return self._learning_rate
        if callable(self._learning_rate):
            return self._learning_rate()
        return self._learning_rate

    # ------------------------------------------------------------------ build

    def build(self, variables):
        """Creates the optimizer's variables for the model variables ``variables``.

        Subclasses call ``super().build(variables)`` first, then add their slots.
        """
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(variables, "average")
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = []
        for i, variable in enumerate(variables):
            self._trainable_variables_indices[self._var_key(variable)] = i
            if self.gradient_accumulation_steps:
                self._accumulated_gradients.append(
                    self.add_variable_from_reference(variable, name="gradient_accumulator")
                )
        self._trainable_variables = list(variables)
        self.built = True

    def _var_key(self, variable):
        return id(variable)

    def _get_variable_index(self, variable):
        return self._trainable_variables_indices[self._var_key(variable)]

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none", layout=None, name=None):
        """Creates a non-trainable optimizer variable named ``name`` under the optimizer's scope.

        Example:
        >>> step_size = opt.add_variable((), initializer="ones", name="step_size")
        """
        initializer = initializers.get(initializer)
        with backend.name_scope(self.name, caller=self):
            variable = backend.Variable(
                initializer=initializer,
                shape=shape,
                dtype=dtype,
                trainable=False,
                aggregation=aggregation,
                layout=layout,
                name=name,
            )
        self._track_variable(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """Creates a slot with the shape and dtype of ``reference_variable``.

        The slot is named ``{reference path with '/' -> '_'}_{name}``, e.g.
        ``dense_kernel_momentum``, as Keras names it.

        Example:
        >>> m = opt.add_variable_from_reference(kernel, name="momentum")
        """
        name = name or "var"
        if hasattr(reference_variable, "path"):
            prefix = reference_variable.path.replace("/", "_")
        else:
            prefix = str(reference_variable.name).replace("/", "_").replace(":", "_")
        return self.add_variable(
            shape=reference_variable.shape,
            initializer=initializer,
            dtype=reference_variable.dtype,
            name=f"{prefix}_{name}",
            layout=getattr(reference_variable, "_layout", None),
        )

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """Creates one slot per model variable for each name in ``name``.

        Slots are created variable by variable (all names for the first
        variable, then the next), which fixes their saved order. Variables
        with ``overwrite_with_gradient`` get ``None`` instead of a slot.
        Returns a list, or a tuple of lists when ``name`` is a list.

        Example:
        >>> momentums, velocities = opt.add_optimizer_variables(var_list, ["momentum", "velocity"])
        """
        names = [name] if isinstance(name, str) else list(name)
        if isinstance(name, str):
            inits = [initializer]
        elif isinstance(initializer, (str, initializers.Initializer)):
            inits = [initializer] * len(names)
        else:
            inits = list(initializer)
        if len(names) != len(inits):
            raise ValueError(
                "The number of provided names must match the number of provided initializers. "
                f"Received: name={name!r}, initializer={initializer!r}"
            )
        slots = tuple([] for _ in names)
        for variable in trainable_variables:
            skip = getattr(variable, "overwrite_with_gradient", False)
            for i, (slot_name, slot_init) in enumerate(zip(names, inits)):
                slots[i].append(
                    None if skip else self.add_variable_from_reference(variable, name=slot_name, initializer=slot_init)
                )
        return slots[0] if isinstance(name, str) else slots

    # ------------------------------------------------------------- assignment

    def assign(self, variable, value):
        """``variable.assign(value)``; override point for backend-specific updates."""
        variable.assign(value)

    def assign_add(self, variable, value):
        """``variable.assign_add(value)``."""
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        """``variable.assign_sub(value)``."""
        variable.assign_sub(value)

    def update_step(self, gradient, variable, learning_rate):
        """Updates one ``variable`` from its ``gradient``; implemented by each optimizer."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update_step()`.")

    # ------------------------------------------------------------------ apply

    def apply_gradients(self, grads_and_vars):
        """Applies ``[(gradient, variable), ...]``; returns the iteration counter.

        Example:
        >>> opt.apply_gradients(zip(grads, model.trainable_variables))
        """
        grads, trainable_variables = zip(*grads_and_vars)
        self.apply(grads, trainable_variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Updates ``trainable_variables`` with ``grads`` (one gradient per variable).

        The first call builds the optimizer; later calls may omit
        ``trainable_variables`` to mean the variables it was built with.

        Example:
        >>> opt = cornu.optimizers.SGD(0.1)
        >>> opt.apply([grad], [variable])
        """
        if len(grads) == 0:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be built on a "
                    "list of variables. Call `optimizer.build(trainable_variables)` first."
                )
            if len(grads) != len(self._trainable_variables_indices):
                raise ValueError(
                    "When passing `grads` as a list of gradient tensors, the gradients must match the "
                    f"variables the optimizer was built with one-to-one. Received {len(grads)} gradients, "
                    f"but the optimizer tracks {len(self._trainable_variables)} trainable variables."
                )
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if not self.built:
                with backend.name_scope(self.name, caller=self):
                    self.build(trainable_variables)
                self.built = True
            self._check_variables_are_known(trainable_variables)
        with backend.name_scope(self.name, caller=self):
            grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
            grads, trainable_variables = self._overwrite_variables_directly_with_gradients(grads, trainable_variables)
            if grads:
                if self.loss_scale_factor is not None:
                    grads = [g / self.loss_scale_factor for g in grads]
                self._backend_apply_gradients(grads, trainable_variables)
                for variable in trainable_variables:
                    if variable.constraint is not None:
                        variable.assign(variable.constraint(variable))
        self._iterations.assign_add(1)

    def _check_variables_are_known(self, variables):
        for v in variables:
            if self._var_key(v) not in self._trainable_variables_indices:
                raise ValueError(
                    f"Unknown variable: {v}. This optimizer can only be called for the variables it was "
                    "originally built with. When working with a new set of variables, you should recreate "
                    "a new optimizer instance."
                )

    def _backend_apply_gradients(self, grads, trainable_variables):
        if self.gradient_accumulation_steps:
            self._accumulate_or_apply(grads, trainable_variables)
        else:
            grads = self._clip_gradients(grads)
            self._apply_weight_decay(trainable_variables)
            self._backend_update_step(grads, trainable_variables, self.learning_rate)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            if self.ema_overwrite_frequency:
                overwrite = ops.equal(ops.mod(self.iterations + 1, self.ema_overwrite_frequency), 0)
                for variable, average in zip(self._trainable_variables, self._model_variables_moving_average):
                    if average is not None:
                        variable.assign(ops.where(overwrite, average.value, variable.value))

    # The update rule ``update_step`` computes, when a backend may run it for every variable in
    # one fused call (torch's foreach/fused kernels): "adam" (slots: momentums, velocities;
    # hyperparameters beta_1, beta_2, epsilon) or "sgd" (slots: momentums; momentum, nesterov).
    # None, the default, always runs ``update_step`` variable by variable. An optimizer with a
    # rule also provides ``fused_slots(variables)``.
    fused_update_rule = None

    def fused_slots(self, variables):
        """The slot variables that ``fused_update_rule`` reads, as a tuple with one list per slot
        name, each aligned with ``variables`` (a variable without a slot has None).

        Example:
        >>> momentums, velocities = adam.fused_slots(model.trainable_variables)
        """
        raise NotImplementedError(f"{type(self).__name__} has no fused update rule.")

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        # A backend may update all variables in one fused call (torch's foreach kernels).
        fused = None if backend.in_stateless_scope() else backend.optimizers.fused_update_step(self)
        if fused is not None and fused(self, grads, trainable_variables, learning_rate):
            return
        for grad, variable in zip(grads, trainable_variables):
            self.update_step(grad, variable, learning_rate)

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """Pure version of ``apply``: takes and returns values instead of mutating variables.

        Returns ``(new_trainable_values, new_optimizer_values)``, lists in the
        order of the built-with variables and of ``self.variables``. Runs
        inside ``jax.jit``.

        Example:
        >>> new_weights, new_state = opt.stateless_apply(
        ...     [v.value for v in opt.variables], grads, [v.value for v in weights])
        """
        if not self.built:
            raise ValueError(
                f"To call `stateless_apply`, {type(self).__name__} must be built (its variables must "
                "exist). Build it with `optimizer.build(trainable_variables)`."
            )
        if len(optimizer_variables) != len(self._variables):
            raise ValueError(
                "Argument `optimizer_variables` must be a list of tensors matching "
                f"{type(self).__name__}().variables one-to-one. Received a list of length "
                f"{len(optimizer_variables)}, but expected {len(self._variables)} values."
            )
        if len(trainable_variables) != len(self._trainable_variables):
            raise ValueError(
                "Argument `trainable_variables` must be a list of tensors matching the variables the "
                f"optimizer was built with. Received {len(trainable_variables)} values, but the optimizer "
                f"was built with {len(self._trainable_variables)} variables."
            )
        mapping = list(zip(self._trainable_variables, trainable_variables)) + list(
            zip(self._variables, optimizer_variables)
        )
        with backend.StatelessScope(state_mapping=mapping) as scope:
            self.apply(grads)
        new_trainable = [_current_value(scope, v) for v in self._trainable_variables]
        new_optimizer = [_current_value(scope, v) for v in self._variables]
        return new_trainable, new_optimizer

    def scale_loss(self, loss):
        """Multiplies ``loss`` by ``loss_scale_factor`` (if set) before taking gradients.

        Example:
        >>> loss = opt.scale_loss(loss)
        """
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    # -------------------------------------------------------------- gradients

    def _filter_empty_gradients(self, grads, variables):
        kept_grads, kept_vars, missing = [], [], []
        for g, v in zip(grads, variables):
            if g is None:
                missing.append(getattr(v, "path", getattr(v, "name", str(v))))
            else:
                kept_grads.append(g)
                kept_vars.append(v)
        if not kept_grads:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. If using "
                "`model.compile()`, did you forget to provide a `loss` argument?"
            )
        return kept_grads, kept_vars

    def set_weights(self, weights):
        """Assigns ``weights`` (one array per optimizer variable) to the built optimizer."""
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. Call "
                "`optimizer.build(trainable_variables)` to create the optimizer weights first."
            )
        for variable, weight in zip(self.variables, weights):
            if tuple(variable.shape) != tuple(weight.shape):
                raise ValueError(
                    f"Optimizer variable {variable.path} has shape {variable.shape} not compatible with the "
                    f"provided weight shape {tuple(weight.shape)}."
                )
            variable.assign(weight)

    def get_weights(self):
        """The values of ``self.variables`` as NumPy arrays."""
        return [v.numpy() for v in self.variables]

    def save_own_variables(self, store):
        """Writes the optimizer state into ``store`` under keys ``"0"``, ``"1"``, ... (Keras layout)."""
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Restores the state written by ``save_own_variables`` (skipped with a warning on a mismatch)."""
        if len(store.keys()) != len(self.variables):
            msg = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(self.variables)} variables whereas the saved optimizer has {len(store.keys())} variables. "
            )
            if len(self.variables) == 0:
                msg += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(msg, stacklevel=2)
            return
        for i, variable in enumerate(self.variables):
            variable.assign(store[str(i)])

    def _obj_type(self):
        return "Optimizer"

    def get_config(self):
        """The optimizer's hyperparameters; ``learning_rate`` is a float or a serialized schedule.

        Example:
        >>> cornu.optimizers.SGD(0.1).get_config()["learning_rate"]
        0.10000000149011612
        """
        if isinstance(self._learning_rate, LearningRateSchedule):
            learning_rate = serialize_schedule(self._learning_rate)
        elif isinstance(self._learning_rate, backend.Variable):
            learning_rate = float(self._learning_rate.numpy())
        elif backend.is_tensor(self._learning_rate):
            learning_rate = float(ops.convert_to_numpy(self._learning_rate))
        elif callable(self._learning_rate):
            from cornu.serialization.keras_objects import serialize_keras_object

            learning_rate = serialize_keras_object(self._learning_rate)
        else:
            learning_rate = 0.5
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Builds an optimizer from ``get_config()`` output (deserializing a schedule if present).

        Example:
        >>> opt = cornu.optimizers.Adam.from_config(cornu.optimizers.Adam(0.01).get_config())
        """
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            from cornu.optimizers.schedules import deserialize as deserialize_schedule

            config["learning_rate"] = deserialize_schedule(config["learning_rate"], custom_objects=custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _current_value(scope, variable):
    value = scope.get_current_value(variable)
    return variable.value if value is None else value
