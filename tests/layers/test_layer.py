"""The ``Layer`` base class: building, weights, attribute tracking, the state lock after ``build``,
``training`` propagation, shape inference, configs and the missing ``super().__init__()`` error.

Where it is cheap, the same code runs on the real Keras (``keras_ref``) and both must agree.
"""

import numpy as np
import pytest

import cornu
from cornu import layers

from tests.helpers.layer_compare import to_numpy

X = np.arange(6, dtype="float32").reshape(2, 3) / 10
LOCK_MESSAGE = (
    "You cannot add new elements of state (variables or sub-layers) to a layer that is already built. "
    "All state must be created in the `__init__()` method or in the `build()` method."
)


def _outcome(action):
    """("ok", None) or (exception type name, message) for running ``action()``."""
    try:
        action()
    except Exception as error:  # noqa: BLE001  (the type is what we compare)
        return type(error).__name__, str(error)
    return "ok", None


# ------------------------------------------------------------------ layers written once for both
def _scale_class(k):
    class Scale(k.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

        def call(self, x):
            return x * self.w

    return Scale


def _built_scale(k):
    layer = _scale_class(k)()
    layer(X)
    return layer


def _outer_class(k):
    class Outer(k.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = k.layers.Dense(2, kernel_initializer="ones")

        def call(self, x):
            return self.dense(x)

    return Outer


def _lazy_weight(k):
    class LazyWeight(k.layers.Layer):
        def call(self, x):
            if not hasattr(self, "w"):
                self.w = self.add_weight(shape=(x.shape[-1],), initializer="ones")
            return x * self.w

    LazyWeight()(X)


def _lazy_sublayer(k):
    class LazySublayer(k.layers.Layer):
        def call(self, x):
            if not hasattr(self, "dense"):
                self.dense = k.layers.Dense(2)
            return self.dense(x)

    LazySublayer()(X)


def _subclassed_model(k):
    class TwoLayers(k.Model):
        def __init__(self):
            super().__init__()
            self.first = k.layers.Dense(2)

        def call(self, x):
            return self.first(x)

    model = TwoLayers()
    model(X)
    return model


def _functional(k):
    inputs = k.Input((3,))
    return k.Model(inputs, k.layers.Dense(2)(inputs))


def _user_build_then_add(k):
    layer = _scale_class(k)()
    layer.build((2, 3))
    layer.add_weight(shape=(1,))


def _build_twice(k):
    layer = _built_scale(k)
    layer.build((2, 3))


def _reassign_same_variable(k):
    layer = _built_scale(k)
    layer.alias = layer.w
    layer.w = layer.w


def _sublayer_variable_on_parent(k):
    outer = _outer_class(k)()
    outer(X)
    outer.kernel = outer.dense.kernel


def _nested_layer_add_weight(k):
    outer = _outer_class(k)()
    outer(X)
    outer.dense.add_weight(shape=(1,))


LOCKED_AFTER_BUILD = {
    "add_weight": lambda k: _built_scale(k).add_weight(shape=(1,)),
    "new sub-layer": lambda k: setattr(_built_scale(k), "extra", k.layers.Dense(2)),
    "new variable": lambda k: setattr(_built_scale(k), "extra", k.Variable(np.ones(2, "float32"))),
    "list of new layers": lambda k: setattr(_built_scale(k), "extra", [k.layers.Dense(2)]),
    "tuple of new layers": lambda k: setattr(_built_scale(k), "extra", (k.layers.Dense(2),)),
    "dict of new layers": lambda k: setattr(_built_scale(k), "extra", {"a": k.layers.Dense(2)}),
    "metric": lambda k: setattr(_built_scale(k), "extra", k.metrics.Mean()),
    "seed generator": lambda k: setattr(_built_scale(k), "extra", k.random.SeedGenerator(1)),
    "build() called by the user": _user_build_then_add,
    "build() called twice": _build_twice,
    "weight created lazily in call()": _lazy_weight,
    "sub-layer created lazily in call()": _lazy_sublayer,
    "a sub-layer's variable on the parent": _sublayer_variable_on_parent,
    "add_weight on a built nested layer": _nested_layer_add_weight,
    "subclassed model, new layer": lambda k: setattr(_subclassed_model(k), "extra", k.layers.Dense(2)),
    "subclassed model, add_weight": lambda k: _subclassed_model(k).add_weight(shape=(1,)),
}

ALLOWED = {
    "add_weight before build": lambda k: _scale_class(k)().add_weight(shape=(1,)),
    "plain attribute after build": lambda k: setattr(_built_scale(k), "note", [1, 2.0, "three"]),
    "re-assigning tracked state": _reassign_same_variable,
    "deleting a variable": lambda k: delattr(_built_scale(k), "w"),
    "freezing after build": lambda k: setattr(_built_scale(k), "trainable", False),
    "compile after build": lambda k: _subclassed_model(k).compile(optimizer="sgd", loss="mse", metrics=["mae"]),
    "functional model, new layer": lambda k: setattr(_functional(k), "extra", k.layers.Dense(2)),
    "functional model, add_weight": lambda k: _functional(k).add_weight(shape=(1,)),
    "sequential model, add()": lambda k: k.Sequential([k.Input((3,)), k.layers.Dense(2)]).add(k.layers.Dense(1)),
}


# ------------------------------------------------------------------------------- build
def test_build_runs_once_on_first_call_with_the_input_shape():
    seen = []

    class Recorder(layers.Layer):
        def build(self, input_shape):
            seen.append(tuple(input_shape))
            self.w = self.add_weight(shape=(input_shape[-1], 4), initializer="ones")

        def call(self, x):
            return cornu.ops.matmul(x, self.w)

    layer = Recorder()
    assert not layer.built and layer.weights == []
    out = layer(X)
    layer(X * 2)
    assert layer.built
    assert seen == [(2, 3)]
    np.testing.assert_allclose(to_numpy(out), np.tile(X.sum(axis=1, keepdims=True), (1, 4)), rtol=1e-6)
    assert layer.get_build_config() == {"input_shape": [2, 3]}


def test_layer_without_build_is_built_by_its_first_call():
    class Doubler(layers.Layer):
        def call(self, x):
            return x * 2

    layer = Doubler()
    assert not layer.built
    np.testing.assert_allclose(to_numpy(layer(X)), X * 2)
    assert layer.built and layer.weights == []


# ------------------------------------------------------------------------- add_weight
def test_add_weight_shapes_dtypes_and_initializers():
    class Many(layers.Layer):
        def build(self, input_shape):
            self.by_name = self.add_weight(shape=(2, 3), initializer="ones", name="by_name")
            self.by_callable = self.add_weight(
                shape=(3,), initializer=lambda shape, dtype=None: np.full(shape, 0.25, "float32"), name="by_callable")
            self.by_instance = self.add_weight(shape=(2,), initializer=cornu.initializers.Constant(-1.5),
                                               name="by_instance")
            self.wide = self.add_weight(shape=(2,), initializer="ones", dtype="float64", name="wide")
            self.count = self.add_weight(shape=(), dtype="int32", trainable=False, name="count")
            self.default = self.add_weight(shape=(4, 5), name="default")

        def call(self, x):
            return x

    layer = Many()
    layer(X)
    assert [tuple(w.shape) for w in layer.weights] == [(2, 3), (3,), (2,), (2,), (4, 5), ()]
    assert [w.dtype for w in layer.weights] == ["float32", "float32", "float32", "float64", "float32", "int32"]
    np.testing.assert_array_equal(to_numpy(layer.by_name.value), np.ones((2, 3)))
    np.testing.assert_array_equal(to_numpy(layer.by_callable.value), np.full(3, 0.25))
    np.testing.assert_array_equal(to_numpy(layer.by_instance.value), np.full(2, -1.5))
    assert int(to_numpy(layer.count.value)) == 0  # integer weights start at zero
    default = to_numpy(layer.default.value)
    limit = np.sqrt(6 / (4 + 5))  # glorot_uniform is the default for floats
    assert np.all(np.abs(default) <= limit) and np.std(default) > 0
    assert [w.name for w in layer.trainable_weights] == ["by_name", "by_callable", "by_instance", "wide", "default"]
    assert [w.name for w in layer.non_trainable_weights] == ["count"]
    assert layer.count_params() == 6 + 3 + 2 + 2 + 1 + 20


def test_add_weight_rejects_a_name_in_place_of_the_shape():
    class Wrong(layers.Layer):
        def build(self, input_shape):
            self.add_weight("kernel")

    with pytest.raises(ValueError, match="shape"):
        Wrong()(X)


def _mixed_order_class(k):
    class Mixed(k.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.early = k.Variable(np.ones(1, "float32"), name="early")

        def build(self, input_shape):
            self.a = self.add_weight(shape=(1,), trainable=False, name="a")
            self.b = self.add_weight(shape=(2,), name="b")
            self.listed = [k.Variable(np.ones(1, "float32"), name="l0"),
                           k.Variable(np.ones(1, "float32"), name="l1", trainable=False)]
            self.sub = k.layers.Dense(2, name="sub")
            self.sub.build(input_shape)
            self.c = self.add_weight(shape=(3,), name="c")

        def call(self, x):
            return x

    return Mixed


def test_weight_order_matches_keras(keras_ref):
    ours, theirs = _mixed_order_class(cornu)(), _mixed_order_class(keras_ref)()
    ours(X)
    theirs(X)
    for attribute in ("weights", "trainable_weights", "non_trainable_weights"):
        assert [w.name for w in getattr(ours, attribute)] == [w.name for w in getattr(theirs, attribute)], attribute
    assert ours.count_params() == theirs.count_params()
    ours.b.trainable = False  # freezing later does not move a weight
    theirs.b.trainable = False
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]


# --------------------------------------------------------------------------- losses
def test_regularizer_and_activity_losses_are_collected():
    class Regularized(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(3,), initializer=cornu.initializers.Constant(2.0),
                                     regularizer=cornu.regularizers.L2(0.1), name="w")
            self.frozen = self.add_weight(shape=(3,), initializer="ones", trainable=False,
                                          regularizer=cornu.regularizers.L1(5.0), name="frozen")

        def call(self, x):
            self.add_loss(cornu.ops.sum(x))
            return x * self.w

    layer = Regularized(activity_regularizer=cornu.regularizers.L1(0.5))
    y = layer(X)
    values = sorted(float(to_numpy(v)) for v in layer.losses)
    activity = 0.5 * np.abs(X * 2.0).sum() / X.shape[0]
    # Non-trainable weights add no penalty; the call's own loss and the activity loss are kept.
    np.testing.assert_allclose(values, sorted([0.1 * 4.0 * 3, float(X.sum()), activity]), rtol=1e-6)
    np.testing.assert_allclose(to_numpy(y), X * 2.0, rtol=1e-6)
    layer(X[:1])  # each top-level call starts from fresh call losses
    np.testing.assert_allclose(sorted(float(to_numpy(v)) for v in layer.losses),
                               sorted([1.2, float(X[:1].sum()), 0.5 * np.abs(X[:1] * 2.0).sum()]), rtol=1e-6)


# ---------------------------------------------------------------- attribute tracking
def _container_class(k):
    class Containers(k.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.blocks = [k.layers.Dense(2, name="l0"), k.layers.Dense(3, name="l1")]
            self.heads = {"x": k.layers.Dense(4, name="dx"), "y": k.layers.Dense(1, name="dy", use_bias=False)}
            self.pair = (k.layers.Dense(2, name="t0"),)
            self.scale = k.Variable(np.ones(3, "float32"), name="scale")
            self.seed = k.random.SeedGenerator(3)

        def call(self, x):
            x = x * self.scale
            outs = [block(x) for block in self.blocks] + [head(x) for head in self.heads.values()]
            outs.append(self.pair[0](x))
            return k.ops.concatenate(outs, axis=-1)

    return Containers


def test_attribute_tracking_of_variables_sublayers_lists_and_dicts(keras_ref):
    ours, theirs = _container_class(cornu)(), _container_class(keras_ref)()
    out = ours(X)
    theirs(X)
    assert tuple(out.shape) == (2, 12)
    assert len(ours._flatten_layers(include_self=False)) == 5
    # Names, not paths: Keras prefixes a sub-layer built inside its parent's call with the parent's name.
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    assert [w.name for w in ours.trainable_weights] == [w.name for w in theirs.trainable_weights]
    assert [w.path.split("/")[-2] for w in ours.weights[1:]] == ["l0", "l0", "l1", "l1", "dx", "dx", "dy", "t0", "t0"]
    assert len(ours.non_trainable_variables) == len(theirs.non_trainable_variables) == 1  # the seed state
    assert ours.count_params() == theirs.count_params() == 2 * 3 + 2 + 3 * 3 + 3 + 3 * 4 + 4 + 3 + 3 * 2 + 2 + 3
    ours.trainable = False
    assert ours.trainable_weights == [] and len(ours.non_trainable_weights) == len(ours.weights)
    assert all(not layer.trainable for layer in ours._flatten_layers())


# ------------------------------------------------------------------------ state lock
@pytest.mark.parametrize("case", sorted(LOCKED_AFTER_BUILD))
def test_adding_state_after_build_raises_like_keras(case, keras_ref):
    theirs = _outcome(lambda: LOCKED_AFTER_BUILD[case](keras_ref))
    ours = _outcome(lambda: LOCKED_AFTER_BUILD[case](cornu))
    assert theirs[0] == "ValueError" and LOCK_MESSAGE in theirs[1], theirs
    assert ours == ("ValueError", LOCK_MESSAGE)


@pytest.mark.parametrize("case", sorted(ALLOWED))
def test_what_keras_allows_after_build_stays_allowed(case, keras_ref):
    assert _outcome(lambda: ALLOWED[case](keras_ref)) == ("ok", None)
    assert _outcome(lambda: ALLOWED[case](cornu)) == ("ok", None)


def test_sequential_model_takes_new_attributes_after_build(keras_ref):
    for k in (keras_ref, cornu):
        model = k.Sequential([k.Input((3,)), k.layers.Dense(2)])
        assert _outcome(lambda: setattr(model, "extra", k.layers.Dense(1))) == ("ok", None)


def test_a_subclass_build_calling_super_build_first_can_still_add_weights():
    class Base(layers.Layer):
        def build(self, input_shape):
            self.base = self.add_weight(shape=(1,), name="base")

        def call(self, x):
            return x

    class Child(Base):
        def build(self, input_shape):
            super().build(input_shape)
            self.child = self.add_weight(shape=(2,), name="child")

    class AfterDefault(layers.Layer):
        def build(self, input_shape):
            super().build(input_shape)  # Layer.build marks the layer built but does not lock it
            self.w = self.add_weight(shape=(1,), name="w")

        def call(self, x):
            return x

    child = Child()
    child(X)
    assert [w.name for w in child.weights] == ["base", "child"]
    with pytest.raises(ValueError, match="already built"):
        child.add_weight(shape=(1,))
    after = AfterDefault()
    after(X)
    assert [w.name for w in after.weights] == ["w"]
    with pytest.raises(ValueError, match="already built"):
        after.add_weight(shape=(1,))


def test_library_code_can_unlock_a_built_layer_on_purpose():
    from cornu.layers.layer_state import state_lock_lifted

    layer = _built_scale(cornu)
    with layer._state_unlocked():
        extra = layer.add_weight(shape=(2,), initializer="ones", name="extra")
        layer.helper = layers.Dense(1)
    assert [w.name for w in layer.weights] == ["w", "extra"]
    with pytest.raises(ValueError, match="already built"):  # locked again after the block
        layer.add_weight(shape=(1,))
    with state_lock_lifted():
        layer.more = cornu.Variable(np.zeros(1, "float32"), name="more")
    assert [w.name for w in layer.weights] == ["w", "extra", "more"]
    assert extra.path.endswith("extra")


def test_untracked_attributes_stay_free_after_build():
    rnn = layers.SimpleRNN(2, stateful=True)
    rnn(np.ones((2, 4, 3), "float32"))
    rnn.states = [cornu.Variable(np.zeros((2, 2), "float32"))]  # a stateful RNN's state is not a weight
    assert len(rnn.weights) == 3


# ------------------------------------------------------------------- training flag
def _training_pair(k):
    class Inner(k.layers.Layer):
        def call(self, x, training=None):
            return x * (2.0 if training else 1.0)

    class Outer(k.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = Inner()
            self.forced = Inner()

        def call(self, x):
            return self.inner(x) + 10 * self.forced(x, training=False)

    return Outer


@pytest.mark.parametrize("training, expected_scale", [(True, 2.0 + 10), (False, 1.0 + 10), (None, 1.0 + 10)])
def test_training_reaches_sublayers_like_keras(training, expected_scale, keras_ref):
    kwargs = {} if training is None else {"training": training}
    ours = to_numpy(_training_pair(cornu)()(X, **kwargs))
    theirs = np.asarray(_training_pair(keras_ref)()(X, **kwargs))
    np.testing.assert_allclose(ours, X * expected_scale, rtol=1e-6)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_training_default_of_call_signature_is_used():
    class DefaultTrue(layers.Layer):
        def call(self, x, training=True):
            return x * (3.0 if training else 1.0)

    np.testing.assert_allclose(to_numpy(DefaultTrue()(X)), X * 3.0)
    np.testing.assert_allclose(to_numpy(DefaultTrue()(X, training=False)), X)


# -------------------------------------------------------------------- shape inference
def _shape_layers(k):
    class Declared(k.layers.Layer):
        def call(self, x):
            return k.ops.concatenate([x, x], axis=-1)

        def compute_output_shape(self, input_shape):
            return tuple(input_shape[:-1]) + (input_shape[-1] * 2,)

    class Inferred(k.layers.Layer):
        def call(self, x):
            return k.ops.sum(x, axis=1)

    return Declared(), Inferred()


def test_compute_output_shape_and_spec_match_keras(keras_ref):
    ours, theirs = _shape_layers(cornu), _shape_layers(keras_ref)
    assert ours[0].compute_output_shape((None, 4, 3)) == theirs[0].compute_output_shape((None, 4, 3)) == (None, 4, 6)
    for our_layer, their_layer in zip(ours, theirs):
        spec = our_layer.compute_output_spec(cornu.KerasTensor((None, 4, 3)))
        their_spec = their_layer.compute_output_spec(keras_ref.KerasTensor((None, 4, 3)))
        assert tuple(spec.shape) == tuple(their_spec.shape)
        assert spec.dtype == their_spec.dtype == "float32"
        symbolic = our_layer(cornu.Input((4, 3)))
        assert tuple(symbolic.shape) == tuple(their_layer(keras_ref.Input((4, 3))).shape)
    assert tuple(ours[1](np.ones((2, 4, 3), "float32")).shape) == (2, 3)
    with pytest.raises(NotImplementedError):
        layers.Layer().compute_output_shape((None, 3))


# ---------------------------------------------------------------------------- config
def _configurable_class(k):
    class Shift(k.layers.Layer):
        def __init__(self, amount=1.0, axis=-1, **kwargs):
            super().__init__(**kwargs)
            self.amount = amount
            self.axis = axis

        def call(self, x):
            return x + self.amount

        def get_config(self):
            return {**super().get_config(), "amount": self.amount, "axis": self.axis}

    return Shift


def test_get_config_from_config_round_trip_matches_keras(keras_ref):
    ours = _configurable_class(cornu)(amount=2.5, axis=1, name="shift", trainable=False, dtype="float16")
    theirs = _configurable_class(keras_ref)(amount=2.5, axis=1, name="shift", trainable=False, dtype="float16")
    config = ours.get_config()
    assert config == theirs.get_config()
    clone = type(ours).from_config(config)
    assert (clone.name, clone.amount, clone.axis, clone.trainable, clone.dtype) == ("shift", 2.5, 1, False, "float16")
    out = to_numpy(clone(X))
    assert out.dtype == np.float16
    np.testing.assert_allclose(out, X + 2.5, rtol=1e-3)


def test_automatic_config_includes_default_arguments_like_keras(keras_ref):
    def shift_without_get_config(k):
        class Shift(k.layers.Layer):
            def __init__(self, amount=1.0, label="shift", **kwargs):
                super().__init__(**kwargs)
                self.amount = amount

            def call(self, x):
                return x + self.amount

        return Shift

    ours = shift_without_get_config(cornu)(amount=3.0, name="s")
    assert ours.get_config() == shift_without_get_config(keras_ref)(amount=3.0, name="s").get_config()
    assert ours.get_config()["label"] == "shift"
    clone = type(ours).from_config(ours.get_config())
    np.testing.assert_allclose(to_numpy(clone(X)), X + 3.0, rtol=1e-6)


def test_base_layer_config_keys_match_keras(keras_ref):
    ours = layers.Layer(name="plain").get_config()
    theirs = keras_ref.layers.Layer(name="plain").get_config()
    assert ours == theirs


# ----------------------------------------------------------------------- user errors
def _no_super_class(k):
    class NoSuper(k.layers.Layer):
        def __init__(self):
            self.units = 3

        def call(self, x):
            return x

    return NoSuper


@pytest.mark.parametrize("action", ["call", "symbolic call", "add_weight"])
def test_forgetting_super_init_raises_like_keras(action, keras_ref):
    def run(k):
        layer = _no_super_class(k)()
        if action == "call":
            return lambda: layer(X)
        if action == "symbolic call":
            return lambda: layer(k.Input((3,)))
        return lambda: layer.add_weight(shape=(1,))

    theirs, ours = _outcome(run(keras_ref)), _outcome(run(cornu))
    assert theirs[0] == ours[0] == "RuntimeError"
    assert ours[1] == theirs[1] == (
        "In layer 'NoSuper', you forgot to call `super().__init__()` as the first statement in the `__init__()` "
        "method. Go add it!")


def test_assigning_before_super_init_still_works():
    class LateSuper(layers.Layer):
        def __init__(self):
            self.dense = layers.Dense(2, kernel_initializer="ones", use_bias=False)
            super().__init__()

        def call(self, x):
            return self.dense(x)

    layer = LateSuper()
    np.testing.assert_allclose(to_numpy(layer(X)), np.tile(X.sum(axis=1, keepdims=True), (1, 2)), rtol=1e-6)
    assert len(layer.weights) == 1


@pytest.mark.parametrize("kwargs", [{"trainable": "yes"}, {"trainable": 1}, {"foo": 1}])
def test_bad_constructor_arguments_raise_like_keras(kwargs, keras_ref):
    assert _outcome(lambda: keras_ref.layers.Layer(**kwargs))[0] == "ValueError"
    assert _outcome(lambda: layers.Layer(**kwargs))[0] == "ValueError"
