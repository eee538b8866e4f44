"""The constructor arguments every built-in recurrent cell shares, and their config."""

from cornu import constraints, initializers, regularizers
from cornu.random.seed_generator import SeedGenerator

WEIGHT_ARGUMENTS = (
    ("kernel_initializer", initializers), ("recurrent_initializer", initializers), ("bias_initializer", initializers),
    ("kernel_regularizer", regularizers), ("recurrent_regularizer", regularizers), ("bias_regularizer", regularizers),
    ("kernel_constraint", constraints), ("recurrent_constraint", constraints), ("bias_constraint", constraints),
)


def check_units(units):
    if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
        raise ValueError(
            "Received an invalid value for argument `units`, expected a positive integer. "
            f"Received: units={units!r}"
        )


def set_cell_arguments(cell, units, use_bias, dropout, recurrent_dropout, seed, weight_arguments):
    """Stores the shared arguments on ``cell``, resolving names to objects (``"zeros"`` -> ``Zeros()``)."""
    check_units(units)
    cell.units = units
    cell.use_bias = use_bias
    for name, module in WEIGHT_ARGUMENTS:
        setattr(cell, name, module.get(weight_arguments[name]))
    # Rates outside [0, 1] are clipped, as in Keras.
    cell.dropout = min(1.0, max(0.0, float(dropout)))
    cell.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
    cell.seed = seed
    cell.seed_generator = SeedGenerator(seed=seed)


def cell_arguments_config(cell):
    """The shared arguments as config entries (Keras's keys)."""
    config = {}
    for name, module in WEIGHT_ARGUMENTS:
        config[name] = module.serialize(getattr(cell, name))
    config["dropout"] = cell.dropout
    config["recurrent_dropout"] = cell.recurrent_dropout
    return config


def zeros_states(cell, batch_size, sizes):
    from cornu import ops

    return [ops.zeros((batch_size, size), dtype=cell.compute_dtype) for size in sizes]


def cell_property(name):
    """A read-only property of a recurrent layer that reads its cell's attribute ``name``."""
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's `{name}`.")

