"""OptimizerMap and MultiOptimizer: routing, ten steps against separate optimizers and against Keras."""

import inspect

import numpy as np
import pytest

from cornu import backend
from cornu import ops
from cornu import optimizers

RNG = np.random.default_rng(7)
INIT = {
    "dense_1/kernel": RNG.normal(size=(3, 2)).astype("float32"),
    "dense_1/bias": RNG.normal(size=(2,)).astype("float32"),
    "dense_2/kernel": RNG.normal(size=(2, 1)).astype("float32"),
    "other/bias": RNG.normal(size=(1,)).astype("float32"),
}
GRADS = [[RNG.normal(size=v.shape).astype("float32") * (1 + i % 3) for v in INIT.values()] for i in range(10)]


def make_variables(module):
    """One variable per entry of INIT, created under its name scope (so the paths match INIT's keys)."""
    out = []
    for path, value in INIT.items():
        scope, name = path.split("/")
        with module.name_scope(scope):
            out.append(module.Variable(value, name=name))
    return out


def build_multi(module):
    o = module.optimizers
    adam = o.Adam(learning_rate=0.05, beta_1=0.8)
    sgd = o.SGD(learning_rate=0.1, momentum=0.9)
    default = o.RMSprop(learning_rate=0.01)
    multi = o.MultiOptimizer(o.OptimizerMap(default_optimizer=default, optimizer_map={"dense_1/.*": adam,
                                                                                      "dense_2/kernel": sgd}))
    return multi, (adam, sgd, default)


def assert_close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-5)


def test_signatures_match_keras(keras_ref):
    for name in ("MultiOptimizer", "OptimizerMap"):
        ours = inspect.signature(getattr(optimizers, name).__init__)
        theirs = inspect.signature(getattr(keras_ref.optimizers, name).__init__)
        assert [(p.name, p.default) for p in ours.parameters.values()] == [
            (p.name, p.default) for p in theirs.parameters.values()
        ]


def test_optimizer_map_lookup_and_validation():
    adam, sgd, rms = optimizers.Adam(), optimizers.SGD(), optimizers.RMSprop()
    optimizer_map = optimizers.OptimizerMap(default_optimizer=rms)
    optimizer_map["encoder/layer_0/dense"] = adam
    optimizer_map["encoder/.*"] = sgd
    optimizer_map["decoder"] = adam
    assert optimizer_map["decoder"] is adam
    assert optimizer_map["encoder/layer_0/dense"] is adam  # an exact key wins over patterns
    assert optimizer_map["encoder/layer_0/attention/query"] is sgd
    assert optimizer_map["decoder/layer_0/dense"] is rms  # patterns match the whole path only
    assert len(optimizer_map) == 3 and list(optimizer_map) == ["encoder/layer_0/dense", "encoder/.*", "decoder"]
    del optimizer_map["decoder"]
    assert optimizer_map["decoder"] is rms

    conflict = optimizers.OptimizerMap(rms, {".*kernel.*": adam, ".*dense.*": sgd})
    with pytest.raises(ValueError, match="Multiple optimizers assigned to variable dense/kernel"):
        conflict["dense/kernel"]
    with pytest.raises(ValueError, match="already exists"):
        optimizer_map["encoder/.*"] = adam
    with pytest.raises(ValueError, match="must be strings"):
        optimizer_map[3] = adam
    with pytest.raises(ValueError, match="LossScaleOptimizer"):
        optimizer_map["x"] = optimizers.LossScaleOptimizer(optimizers.SGD())
    with pytest.raises(ValueError, match="MultiOptimizer"):
        optimizer_map["y"] = optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.SGD()))
    with pytest.raises(ValueError, match="Optimizer"):
        optimizer_map["z"] = "adam"
    with pytest.raises(TypeError, match="default_optimizer"):
        optimizers.OptimizerMap("sgd")
    with pytest.raises(TypeError, match="optimizer_map"):
        optimizers.OptimizerMap(rms, [("a", adam)])
    with pytest.raises(TypeError, match="optimizer_map"):
        optimizers.MultiOptimizer("not a map")


def test_routing_and_optimizer_order():
    multi, (adam, sgd, default) = build_multi(__import__("cornu"))
    variables = make_variables(backend)
    multi.build(variables)
    assert multi.optimizers == [adam, sgd, default]
    routed = [multi.optimizers[multi._var_to_optimizer_idx[multi._var_key(v)]] for v in variables]
    assert routed == [adam, adam, sgd, default]
    # A callable map may bring new optimizers while building; they come after the known ones.
    late = optimizers.Adagrad()
    selector = optimizers.MultiOptimizer(lambda v: late if "other" in v.path else adam)
    selector.build(variables)
    assert selector.optimizers == [adam, late]
    with pytest.raises(AttributeError, match="Learning rate cannot be accessed"):
        multi.learning_rate
    with pytest.raises(AttributeError, match="Learning rate cannot be set"):
        multi.learning_rate = 0.1
    bad = optimizers.MultiOptimizer(lambda v: optimizers.LossScaleOptimizer(optimizers.SGD()))
    with pytest.raises(ValueError, match="LossScaleOptimizer"):
        bad.build(variables)


def run_separately(steps=10):
    """The reference: each optimizer on its own variables, with the gradients of those variables."""
    variables = make_variables(backend)
    adam = optimizers.Adam(learning_rate=0.05, beta_1=0.8)
    sgd = optimizers.SGD(learning_rate=0.1, momentum=0.9)
    default = optimizers.RMSprop(learning_rate=0.01)
    for grads in GRADS[:steps]:
        g = [ops.convert_to_tensor(x) for x in grads]
        adam.apply(g[:2], variables[:2])
        sgd.apply(g[2:3], variables[2:3])
        default.apply(g[3:], variables[3:])
    return [v.numpy() for v in variables]


def test_ten_steps_equal_separate_optimizers_and_keras(keras_ref):
    import cornu

    expected = run_separately()
    cornu.backend.common.global_state.clear_session()  # default names restart from "adam", as in Keras below
    multi, _ = build_multi(cornu)
    ours = make_variables(backend)
    for grads in GRADS:
        multi.apply([ops.convert_to_tensor(g) for g in grads], ours)
    for variable, value in zip(ours, expected):
        assert_close(variable.numpy(), value)
    assert not np.allclose(ours[0].numpy(), INIT["dense_1/kernel"])

    keras_ref.backend.clear_session()
    theirs_multi, _ = build_multi(keras_ref)
    theirs = make_variables(keras_ref)
    for grads in GRADS:
        theirs_multi.apply(list(grads), theirs)
    for a, b in zip(ours, theirs):
        assert_close(a.numpy(), b.numpy())
    # The same optimizer state, in the same order under the same names: what a .keras file holds.
    assert [v.path for v in multi.variables] == [v.path for v in theirs_multi.variables]
    for a, b in zip(multi.variables, theirs_multi.variables):
        assert_close(a.numpy(), b.numpy())
    assert int(ops.convert_to_numpy(multi.iterations)) == 10
    assert [int(ops.convert_to_numpy(o.iterations)) for o in multi.optimizers] == [10, 10, 10]


def test_stateless_apply_matches_apply():
    import cornu

    multi, _ = build_multi(cornu)
    variables = make_variables(backend)
    multi.build(variables)
    state = [v.value for v in multi.variables]
    weights = [v.value for v in variables]
    for grads in GRADS[:4]:
        weights, state = multi.stateless_apply(state, [ops.convert_to_tensor(g) for g in grads], weights)
    # Nothing was mutated...
    assert_close(variables[0].numpy(), INIT["dense_1/kernel"])
    assert int(ops.convert_to_numpy(multi.iterations)) == 0
    # ...and the values equal four eager steps.
    expected = run_separately(steps=4)
    for value, reference in zip(weights, expected):
        assert_close(ops.convert_to_numpy(value), reference)
    assert len(state) == len(multi.variables)
    assert int(ops.convert_to_numpy(state[0])) == 4
    with pytest.raises(ValueError, match="optimizer_variables"):
        multi.stateless_apply(state[:-1], GRADS[0], weights)


def test_loss_scale_factor_is_shared():
    sgd = optimizers.SGD(learning_rate=0.1, loss_scale_factor=2.0)
    adam = optimizers.Adam(loss_scale_factor=3.0)
    multi = optimizers.MultiOptimizer(optimizers.OptimizerMap(sgd, {"x/.*": adam}), loss_scale_factor=5.0)
    assert sgd.loss_scale_factor == adam.loss_scale_factor == 5.0
    assert float(ops.convert_to_numpy(multi.scale_loss(ops.convert_to_tensor(2.0)))) == 10.0
    with backend.name_scope("dense_1"):
        w = backend.Variable(np.full((1, 2), 2.0, "float32"), name="kernel")
    multi.apply([ops.convert_to_tensor(np.full((1, 2), 10.0, "float32"))], [w])
    assert_close(w.numpy(), [[1.8, 1.8]])  # 2 - 0.1 * (10 / 5)
    multi.loss_scale_factor = None
    assert sgd.loss_scale_factor is None and adam.loss_scale_factor is None


def test_weights_and_config_round_trip(keras_ref):
    import cornu

    multi, _ = build_multi(cornu)
    variables = make_variables(backend)
    for grads in GRADS[:3]:
        multi.apply([ops.convert_to_tensor(g) for g in grads], variables)
    config = optimizers.serialize(multi)
    keras_ref.backend.clear_session()
    theirs, _ = build_multi(keras_ref)
    assert config == keras_ref.optimizers.serialize(theirs)
    # Keras reads cornu's config and the other way round.
    assert type(keras_ref.optimizers.deserialize(config)).__name__ == "MultiOptimizer"
    rebuilt = optimizers.deserialize(config)
    assert [type(o).__name__ for o in rebuilt.optimizers] == ["Adam", "SGD", "RMSprop"]
    assert rebuilt.optimizers[0].beta_1 == 0.8
    rebuilt.build(make_variables(backend))
    rebuilt.set_weights(multi.get_weights())
    for a, b in zip(rebuilt.variables, multi.variables):
        assert_close(a.numpy(), b.numpy())
    with pytest.raises(ValueError, match="one array per optimizer variable"):
        rebuilt.set_weights(multi.get_weights()[:-1])


def test_finalize_routes_to_ema_sub_optimizers():
    ema = optimizers.SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.5)
    multi = optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.SGD(0.1), {"dense_1/.*": ema}))
    variables = make_variables(backend)
    for grads in GRADS[:3]:
        multi.apply([ops.convert_to_tensor(g) for g in grads], variables)
    averages = [v.numpy() for v in ema._model_variables_moving_average]
    untouched = variables[2].numpy()
    multi.finalize_variable_values(variables)
    assert_close(variables[0].numpy(), averages[0])
    assert_close(variables[1].numpy(), averages[1])
    assert_close(variables[2].numpy(), untouched)
