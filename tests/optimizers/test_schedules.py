import numpy as np
import pytest

from cornu import ops
from cornu.optimizers import schedules

CASES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9}),
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.5, "staircase": True}),
    ("PiecewiseConstantDecay", {"boundaries": [10, 25], "values": [1.0, 0.5, 0.1]}),
    ("PiecewiseConstantDecay", {"boundaries": [3], "values": [0.3, 0.2]}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 20}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 20, "end_learning_rate": 0.01, "power": 0.5}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 15, "power": 2.0, "cycle": True}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5, "staircase": True}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 30}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 30, "alpha": 0.1}),
    ("CosineDecay", {"initial_learning_rate": 0.0, "decay_steps": 30, "warmup_target": 0.2, "warmup_steps": 10}),
    ("CosineDecay", {"initial_learning_rate": 0.05, "decay_steps": 30, "warmup_target": 0.2, "warmup_steps": 0}),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 8}),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 8, "t_mul": 1.0, "m_mul": 0.5}),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 5, "t_mul": 1.5, "m_mul": 0.8,
                             "alpha": 0.05}),
]
STEPS = [0, 1, 2, 3, 5, 7, 8, 10, 11, 15, 20, 24, 25, 26, 30, 39, 40, 41, 55, 100]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_values_match_keras(keras_ref, name, kwargs):
    ours = getattr(schedules, name)(**kwargs)
    theirs = getattr(keras_ref.optimizers.schedules, name)(**kwargs)
    for step in STEPS:
        got = ops.convert_to_numpy(ours(step))
        want = np.asarray(theirs(step))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7, err_msg=f"step={step}")
        assert got.dtype == np.float32
    # A step given as an int32 tensor (the optimizer's iteration counter).
    np.testing.assert_allclose(
        ops.convert_to_numpy(ours(ops.convert_to_tensor(12, dtype="int32"))), np.asarray(theirs(12)), rtol=1e-5
    )


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_config_matches_keras_and_round_trips(keras_ref, name, kwargs):
    ours = getattr(schedules, name)(**kwargs)
    theirs = getattr(keras_ref.optimizers.schedules, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    rebuilt = type(ours).from_config(ours.get_config())
    assert rebuilt.get_config() == ours.get_config()
    config = {"module": "keras.optimizers.schedules", "class_name": name, "config": ours.get_config(),
              "registered_name": None}
    assert type(schedules.deserialize(config)) is type(ours)
    assert keras_ref.optimizers.schedules.deserialize(config).get_config() == ours.get_config()


def test_serialize_matches_keras(keras_ref):
    ours = schedules.serialize(schedules.ExponentialDecay(0.1, 10, 0.9))
    theirs = keras_ref.optimizers.schedules.serialize(keras_ref.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9))
    assert ours == theirs
    assert schedules.deserialize(ours).get_config() == ours["config"]


def test_known_values():
    np.testing.assert_allclose(ops.convert_to_numpy(schedules.ExponentialDecay(0.1, 10, 0.5)(20)), 0.025, rtol=1e-6)
    pw = schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    assert [float(ops.convert_to_numpy(pw(s))) for s in (10, 11, 20, 21)] == pytest.approx([1.0, 0.5, 0.5, 0.1])
    cos = schedules.CosineDecay(1.0, 10, alpha=0.0)
    np.testing.assert_allclose(ops.convert_to_numpy(cos(5)), 0.5, atol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(cos(50)), 0.0, atol=1e-6)
    warm = schedules.CosineDecay(0.0, 10, warmup_target=1.0, warmup_steps=4)
    np.testing.assert_allclose(ops.convert_to_numpy(warm(2)), 0.5, atol=1e-6)
    restarts = schedules.CosineDecayRestarts(1.0, 10, t_mul=2.0)
    np.testing.assert_allclose(ops.convert_to_numpy(restarts(10)), 1.0, atol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(restarts(20)), 0.5, atol=1e-5)


def test_validation():
    for cls, kwargs in [
        (schedules.ExponentialDecay, {"initial_learning_rate": 0.1, "decay_steps": 0, "decay_rate": 0.5}),
        (schedules.PolynomialDecay, {"initial_learning_rate": 0.1, "decay_steps": -1}),
        (schedules.InverseTimeDecay, {"initial_learning_rate": 0.1, "decay_steps": 0, "decay_rate": 0.5}),
        (schedules.CosineDecay, {"initial_learning_rate": 0.1, "decay_steps": 0}),
        (schedules.CosineDecayRestarts, {"initial_learning_rate": 0.1, "first_decay_steps": 0}),
    ]:
        with pytest.raises(ValueError, match="must be > 0"):
            cls(**kwargs)
    with pytest.raises(ValueError, match="1 less than"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])


def test_base_class():
    with pytest.raises(NotImplementedError):
        schedules.LearningRateSchedule()(1)
    with pytest.raises(NotImplementedError):
        schedules.LearningRateSchedule().get_config()


def test_public_names_match_keras(keras_ref):
    theirs = {n for n in dir(keras_ref.optimizers.schedules) if not n.startswith("_")}
    assert sorted(n for n in theirs if not hasattr(schedules, n)) == []
