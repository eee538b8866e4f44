"""cornu.metrics against the real Keras 3, on the same random inputs."""

import os
import zlib

import numpy as np
import pytest

from cornu import backend, metrics, ops

# 1e-6 relative; the absolute floor covers outputs near zero, where float32 kernels of
# different backends legitimately differ in the last bits.
RTOL, ATOL = 1e-6, 1e-6
# Lets a run try other random inputs: CORNU_TEST_SEED=3 pytest ...
SEED_OFFSET = int(os.environ.get("CORNU_TEST_SEED", "0"))


def to_np(x):
    return np.asarray(ops.convert_to_numpy(x))


def make_data(kind, rng, batch=6, classes=4):
    f32 = np.float32
    if kind == "regression":
        return rng.normal(size=(batch, classes)).astype(f32), rng.normal(size=(batch, classes)).astype(f32)
    if kind == "positive":
        return rng.uniform(0.1, 3, size=(batch, classes)).astype(f32), rng.uniform(0.1, 3, size=(batch, classes)).astype(f32)
    if kind == "binary_probs":
        return rng.integers(0, 2, size=(batch, 1)).astype(f32), rng.uniform(0.02, 0.98, size=(batch, 1)).astype(f32)
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
        return rng.integers(0, classes, size=(batch, 1)).astype(np.int32), (p / p.sum(-1, keepdims=True)).astype(f32)
    if kind == "sparse_logits":
        return rng.integers(0, classes, size=(batch,)).astype(np.int32), rng.normal(scale=2, size=(batch, classes)).astype(f32)
    if kind == "integers":
        return rng.integers(0, 3, size=(batch, 1)).astype(f32), rng.integers(0, 3, size=(batch, 1)).astype(f32)
    if kind == "distributions":
        a = rng.uniform(0.05, 1, size=(batch, classes)).astype(f32)
        b = rng.uniform(0.05, 1, size=(batch, classes)).astype(f32)
        return (a / a.sum(-1, keepdims=True)).astype(f32), (b / b.sum(-1, keepdims=True)).astype(f32)
    raise AssertionError(kind)


# (class name, constructor kwargs, kind of data)
CASES = [
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("RootMeanSquaredError", {}, "regression"),
    ("CosineSimilarity", {}, "regression"),
    ("LogCoshError", {}, "regression"),
    ("R2Score", {}, "regression"),
    ("R2Score", {"class_aggregation": "variance_weighted_average", "num_regressors": 1}, "regression"),
    ("PearsonCorrelation", {}, "regression"),
    ("ConcordanceCorrelation", {"axis": -1}, "regression"),
    ("Hinge", {}, "binary_logits"),
    ("SquaredHinge", {}, "binary_logits"),
    ("CategoricalHinge", {}, "onehot_logits"),
    ("KLDivergence", {}, "distributions"),
    ("Poisson", {}, "positive"),
    ("BinaryCrossentropy", {}, "binary_probs"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary_logits"),
    ("CategoricalCrossentropy", {}, "onehot_probs"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "onehot_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse_probs"),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 1}, "sparse_logits"),
    ("Accuracy", {}, "integers"),
    ("BinaryAccuracy", {}, "binary_probs"),
    ("BinaryAccuracy", {"threshold": 0.7}, "binary_probs"),
    ("CategoricalAccuracy", {}, "onehot_probs"),
    ("SparseCategoricalAccuracy", {}, "sparse_probs"),
    ("SparseCategoricalAccuracy", {}, "sparse_logits"),
    ("TopKCategoricalAccuracy", {"k": 2}, "onehot_probs"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse_logits"),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, "sparse_probs"),
]
CASE_IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'default'}" for name, kw, _ in CASES]


@pytest.mark.parametrize("name,kwargs,kind", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_metric_class_matches_keras(keras_ref, name, kwargs, kind, weighted):
    rng = np.random.default_rng(zlib.crc32(f"{name}{kwargs}{kind}".encode()) + SEED_OFFSET)
    ours = getattr(metrics, name)(**kwargs)
    theirs = getattr(keras_ref.metrics, name)(**kwargs)
    for _ in range(2):  # two batches: the state must accumulate like Keras's
        y_true, y_pred = make_data(kind, rng)
        sw = rng.uniform(0, 2, size=(6,)).astype(np.float32) if weighted else None
        ours.update_state(y_true, y_pred, sample_weight=sw)
        theirs.update_state(y_true, y_pred, sample_weight=sw)
        np.testing.assert_allclose(to_np(ours.result()), np.asarray(theirs.result()), rtol=RTOL, atol=ATOL)
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]
    assert [backend.standardize_dtype(v.dtype) for v in ours.variables] == [v.dtype for v in theirs.variables]
    for ours_v, theirs_v in zip(ours.variables, theirs.variables):
        np.testing.assert_allclose(to_np(ours_v.value), np.asarray(theirs_v.value), rtol=RTOL, atol=ATOL)
    assert not any(v.trainable for v in ours.variables)
    ours.reset_state()
    theirs.reset_state()
    for ours_v, theirs_v in zip(ours.variables, theirs.variables):
        np.testing.assert_array_equal(to_np(ours_v.value), np.asarray(theirs_v.value))


@pytest.mark.parametrize("name,kwargs,kind", CASES, ids=CASE_IDS)
def test_metric_config_round_trip(keras_ref, name, kwargs, kind):
    rng = np.random.default_rng(4)
    y_true, y_pred = make_data(kind, rng)
    metric = getattr(metrics, name)(name="my_metric", **kwargs)
    config = metric.get_config()
    assert config == getattr(keras_ref.metrics, name)(name="my_metric", **kwargs).get_config()
    rebuilt = type(metric).from_config(config)
    assert rebuilt.name == "my_metric"
    np.testing.assert_array_equal(to_np(rebuilt(y_true, y_pred)), to_np(metric(y_true, y_pred)))


@pytest.mark.parametrize("name,kwargs,kind", [c for c in CASES if c[0] != "R2Score"], ids=[
    i for i, c in zip(CASE_IDS, CASES) if c[0] != "R2Score"])
def test_stateless_api_matches_stateful_and_leaves_variables_alone(name, kwargs, kind):
    rng = np.random.default_rng(8)
    metric = getattr(metrics, name)(**kwargs)
    reference = getattr(metrics, name)(**kwargs)
    batches = [make_data(kind, rng) for _ in range(2)]
    weights = rng.uniform(0, 2, size=(6,)).astype(np.float32)
    state = metric.stateless_reset_state()
    before = [to_np(v.value).copy() for v in metric.variables]
    for (y_true, y_pred) in batches:
        state = metric.stateless_update_state(state, y_true, y_pred, sample_weight=weights)
        reference.update_state(y_true, y_pred, sample_weight=weights)
    for ref_v, new in zip(reference.variables, state):
        np.testing.assert_allclose(to_np(new), to_np(ref_v.value), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(to_np(metric.stateless_result(state)), to_np(reference.result()), rtol=RTOL, atol=ATOL)
    for b, v in zip(before, metric.variables):
        np.testing.assert_array_equal(to_np(v.value), b)
    reset = metric.stateless_reset_state()
    assert all(np.all(to_np(r) == 0) for r in reset)
    with pytest.raises(ValueError, match="metric_variables"):
        metric.stateless_update_state(state[:-1], *batches[0])
    with pytest.raises(ValueError, match="metric_variables"):
        metric.stateless_result(state + state)


FUNCTION_CASES = [
    ("binary_accuracy", {}, "binary_probs"),
    ("binary_accuracy", {"threshold": 0.2}, "binary_probs"),
    ("categorical_accuracy", {}, "onehot_probs"),
    ("sparse_categorical_accuracy", {}, "sparse_probs"),
    ("sparse_categorical_accuracy", {}, "sparse_logits"),
    ("top_k_categorical_accuracy", {"k": 2}, "onehot_logits"),
    ("sparse_top_k_categorical_accuracy", {"k": 2}, "sparse_logits"),
    ("sparse_top_k_categorical_accuracy", {"k": 1}, "sparse_probs"),
    ("mean_squared_error", {}, "regression"),
    ("mean_absolute_error", {}, "regression"),
    ("mean_absolute_percentage_error", {}, "regression"),
    ("mean_squared_logarithmic_error", {}, "positive"),
    ("huber", {}, "regression"),
    ("pearson_correlation", {}, "regression"),
    ("concordance_correlation", {"axis": 0}, "regression"),
    ("log_cosh", {}, "regression"),
    ("hinge", {}, "binary_logits"),
    ("squared_hinge", {}, "binary_logits"),
    ("categorical_hinge", {}, "onehot_logits"),
    ("kl_divergence", {}, "distributions"),
    ("poisson", {}, "positive"),
    ("binary_crossentropy", {"from_logits": True}, "binary_logits"),
    ("categorical_crossentropy", {}, "onehot_probs"),
    ("sparse_categorical_crossentropy", {"from_logits": True}, "sparse_logits"),
    ("binary_focal_crossentropy", {}, "binary_probs"),
    ("categorical_focal_crossentropy", {}, "onehot_probs"),
]


@pytest.mark.parametrize("name,kwargs,kind", FUNCTION_CASES)
def test_metric_function_matches_keras(keras_ref, name, kwargs, kind):
    rng = np.random.default_rng(12)
    y_true, y_pred = make_data(kind, rng)
    expected = np.asarray(getattr(keras_ref.metrics, name)(y_true, y_pred, **kwargs))
    actual = to_np(getattr(metrics, name)(y_true, y_pred, **kwargs))
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)


def test_top_k_on_sequences_and_sorted_ids_match_keras(keras_ref):
    rng = np.random.default_rng(13)
    labels = rng.integers(0, 5, size=(3, 4)).astype(np.int32)
    scores = rng.normal(size=(3, 4, 5)).astype(np.float32)
    for k in (1, 3):
        expected = np.asarray(keras_ref.metrics.sparse_top_k_categorical_accuracy(labels, scores, k=k))
        np.testing.assert_array_equal(to_np(metrics.sparse_top_k_categorical_accuracy(labels, scores, k=k)), expected)
        onehot = np.eye(5, dtype=np.float32)[labels]
        expected = np.asarray(keras_ref.metrics.top_k_categorical_accuracy(onehot, scores, k=k))
        np.testing.assert_array_equal(to_np(metrics.top_k_categorical_accuracy(onehot, scores, k=k)), expected)
    ids = np.argsort(-rng.normal(size=(6, 5)), axis=-1).astype(np.float32)
    targets = rng.integers(0, 5, size=(6,)).astype(np.float32)
    m, km = metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True), keras_ref.metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    np.testing.assert_allclose(to_np(m(targets, ids)), np.asarray(km(targets, ids)))
    assert m.get_config() == km.get_config()


@pytest.mark.parametrize("cls", ["Mean", "Sum"])
def test_reduction_metrics_weighting_matches_keras(keras_ref, cls):
    rng = np.random.default_rng(14)
    cases = [
        (rng.normal(size=(5,)), None),
        (rng.normal(size=(5,)), rng.uniform(size=(5,))),
        (rng.normal(size=(5, 3)), rng.uniform(size=(5,))),
        (rng.normal(size=(5, 3, 2)), rng.uniform(size=(5, 3))),
        (rng.normal(size=(5, 3)), rng.uniform(size=(5, 3))),
        (rng.normal(size=(5, 1)), rng.uniform(size=(5,))),
        (rng.normal(size=(5, 3)), rng.uniform(size=(5, 1))),
        (np.float32(2.5), None),
        (rng.normal(size=(4, 3)), np.float32(0.5)),
    ]
    ours, theirs = getattr(metrics, cls)(), getattr(keras_ref.metrics, cls)()
    for values, sw in cases:
        values = np.asarray(values, np.float32)
        sw = None if sw is None else np.asarray(sw, np.float32)
        ours.update_state(values, sample_weight=sw)
        theirs.update_state(values, sample_weight=sw)
        np.testing.assert_allclose(to_np(ours.result()), np.asarray(theirs.result()), rtol=RTOL, atol=ATOL)
        for a, b in zip(ours.variables, theirs.variables):
            np.testing.assert_allclose(to_np(a.value), np.asarray(b.value), rtol=RTOL, atol=ATOL)


def test_mean_of_nothing_is_zero():
    assert float(to_np(metrics.Mean().result())) == 0.0


def test_mask_on_y_pred_weights_metric_like_keras(keras_ref):
    from keras.src import backend as keras_backend

    rng = np.random.default_rng(15)
    y_true = rng.normal(size=(4, 5, 2)).astype(np.float32)
    y_pred = rng.normal(size=(4, 5, 2)).astype(np.float32)
    mask = rng.integers(0, 2, size=(4, 5)).astype(bool)
    for sw in (None, rng.uniform(size=(4, 5)).astype(np.float32)):
        kp = keras_ref.ops.convert_to_tensor(y_pred)
        keras_backend.set_keras_mask(kp, keras_ref.ops.convert_to_tensor(mask))
        expected = np.asarray(keras_ref.metrics.MeanSquaredError()(y_true, kp, sample_weight=sw))
        op = ops.convert_to_tensor(y_pred)
        backend.set_keras_mask(op, ops.convert_to_tensor(mask))
        actual = to_np(metrics.MeanSquaredError()(y_true, op, sample_weight=sw))
        np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)


def test_metric_base_tracks_variables_and_sub_metrics():
    class Ratio(metrics.Metric):
        def __init__(self, name="ratio", dtype=None):
            super().__init__(dtype=dtype, name=name)
            self.hits = self.add_variable(shape=(), initializer="zeros", name="hits")
            self.seen = metrics.Mean(name="seen")
            self.extra = backend.Variable(0.0, trainable=False, name="extra")

        def update_state(self, values):
            self.hits.assign_add(ops.sum(ops.convert_to_tensor(values, "float32")))
            self.seen.update_state(values)

        def result(self):
            return self.hits.value / self.seen.count.value

    metric = Ratio()
    assert [v.path for v in metric.variables] == ["ratio/hits", "extra", "seen/total", "seen/count"]
    metric([1.0, 0.0, 1.0, 1.0])
    assert float(to_np(metric.result())) == 0.75
    metric.reset_state()
    assert all(float(to_np(v.value)) == 0.0 for v in metric.variables)
    assert repr(metric) == "<Ratio name=ratio>"
    assert metric.get_config() == {"name": "ratio", "dtype": "float32"}
    state = metric.stateless_update_state([v.value for v in metric.variables], [1.0, 1.0])
    assert [float(to_np(s)) for s in state] == [2.0, 0.0, 2.0, 2.0]
    assert float(to_np(metric.stateless_result(state))) == 1.0


def test_metric_without_super_init_fails_clearly():
    class Broken(metrics.Metric):
        def __init__(self):
            pass

    with pytest.raises(RuntimeError, match="super"):
        Broken().add_variable(shape=(), initializer="zeros", name="x")


def test_metric_dtype(keras_ref):
    m = metrics.Mean(dtype="float16")
    assert m.dtype == "float16"
    assert [backend.standardize_dtype(v.dtype) for v in m.variables] == ["float16", "float16"]
    m.update_state([1.0, 2.0])
    assert ops.dtype(m.result()) == "float16"
    assert metrics.Mean().dtype == backend.floatx()
    assert metrics.Mean(dtype="mixed_bfloat16").dtype == "bfloat16"


def test_mean_metric_wrapper_with_a_plain_function():
    def halves(y_true, y_pred, scale=1.0):
        return ops.mean(ops.abs(y_true - y_pred), axis=-1) * scale

    m = metrics.MeanMetricWrapper(halves, name="halves", scale=0.5)
    y_true = ops.convert_to_tensor([[1.0, 1.0], [0.0, 0.0]])
    assert float(to_np(m(y_true, ops.zeros((2, 2))))) == 0.25
    assert not hasattr(m, "_direction")
    assert metrics.MeanMetricWrapper(metrics.mean_squared_error)._direction == "down"
    assert metrics.BinaryAccuracy()._direction == "up"


def test_mean_metric_wrapper_config_round_trip(keras_ref):
    m = metrics.MeanMetricWrapper(metrics.binary_accuracy, name="acc", threshold=0.3)
    config = m.get_config()
    keras_config = keras_ref.metrics.MeanMetricWrapper(keras_ref.metrics.binary_accuracy, name="acc", threshold=0.3).get_config()
    assert config == keras_config
    rebuilt = metrics.MeanMetricWrapper.from_config(config)
    y_true, y_pred = np.array([[1.0], [0.0]], np.float32), np.array([[0.4], [0.2]], np.float32)
    assert float(to_np(rebuilt(y_true, y_pred))) == float(to_np(m(y_true, y_pred))) == 1.0
    serialized = metrics.serialize(metrics.BinaryAccuracy(threshold=0.2, name="b"))
    assert serialized["class_name"] == "BinaryAccuracy" and serialized["module"] == "keras.metrics"
    assert metrics.deserialize(serialized).get_config() == {"name": "b", "dtype": "float32", "threshold": 0.2}


def test_get_resolves_names_aliases_and_configs(keras_ref):
    for name in ("mse", "MSE", "mae", "mape", "msle", "bce", "accuracy", "Accuracy", "categorical_accuracy",
                 "sparse_categorical_accuracy", "root_mean_squared_error", "kl_divergence", "r2_score", "Mean"):
        ours, theirs = metrics.get(name), keras_ref.metrics.get(name)
        assert type(ours).__name__ == type(theirs).__name__, name
        assert ours.name == theirs.name, name
    m = metrics.get({"class_name": "BinaryAccuracy", "config": {"threshold": 0.9}})
    assert isinstance(m, metrics.BinaryAccuracy) and m.threshold == 0.9
    keras_config = keras_ref.metrics.serialize(keras_ref.metrics.SparseTopKCategoricalAccuracy(k=3, name="top3"))
    m = metrics.get(keras_config)
    assert isinstance(m, metrics.SparseTopKCategoricalAccuracy) and m.k == 3 and m.name == "top3"
    assert metrics.get(None) is None
    instance = metrics.Mean()
    assert metrics.get(instance) is instance
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    assert isinstance(metrics.deserialize("mse"), metrics.MeanSquaredError)


def test_unknown_metric_identifiers_are_rejected():
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        metrics.get("not_a_metric")
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        metrics.get(3.5)
    with pytest.raises(ValueError, match="Unknown metric"):
        metrics.deserialize("not_a_metric")


def test_mismatched_shapes_give_clear_errors():
    with pytest.raises(ValueError, match="y_true.shape"):
        metrics.MeanSquaredError().update_state(np.zeros((4, 3)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="sample_weight"):
        metrics.Mean().update_state(np.zeros((4, 3)), sample_weight=np.ones((2,)))
    with pytest.raises(ValueError, match="R2Score expects 2D"):
        metrics.R2Score().update_state(np.zeros((4, 3, 2)), np.zeros((4, 3, 2)))
    with pytest.raises(ValueError, match="class_aggregation"):
        metrics.R2Score(class_aggregation="median")
