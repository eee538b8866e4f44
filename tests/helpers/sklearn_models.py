"""Tiny model builders for the scikit-learn wrapper tests (tests/wrappers/).

They live in an importable module because scikit-learn pickles estimators, and an estimator's
``model`` callable pickles by reference. Weights start from a seeded initializer, and the
tests fit with ``shuffle=False``, so two fits of the same data give the same model: the
wrappers then meet scikit-learn's reproducibility checks as any deterministic estimator does.

``run_eagerly=True`` keeps JAX from compiling a new train step for every model: the checks
build ~150 models, and JAX caches eager ops by shape across models, not compiled steps.
"""

import cornu

QUIET_FIT = {"epochs": 1, "verbose": 0, "shuffle": False}


def dense_model(X, y, loss="mse", activation=None, hidden=0, learning_rate=0.001, run_eagerly=True, seed=1):
    """``Input -> [Dense(hidden, relu)] -> Dense(y.shape[1], activation)``, compiled with Adam."""
    layers = [cornu.Input((X.shape[1],))]
    if hidden:
        layers.append(cornu.layers.Dense(hidden, activation="relu",
                                         kernel_initializer=cornu.initializers.GlorotUniform(seed=seed + 1)))
    layers.append(cornu.layers.Dense(y.shape[1], activation=activation,
                                     kernel_initializer=cornu.initializers.GlorotUniform(seed=seed)))
    model = cornu.Sequential(layers)
    model.compile(optimizer=cornu.optimizers.Adam(learning_rate), loss=loss, run_eagerly=run_eagerly)
    return model


def softmax_classifier(X, y, **kwargs):
    """A ``dense_model`` for one-hot targets: softmax outputs (by default), categorical cross-entropy."""
    kwargs.setdefault("activation", "softmax")
    return dense_model(X, y, loss="categorical_crossentropy", **kwargs)


def not_a_model(X, y):
    """A broken ``model`` callable: returns a string."""
    return "not a model"


def uncompiled_model(X, y):
    """A broken ``model`` callable: returns a model that was never compiled."""
    return cornu.Sequential([cornu.Input((X.shape[1],)), cornu.layers.Dense(y.shape[1])])


def single_output_model(X, y):
    """A broken classifier model: one output unit whatever the number of classes (its loss
    ignores the targets, so it trains)."""
    model = cornu.Sequential([cornu.Input((X.shape[1],)), cornu.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=lambda y_true, y_pred: cornu.ops.mean(y_pred ** 2), run_eagerly=True)
    return model


class NamedBuilder:
    """A builder above, called by name, whose ``repr`` holds no memory address: scikit-learn's
    check ids contain the estimator's repr, and pytest-xdist needs the same ids in every worker.

    Example: ``SKLearnClassifier(model=NamedBuilder("softmax_classifier"))``
    """

    def __init__(self, name):
        self.name = name

    def __call__(self, X, y, **kwargs):
        return globals()[self.name](X, y, **kwargs)

    def __repr__(self):
        return self.name
