import numpy as np
import pytest

from cornu import backend
from cornu import ops
from cornu import optimizers
from cornu.optimizers import schedules

ALL = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "Nadam", "Adadelta", "Lion"]


def make_variables():
    with backend.name_scope("dense"):
        return [backend.Variable(np.ones((3, 2), "float32"), name="kernel"),
                backend.Variable(np.zeros((2,), "float32"), name="bias")]


def grads(value=1.0):
    return [ops.full((3, 2), value), ops.full((2,), value)]


@pytest.mark.parametrize("name", ALL)
def test_default_config_matches_keras(keras_ref, name):
    keras_ref.backend.clear_session()
    ours = getattr(optimizers, name)().get_config()
    theirs = getattr(keras_ref.optimizers, name)().get_config()
    assert ours == theirs


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("SGD", {"learning_rate": 0.5, "momentum": 0.9, "nesterov": True, "clipnorm": 1.0, "name": "my_sgd"}),
        ("Adam", {"learning_rate": 0.01, "amsgrad": True, "use_ema": True, "ema_momentum": 0.9,
                  "ema_overwrite_frequency": 5, "global_clipnorm": 2.0}),
        ("AdamW", {"weight_decay": 0.1, "gradient_accumulation_steps": 4, "loss_scale_factor": 128.0}),
        ("RMSprop", {"rho": 0.8, "momentum": 0.1, "epsilon": 1e-6, "centered": True, "clipvalue": 0.5}),
        ("Adagrad", {"initial_accumulator_value": 0.3}),
        ("Lion", {"beta_1": 0.8, "beta_2": 0.95}),
    ],
)
def test_config_round_trip_both_ways(keras_ref, name, kwargs):
    keras_ref.backend.clear_session()
    ours = getattr(optimizers, name)(**kwargs)
    theirs = getattr(keras_ref.optimizers, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()
    assert type(ours).from_config(theirs.get_config()).get_config() == theirs.get_config()
    assert type(theirs).from_config(ours.get_config()).get_config() == ours.get_config()


def test_schedule_in_config(keras_ref):
    keras_ref.backend.clear_session()
    schedule = schedules.PolynomialDecay(0.1, 100, cycle=True)
    ours = optimizers.Adam(learning_rate=schedule)
    theirs = keras_ref.optimizers.Adam(learning_rate=keras_ref.optimizers.schedules.PolynomialDecay(0.1, 100, cycle=True))
    assert ours.get_config() == theirs.get_config()
    rebuilt = optimizers.Adam.from_config(ours.get_config())
    assert isinstance(rebuilt._learning_rate, schedules.PolynomialDecay)
    assert keras_ref.optimizers.Adam.from_config(ours.get_config()).get_config() == ours.get_config()
    # No learning-rate variable when a schedule drives the rate.
    assert [v.name for v in ours.variables] == ["iteration"]


def test_get_serialize_deserialize(keras_ref):
    for identifier, cls in [("adam", "Adam"), ("Adam", "Adam"), ("sgd", "SGD"), ("rmsprop", "RMSprop"),
                            ("adamw", "AdamW"), ("nadam", "Nadam"), ("lion", "Lion"), ("adadelta", "Adadelta"),
                            ("adagrad", "Adagrad"), ("adamax", "Adamax")]:
        assert type(optimizers.get(identifier)) is getattr(optimizers, cls)
    opt = optimizers.SGD()
    assert optimizers.get(opt) is opt
    assert optimizers.get(None) is None
    from_dict = optimizers.get({"class_name": "adam", "config": {"learning_rate": 0.5}})
    assert isinstance(from_dict, optimizers.Adam)
    assert float(ops.convert_to_numpy(from_dict.learning_rate)) == 0.5
    with pytest.raises(ValueError, match="Could not interpret"):
        optimizers.get("nope")
    with pytest.raises(ValueError, match="Could not interpret"):
        optimizers.get(3)
    keras_ref.backend.clear_session()
    config = optimizers.serialize(optimizers.RMSprop(centered=True, name="rms"))
    assert config == keras_ref.optimizers.serialize(keras_ref.optimizers.RMSprop(centered=True, name="rms"))
    assert isinstance(optimizers.deserialize(config), optimizers.RMSprop)
    assert keras_ref.optimizers.deserialize(config).get_config() == config["config"]


def test_public_names(keras_ref):
    ours = {n for n in dir(optimizers) if not n.startswith("_")}
    expected = {"Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Lion", "Nadam", "Optimizer", "RMSprop", "SGD",
                "deserialize", "get", "schedules", "serialize"}
    assert expected <= ours


def test_default_names_are_unique_and_snake_case():
    assert optimizers.Adam().name == "adam"
    assert optimizers.Adam().name == "adam_1"
    assert optimizers.RMSprop().name == "rm_sprop"
    assert optimizers.AdamW().name == "adam_w"


def test_variables_and_iterations():
    opt = optimizers.Adam(learning_rate=0.1)
    assert [v.name for v in opt.variables] == ["iteration", "learning_rate"]
    assert opt.iterations.dtype == "int32"
    variables = make_variables()
    returned = opt.apply_gradients(zip(grads(), variables))
    assert returned is opt.iterations
    assert int(opt.iterations.numpy()) == 1
    assert [v.path for v in opt.variables] == [
        "adam/iteration", "adam/learning_rate", "adam/dense_kernel_momentum", "adam/dense_kernel_velocity",
        "adam/dense_bias_momentum", "adam/dense_bias_velocity",
    ]
    assert all(not v.trainable for v in opt.variables)
    opt.apply(grads())  # built: variables may be omitted
    assert int(opt.iterations.numpy()) == 2
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply(grads()[:1], [backend.Variable(np.ones((3, 2), "float32"))])
    with pytest.raises(ValueError, match="one-to-one"):
        opt.apply(grads()[:1])
    with pytest.raises(ValueError, match="must already be built"):
        optimizers.SGD().apply(grads())


def test_learning_rate_property():
    opt = optimizers.SGD(learning_rate=0.1)
    np.testing.assert_allclose(opt.learning_rate.numpy(), 0.1)
    opt.learning_rate = 0.5
    np.testing.assert_allclose(opt.learning_rate.numpy(), 0.5)
    assert len(opt.variables) == 2
    opt.learning_rate = schedules.ExponentialDecay(0.1, 10, 0.5)
    assert [v.name for v in opt.variables] == ["iteration"]
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.3
    callable_opt = optimizers.SGD(learning_rate=lambda: 0.25)
    variable = backend.Variable(np.ones((2,), "float32"))
    callable_opt.apply([ops.ones((2,))], [variable])
    np.testing.assert_allclose(variable.numpy(), [0.75, 0.75])
    # cornu also accepts ints and numpy scalars (Keras insists on a Python float).
    assert float(optimizers.SGD(learning_rate=1).learning_rate.numpy()) == 1.0
    assert float(optimizers.SGD(learning_rate=np.float32(0.5)).learning_rate.numpy()) == 0.5
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.SGD(learning_rate="fast")


def test_argument_validation():
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        optimizers.SGD(gradient_accumulation_steps=1)
    with pytest.raises(ValueError, match="ema_momentum"):
        optimizers.SGD(use_ema=True, ema_momentum=1.5)
    with pytest.raises(ValueError, match="ema_overwrite_frequency"):
        optimizers.SGD(use_ema=True, ema_overwrite_frequency=0.5)
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.SGD(lr=0.1)
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="beta_1"):
        optimizers.Lion(beta_1=0.0)
    with pytest.warns(UserWarning, match="decay"):
        optimizers.SGD(decay=0.1)


def test_gradient_accumulation_counts_real_steps():
    opt = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=2)
    variable = backend.Variable(np.zeros((2,), "float32"))
    opt.apply([ops.convert_to_tensor([1.0, 2.0])], [variable])
    np.testing.assert_array_equal(variable.numpy(), [0.0, 0.0])
    assert int(ops.convert_to_numpy(opt.iterations)) == 0
    opt.apply([ops.convert_to_tensor([3.0, 4.0])], [variable])
    np.testing.assert_allclose(variable.numpy(), [-2.0, -3.0])
    assert int(ops.convert_to_numpy(opt.iterations)) == 1
    assert int(opt._iterations.numpy()) == 2


def test_ema_finalize():
    opt = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    variable = backend.Variable(np.zeros((1,), "float32"))
    for _ in range(3):
        opt.apply([ops.ones((1,))], [variable])
    np.testing.assert_allclose(variable.numpy(), [-3.0])
    opt.finalize_variable_values([variable])
    # averages: step 1 copies -1; then 0.5 * -1 + 0.5 * -2 = -1.5; then 0.5 * -1.5 + 0.5 * -3 = -2.25
    np.testing.assert_allclose(variable.numpy(), [-2.25])


def test_scale_loss_and_loss_scale_factor():
    assert optimizers.SGD().scale_loss(2.0) == 2.0
    opt = optimizers.SGD(learning_rate=1.0, loss_scale_factor=4.0)
    assert opt.scale_loss(2.0) == 8.0
    variable = backend.Variable(np.zeros((1,), "float32"))
    opt.apply([ops.full((1,), 4.0)], [variable])
    np.testing.assert_allclose(variable.numpy(), [-1.0])


def test_weights_save_and_load():
    opt = optimizers.Adam(learning_rate=0.1)
    variables = make_variables()
    opt.apply(grads(), variables)
    store = {}
    opt.save_own_variables(store)
    assert sorted(store, key=int) == [str(i) for i in range(6)]
    fresh = optimizers.Adam(learning_rate=0.1)
    fresh.build(make_variables())
    fresh.load_own_variables(store)
    for a, b in zip(opt.variables, fresh.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    fresh.set_weights(opt.get_weights())
    with pytest.raises(ValueError, match="not compatible"):
        fresh.set_weights([np.zeros((5,))] * 6)
    with pytest.raises(ValueError, match="not yet been built"):
        optimizers.Adam().set_weights([])
    unbuilt = optimizers.Adam()
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        unbuilt.load_own_variables(store)


def test_keras_weights_load_into_cornu(keras_ref):
    """Optimizer state saved by Keras (indexed "0", "1", ...) restores into cornu and steps identically."""
    keras_ref.backend.clear_session()
    theirs = keras_ref.optimizers.RMSprop(learning_rate=0.1, momentum=0.5, centered=True)
    with keras_ref.name_scope("dense"):
        their_vars = [keras_ref.Variable(np.ones((3, 2), "float32"), name="kernel"),
                      keras_ref.Variable(np.zeros((2,), "float32"), name="bias")]
    for value in (1.0, -0.5):
        theirs.apply([np.full((3, 2), value, "float32"), np.full((2,), value, "float32")], their_vars)
    store = {}
    theirs.save_own_variables(store)
    ours = optimizers.RMSprop(learning_rate=0.1, momentum=0.5, centered=True)
    our_vars = make_variables()
    ours.build(our_vars)
    ours.load_own_variables(store)
    for a, b in zip(our_vars, their_vars):
        a.assign(np.asarray(b.numpy()))
    ours.apply(grads(0.3), our_vars)
    theirs.apply([np.full((3, 2), 0.3, "float32"), np.full((2,), 0.3, "float32")], their_vars)
    for a, b in zip(our_vars, their_vars):
        np.testing.assert_allclose(a.numpy(), np.asarray(b.numpy()), rtol=1e-5, atol=1e-6)


def test_custom_optimizer_subclass():
    class SignSGD(optimizers.Optimizer):
        def __init__(self, learning_rate=0.1, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)

        def update_step(self, gradient, variable, learning_rate):
            self.assign_sub(variable, ops.cast(learning_rate, variable.dtype) * ops.sign(gradient))

    opt = SignSGD()
    assert opt.name == "sign_sgd"
    variable = backend.Variable(np.zeros((2,), "float32"))
    opt.apply([ops.convert_to_tensor([3.0, -2.0])], [variable])
    np.testing.assert_allclose(variable.numpy(), [-0.1, 0.1])

    class Forgetful(optimizers.Optimizer):
        def __init__(self):
            self.x = 1

    with pytest.raises(RuntimeError, match="super"):
        Forgetful()


def test_mixed_precision_variable_dtypes():
    opt = optimizers.Adam(learning_rate=0.1)
    variable = backend.Variable(np.ones((2,), "float16"), dtype="float16")
    opt.apply([ops.ones((2,), dtype="float16")], [variable])
    assert variable.dtype == "float16"
    assert opt.variables[-1].dtype == "float16"
    assert not np.allclose(variable.numpy(), 1.0)
