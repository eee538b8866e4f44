"""cornu.losses against the real Keras 3, on the same random inputs."""

import os
import warnings
import zlib

import numpy as np
import pytest

from cornu import backend, losses, ops

# 1e-6 relative; the absolute floor covers outputs near zero (e.g. a cosine of ~0), where
# float32 kernels of different backends legitimately differ in the last bits.
RTOL, ATOL = 1e-6, 1e-6
# Lets a run try other random inputs: CORNU_TEST_SEED=3 pytest ...
SEED_OFFSET = int(os.environ.get("CORNU_TEST_SEED", "0"))
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


def to_np(x):
    return np.asarray(ops.convert_to_numpy(x))


def make_data(kind, rng, batch=4, classes=3):
    """(y_true, y_pred) as float32/int32 NumPy arrays for a kind of problem."""
    f32 = np.float32
    if kind == "regression":
        return rng.normal(size=(batch, classes)).astype(f32), rng.normal(size=(batch, classes)).astype(f32)
    if kind == "positive":
        return rng.uniform(0.1, 3, size=(batch, classes)).astype(f32), rng.uniform(0.1, 3, size=(batch, classes)).astype(f32)
    if kind == "binary_probs":
        return rng.integers(0, 2, size=(batch, classes)).astype(f32), rng.uniform(0.02, 0.98, size=(batch, classes)).astype(f32)
    if kind == "binary_logits":
        return rng.integers(0, 2, size=(batch, classes)).astype(f32), rng.normal(scale=3, size=(batch, classes)).astype(f32)
    if kind == "onehot_probs":
        labels = np.eye(classes, dtype=f32)[rng.integers(0, classes, size=batch)]
        p = rng.uniform(0.05, 1, size=(batch, classes)).astype(f32)
        return labels, (p / p.sum(-1, keepdims=True)).astype(f32)
    if kind == "onehot_logits":
        labels = np.eye(classes, dtype=f32)[rng.integers(0, classes, size=batch)]
        return labels, rng.normal(scale=2, size=(batch, classes)).astype(f32)
    if kind == "sparse_probs":
        p = rng.uniform(0.05, 1, size=(batch, classes)).astype(f32)
        return rng.integers(0, classes, size=(batch,)).astype(np.int32), (p / p.sum(-1, keepdims=True)).astype(f32)
    if kind == "sparse_logits":
        return rng.integers(0, classes, size=(batch,)).astype(np.int32), rng.normal(scale=2, size=(batch, classes)).astype(f32)
    if kind == "distributions":
        a = rng.uniform(0.05, 1, size=(batch, classes)).astype(f32)
        b = rng.uniform(0.05, 1, size=(batch, classes)).astype(f32)
        return (a / a.sum(-1, keepdims=True)).astype(f32), (b / b.sum(-1, keepdims=True)).astype(f32)
    if kind == "embeddings":
        e = rng.normal(size=(batch, classes + 1)).astype(f32)
        e = (e / np.linalg.norm(e, axis=-1, keepdims=True)).astype(f32)
        return rng.integers(0, 2, size=(batch,)).astype(np.int32), e
    raise AssertionError(kind)


# (class name, constructor kwargs, kind of data)
CASES = [
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("Huber", {"delta": 0.7}, "regression"),
    ("LogCosh", {}, "regression"),
    ("CosineSimilarity", {}, "regression"),
    ("Hinge", {}, "binary_logits"),
    ("SquaredHinge", {}, "binary_logits"),
    ("CategoricalHinge", {}, "onehot_logits"),
    ("KLDivergence", {}, "distributions"),
    ("Poisson", {}, "positive"),
    ("BinaryCrossentropy", {}, "binary_probs"),
    ("BinaryCrossentropy", {"from_logits": True}, "binary_logits"),
    ("BinaryCrossentropy", {"label_smoothing": 0.2}, "binary_probs"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary_logits"),
    ("CategoricalCrossentropy", {}, "onehot_probs"),
    ("CategoricalCrossentropy", {"from_logits": True}, "onehot_logits"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.3}, "onehot_probs"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "onehot_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse_probs"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 1}, "sparse_logits"),
    ("SparseCategoricalCrossentropy", {"ignore_class": 0}, "sparse_probs"),
    ("BinaryFocalCrossentropy", {"gamma": 1.5}, "binary_probs"),
    ("BinaryFocalCrossentropy", {"from_logits": True, "apply_class_balancing": True, "alpha": 0.4}, "binary_logits"),
    ("CategoricalFocalCrossentropy", {}, "onehot_probs"),
    ("CategoricalFocalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "onehot_logits"),
    ("CategoricalGeneralizedCrossEntropy", {"q": 0.3}, "sparse_probs"),
    ("Circle", {}, "embeddings"),
    ("Circle", {"gamma": 10.0, "margin": 0.25, "remove_diagonal": False}, "embeddings"),
    ("Dice", {"axis": -1}, "binary_probs"),
    ("Tversky", {"alpha": 0.3, "beta": 0.7, "axis": -1}, "binary_probs"),
]
CASE_IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'default'}" for name, kw, _ in CASES]


def rtol_for(name, kwargs):
    if "focal" in name.lower() and kwargs.get("from_logits"):
        # Keras's formula takes log(1 - sigmoid(x)): a 1-ulp difference between backends'
        # sigmoid kernels grows to ~1e-5 relative for large logits. Same kernels (JAX) match to 1e-6.
        return 3e-5
    return RTOL


def weights_for(kind, rng, batch=4):
    return {
        "none": None,
        "per_sample": rng.uniform(0, 2, size=(batch,)).astype(np.float32),
        "per_sample_col": rng.uniform(0, 2, size=(batch, 1)).astype(np.float32),
    }[kind]


@pytest.mark.parametrize("name,kwargs,kind", CASES, ids=CASE_IDS)
def test_loss_class_matches_keras(keras_ref, name, kwargs, kind):
    rng = np.random.default_rng(zlib.crc32(f"{name}{kwargs}{kind}".encode()) + SEED_OFFSET)
    y_true, y_pred = make_data(kind, rng)
    rtol = rtol_for(name, kwargs)
    for reduction in REDUCTIONS:
        ours = getattr(losses, name)(reduction=reduction, **kwargs)
        theirs = getattr(keras_ref.losses, name)(reduction=reduction, **kwargs)
        for weight_kind in ("none", "per_sample", "per_sample_col"):
            sw = weights_for(weight_kind, rng)
            expected = np.asarray(theirs(y_true, y_pred, sample_weight=sw))
            actual = to_np(ours(y_true, y_pred, sample_weight=sw))
            assert actual.shape == expected.shape, (reduction, weight_kind)
            np.testing.assert_allclose(actual, expected, rtol=rtol, atol=ATOL, err_msg=f"{reduction}, {weight_kind}")


@pytest.mark.parametrize("name,kwargs,kind", CASES, ids=CASE_IDS)
def test_loss_config_round_trip(keras_ref, name, kwargs, kind):
    rng = np.random.default_rng(1)
    y_true, y_pred = make_data(kind, rng)
    loss = getattr(losses, name)(reduction="sum", name="my_loss", **kwargs)
    config = loss.get_config()
    keras_config = getattr(keras_ref.losses, name)(reduction="sum", name="my_loss", **kwargs).get_config()
    # Every key Keras writes is there with the same value (cornu may keep more, e.g. Huber's delta).
    for key, value in keras_config.items():
        assert config[key] == value, key
    rebuilt = type(loss).from_config(config)
    np.testing.assert_allclose(to_np(rebuilt(y_true, y_pred)), to_np(loss(y_true, y_pred)), rtol=0, atol=0)
    # Keras can read cornu's config and computes the same numbers from it.
    keras_rebuilt = getattr(keras_ref.losses, name).from_config(config)
    np.testing.assert_allclose(to_np(loss(y_true, y_pred)), np.asarray(keras_rebuilt(y_true, y_pred)), rtol=RTOL, atol=ATOL)


FUNCTION_CASES = [
    ("mean_squared_error", {}, "regression"),
    ("mean_absolute_error", {}, "regression"),
    ("mean_absolute_percentage_error", {}, "regression"),
    ("mean_squared_logarithmic_error", {}, "positive"),
    ("cosine_similarity", {"axis": -1}, "regression"),
    ("cosine_similarity", {"axis": 0}, "regression"),
    ("huber", {"delta": 0.5}, "regression"),
    ("log_cosh", {}, "regression"),
    ("hinge", {}, "binary_logits"),
    ("squared_hinge", {}, "binary_logits"),
    ("categorical_hinge", {}, "onehot_logits"),
    ("kl_divergence", {}, "distributions"),
    ("poisson", {}, "positive"),
    ("binary_crossentropy", {}, "binary_probs"),
    ("binary_crossentropy", {"from_logits": True, "label_smoothing": 0.2}, "binary_logits"),
    ("binary_crossentropy", {"axis": 0}, "binary_probs"),
    ("categorical_crossentropy", {}, "onehot_probs"),
    ("categorical_crossentropy", {"from_logits": True}, "onehot_logits"),
    ("categorical_crossentropy", {"axis": 0, "from_logits": True}, "onehot_logits"),
    ("sparse_categorical_crossentropy", {}, "sparse_probs"),
    ("sparse_categorical_crossentropy", {"from_logits": True, "ignore_class": 2}, "sparse_logits"),
    ("binary_focal_crossentropy", {"from_logits": True, "gamma": 3.0}, "binary_logits"),
    ("categorical_focal_crossentropy", {"alpha": 0.5}, "onehot_probs"),
    ("categorical_generalized_cross_entropy", {"q": 0.7}, "sparse_probs"),
    ("circle", {"gamma": 20.0}, "embeddings"),
    ("dice", {}, "binary_probs"),
    ("dice", {"axis": 1}, "binary_probs"),
    ("tversky", {"alpha": 0.2, "beta": 0.8}, "binary_probs"),
]


@pytest.mark.parametrize("name,kwargs,kind", FUNCTION_CASES)
def test_loss_function_matches_keras(keras_ref, name, kwargs, kind):
    rng = np.random.default_rng(7)
    y_true, y_pred = make_data(kind, rng, batch=5)
    expected = np.asarray(getattr(keras_ref.losses, name)(y_true, y_pred, **kwargs))
    actual = to_np(getattr(losses, name)(y_true, y_pred, **kwargs))
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=rtol_for(name, kwargs), atol=ATOL)


def test_label_rank_differs_by_one_is_squeezed_like_keras(keras_ref):
    rng = np.random.default_rng(3)
    y_true = rng.normal(size=(6,)).astype(np.float32)
    y_pred = rng.normal(size=(6, 1)).astype(np.float32)
    for name in ("MeanSquaredError", "MeanAbsoluteError", "Huber"):
        expected = np.asarray(getattr(keras_ref.losses, name)()(y_true, y_pred))
        np.testing.assert_allclose(to_np(getattr(losses, name)()(y_true, y_pred)), expected, rtol=RTOL)
    labels = rng.integers(0, 3, size=(6, 1)).astype(np.int32)
    logits = rng.normal(size=(6, 3)).astype(np.float32)
    expected = np.asarray(keras_ref.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits))
    actual = to_np(losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits))
    np.testing.assert_allclose(actual, expected, rtol=RTOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_timestep_sample_weights_broadcast_like_keras(keras_ref, reduction):
    rng = np.random.default_rng(11)
    y_true = rng.normal(size=(3, 5, 2)).astype(np.float32)
    y_pred = rng.normal(size=(3, 5, 2)).astype(np.float32)
    for sw in (rng.uniform(size=(3, 5)).astype(np.float32), rng.uniform(size=(3, 5, 1)).astype(np.float32)):
        expected = np.asarray(keras_ref.losses.MeanSquaredError(reduction=reduction)(y_true, y_pred, sample_weight=sw))
        actual = to_np(losses.MeanSquaredError(reduction=reduction)(y_true, y_pred, sample_weight=sw))
        np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("with_weight", [False, True])
def test_mask_on_y_pred_is_applied_like_keras(keras_ref, reduction, with_weight):
    from keras.src import backend as keras_backend

    rng = np.random.default_rng(5)
    y_true = rng.normal(size=(4, 6, 3)).astype(np.float32)
    y_pred = rng.normal(size=(4, 6, 3)).astype(np.float32)
    mask = rng.integers(0, 2, size=(4, 6)).astype(bool)
    sw = rng.uniform(size=(4, 6)).astype(np.float32) if with_weight else None

    keras_pred = keras_ref.ops.convert_to_tensor(y_pred)
    keras_backend.set_keras_mask(keras_pred, keras_ref.ops.convert_to_tensor(mask))
    expected = np.asarray(keras_ref.losses.MeanSquaredError(reduction=reduction)(y_true, keras_pred, sample_weight=sw))

    our_pred = ops.convert_to_tensor(y_pred)
    backend.set_keras_mask(our_pred, ops.convert_to_tensor(mask))
    actual = to_np(losses.MeanSquaredError(reduction=reduction)(y_true, our_pred, sample_weight=sw))
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)


def test_ignore_class_mask_combines_with_input_mask(keras_ref):
    from keras.src import backend as keras_backend

    rng = np.random.default_rng(9)
    labels = rng.integers(0, 4, size=(3, 5)).astype(np.int32)
    logits = rng.normal(size=(3, 5, 4)).astype(np.float32)
    mask = rng.integers(0, 2, size=(3, 5)).astype(bool)
    keras_logits = keras_ref.ops.convert_to_tensor(logits)
    keras_backend.set_keras_mask(keras_logits, keras_ref.ops.convert_to_tensor(mask))
    expected = np.asarray(keras_ref.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)(labels, keras_logits))
    our_logits = ops.convert_to_tensor(logits)
    backend.set_keras_mask(our_logits, ops.convert_to_tensor(mask))
    actual = to_np(losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)(labels, our_logits))
    np.testing.assert_allclose(actual, expected, rtol=RTOL)


def test_loss_computes_in_its_dtype(keras_ref):
    rng = np.random.default_rng(2)
    y_true, y_pred = make_data("regression", rng)
    default = losses.MeanSquaredError()
    assert default.dtype == backend.floatx()
    half = losses.MeanSquaredError(dtype="float16")
    assert half.dtype == "float16"
    value = half(y_true, y_pred)
    assert ops.dtype(value) == "float16"
    expected = np.asarray(keras_ref.losses.MeanSquaredError(dtype="float16")(y_true, y_pred))
    np.testing.assert_allclose(to_np(value).astype(np.float32), expected.astype(np.float32), rtol=2e-3)
    # Integer inputs are computed in floatx, not integer arithmetic.
    value = losses.MeanAbsoluteError()(np.array([[1, 2]]), np.array([[2, 2]]))
    assert ops.dtype(value) == "float32"
    assert float(to_np(value)) == 0.5


def test_custom_loss_subclass_gets_reduction_and_weights():
    class AbsDiff(losses.Loss):
        def call(self, y_true, y_pred):
            return ops.abs(y_true - y_pred)

    loss = AbsDiff(reduction="sum")
    assert loss.name == "abs_diff"
    assert AbsDiff().name == "abs_diff_1"
    value = loss([1.0, 2.0, 3.0], [1.5, 2.0, 1.0], sample_weight=[2.0, 1.0, 1.0])
    assert float(to_np(value)) == pytest.approx(3.0)
    with pytest.raises(NotImplementedError):
        losses.Loss()([1.0], [1.0])


@pytest.mark.parametrize("bad", ["avg", "SUM", 0, "auto"])
def test_invalid_reduction_is_rejected(bad):
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction=bad)
    with pytest.raises(ValueError, match="reduction"):
        losses.Loss(reduction=bad)


def test_mismatched_shapes_give_clear_errors():
    y_true = np.zeros((4, 3), np.float32)
    y_pred = np.zeros((4, 2), np.float32)
    with pytest.raises(ValueError, match=r"y_true.shape=\(4, 3\), y_pred.shape=\(4, 2\)"):
        losses.MeanSquaredError()(y_true, y_pred)
    with pytest.raises(ValueError, match="y_true.shape"):
        losses.mean_absolute_error(y_true, y_pred)
    with pytest.raises(ValueError, match="shape"):
        losses.CategoricalCrossentropy()(y_true, y_pred)
    with pytest.raises(ValueError, match="shape"):
        losses.BinaryCrossentropy()(y_true, y_pred)
    with pytest.raises(ValueError, match="axis"):
        losses.categorical_crossentropy(y_true, y_true, axis=True)


def test_categorical_crossentropy_warns_on_single_class():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        losses.categorical_crossentropy(np.ones((2, 1), np.float32), np.ones((2, 1), np.float32))
    assert any("binary_crossentropy" in str(w.message) for w in caught)


def test_get_resolves_names_aliases_configs_and_callables(keras_ref):
    assert losses.get("mse") is losses.mean_squared_error
    for alias, fn in [("MSE", "mean_squared_error"), ("mae", "mean_absolute_error"), ("MAE", "mean_absolute_error"),
                      ("mape", "mean_absolute_percentage_error"), ("msle", "mean_squared_logarithmic_error"),
                      ("kld", "kl_divergence"), ("KLD", "kl_divergence"), ("bce", "binary_crossentropy"),
                      ("BCE", "binary_crossentropy"), ("categorical_crossentropy", "categorical_crossentropy")]:
        assert losses.get(alias) is getattr(losses, fn), alias
        assert losses.get(alias).__name__ == keras_ref.losses.get(alias).__name__
    loss = losses.get("CategoricalCrossentropy")
    assert isinstance(loss, losses.CategoricalCrossentropy) and loss.from_logits is False
    loss = losses.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert isinstance(loss, losses.CategoricalCrossentropy) and loss.from_logits is True
    # A config written by the real Keras.
    keras_config = keras_ref.losses.serialize(keras_ref.losses.Huber(delta=0.3, reduction="sum", name="h"))
    loss = losses.get(keras_config)
    assert isinstance(loss, losses.Huber) and loss.reduction == "sum" and loss.name == "h"
    assert losses.deserialize("Poisson").name == "poisson"
    assert losses.deserialize("mse") is losses.mean_squared_error
    assert losses.get(None) is None
    instance = losses.MeanAbsoluteError()
    assert losses.get(instance) is instance
    assert isinstance(losses.get(losses.Hinge), losses.Hinge)

    def my_loss(y_true, y_pred):
        return y_pred

    assert losses.get(my_loss) is my_loss


def test_unknown_identifiers_are_rejected():
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        losses.get("not_a_loss")
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        losses.get(42)
    with pytest.raises(ValueError, match="Unknown loss"):
        losses.deserialize("not_a_loss")


def test_loss_function_wrapper_passes_kwargs_and_aligns_ranks():
    wrapped = losses.LossFunctionWrapper(losses.huber, name="h", reduction="sum", delta=0.5)
    y_true = np.array([0.0, 0.0, 0.0], np.float32)
    y_pred = np.array([[0.2], [1.0], [-3.0]], np.float32)
    per_sample = to_np(losses.huber(y_true[:, None], y_pred, delta=0.5))
    assert float(to_np(wrapped(y_true, y_pred))) == pytest.approx(per_sample.sum())
    assert "LossFunctionWrapper" in repr(wrapped)


def test_loss_function_wrapper_config_round_trip():
    wrapped = losses.LossFunctionWrapper(losses.huber, name="h", reduction="sum", delta=0.5)
    config = wrapped.get_config()
    assert config["name"] == "h" and config["delta"] == 0.5
    rebuilt = losses.LossFunctionWrapper.from_config(config)
    y = np.array([[0.1, 2.0]], np.float32)
    assert rebuilt.fn is losses.huber
    assert float(to_np(rebuilt(y, y * 3))) == float(to_np(wrapped(y, y * 3)))


def test_serialize_round_trip():
    loss = losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1, name="b")
    config = losses.serialize(loss)
    assert config["class_name"] == "BinaryCrossentropy"
    rebuilt = losses.deserialize(config)
    assert isinstance(rebuilt, losses.BinaryCrossentropy)
    assert rebuilt.get_config() == loss.get_config()
