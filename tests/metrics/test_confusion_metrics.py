"""Confusion-matrix metrics (counts, precision/recall, AUC, F-scores, IoU) against the real Keras 3."""

import json
import zlib

import numpy as np
import pytest

from cornu import backend, metrics, ops

from tests.conftest import BACKEND

# Counts are float32 sums of weights; TN = total - FP cancels, so allow a few ulps of ~20.
RTOL, ATOL = 1e-5, 1e-5
BATCH, CLASSES = 6, 3


def to_np(x):
    return np.asarray(ops.convert_to_numpy(x))


def make_data(kind, rng):
    f32 = np.float32
    if kind == "binary":
        return rng.integers(0, 2, (BATCH, CLASSES)).astype(f32), rng.uniform(0, 1, (BATCH, CLASSES)).astype(f32)
    if kind == "binary_1d":
        return rng.integers(0, 2, (BATCH,)).astype(f32), rng.uniform(0, 1, (BATCH,)).astype(f32)
    if kind == "logits":
        return rng.integers(0, 2, (BATCH, CLASSES)).astype(f32), rng.normal(0, 3, (BATCH, CLASSES)).astype(f32)
    if kind == "classes":
        return rng.integers(0, CLASSES, (BATCH,)).astype(np.int32), rng.integers(0, CLASSES, (BATCH,)).astype(np.int32)
    if kind == "onehot":
        labels = np.eye(CLASSES, dtype=f32)[rng.integers(0, CLASSES, BATCH)]
        return labels, rng.uniform(0, 1, (BATCH, CLASSES)).astype(f32)
    raise AssertionError(kind)


# (class name, constructor kwargs, kind of data)
CASES = [
    ("TruePositives", {}, "binary"),
    ("FalsePositives", {"thresholds": [0.1, 0.5, 0.9]}, "binary"),
    ("TrueNegatives", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "binary"),  # evenly spaced: bucketed path
    ("FalseNegatives", {"thresholds": 0.3}, "binary_1d"),
    ("Precision", {}, "binary"),
    ("Precision", {"top_k": 2}, "binary"),
    ("Precision", {"thresholds": [0.2, 0.6], "class_id": 1}, "binary"),
    ("Recall", {}, "binary_1d"),
    ("Recall", {"top_k": 1, "class_id": 2}, "binary"),
    ("AUC", {}, "binary"),
    ("AUC", {"num_thresholds": 7, "curve": "PR"}, "binary"),
    ("AUC", {"curve": "PR", "summation_method": "minoring"}, "binary"),
    ("AUC", {"curve": "PRGAIN", "summation_method": "majoring"}, "binary"),
    ("AUC", {"multi_label": True}, "binary"),
    ("AUC", {"multi_label": True, "num_labels": 3, "label_weights": [1.0, 2.0, 0.5], "curve": "PR"}, "binary"),
    ("AUC", {"num_thresholds": 11, "label_weights": [1.0, 2.0, 0.5]}, "binary"),
    ("AUC", {"thresholds": [0.7, 0.2, 0.5]}, "binary"),
    ("AUC", {"thresholds": [0.2, 0.5, 0.7], "multi_label": True}, "binary"),
    ("AUC", {"from_logits": True}, "logits"),
    ("PrecisionAtRecall", {"recall": 0.5}, "binary"),
    ("RecallAtPrecision", {"precision": 0.6, "num_thresholds": 50}, "binary"),
    ("SensitivityAtSpecificity", {"specificity": 0.4, "class_id": 1}, "binary"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.3, "num_thresholds": 1}, "binary"),
    ("F1Score", {}, "binary"),
    ("F1Score", {"average": "micro", "threshold": 0.5}, "binary"),
    ("FBetaScore", {"average": "macro", "beta": 2.0}, "onehot"),
    ("FBetaScore", {"average": "weighted", "beta": 0.5, "threshold": 0.4}, "binary"),
    ("IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, "classes"),
    ("MeanIoU", {"num_classes": 3, "ignore_class": 1}, "classes"),
    ("MeanIoU", {"num_classes": 3, "dtype": "float32"}, "classes"),
    ("BinaryIoU", {"threshold": 0.3}, "binary_1d"),
    ("OneHotIoU", {"num_classes": 3, "target_class_ids": [1, 2]}, "onehot"),
    ("OneHotMeanIoU", {"num_classes": 3}, "onehot"),
]
CASE_IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'default'}" for name, kw, _ in CASES]


def sample_weights(name, kwargs, rng):
    if "IoU" in name and "dtype" not in kwargs:
        return rng.integers(0, 3, (BATCH,)).astype(np.int32)  # int metric: float weights would be truncated
    return rng.uniform(0, 2, (BATCH,)).astype(np.float32)


def rng_for(name, kwargs):
    return np.random.default_rng(zlib.crc32(f"{name}{kwargs}".encode()))


@pytest.mark.parametrize("name,kwargs,kind", CASES, ids=CASE_IDS)
def test_metric_matches_keras_with_and_without_weights(keras_ref, name, kwargs, kind):
    rng = rng_for(name, kwargs)
    ours = getattr(metrics, name)(**kwargs)
    theirs = getattr(keras_ref.metrics, name)(**kwargs)
    # An unweighted batch, then a weighted one: the state must accumulate like Keras's.
    for weighted in (False, True):
        y_true, y_pred = make_data(kind, rng)
        sw = sample_weights(name, kwargs, rng) if weighted else None
        ours.update_state(y_true, y_pred, sample_weight=sw)
        theirs.update_state(y_true, y_pred, sample_weight=sw)
        np.testing.assert_allclose(to_np(ours.result()), np.asarray(theirs.result()), rtol=RTOL, atol=ATOL)
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]
    assert [backend.standardize_dtype(v.dtype) for v in ours.variables] == [v.dtype for v in theirs.variables]
    for ours_v, theirs_v in zip(ours.variables, theirs.variables):
        np.testing.assert_allclose(to_np(ours_v.value), np.asarray(theirs_v.value), rtol=RTOL, atol=ATOL)
    assert not any(v.trainable for v in ours.variables)
    ours.reset_state()
    assert all(np.all(to_np(v.value) == 0) for v in ours.variables)


def _comparable(config):
    # Keras keeps `label_weights` as a tensor in the config.
    return {k: (to_np(v).tolist() if k == "label_weights" and v is not None else v) for k, v in config.items()}


@pytest.mark.parametrize("name,kwargs,kind", CASES, ids=CASE_IDS)
def test_config_matches_keras_and_round_trips(keras_ref, name, kwargs, kind):
    rng = rng_for(name, kwargs)
    metric = getattr(metrics, name)(name="my_metric", **kwargs)
    config = metric.get_config()
    theirs = getattr(keras_ref.metrics, name)(name="my_metric", **kwargs).get_config()
    if "label_weights" in theirs and theirs["label_weights"] is not None:
        theirs = {**theirs, "label_weights": np.asarray(theirs["label_weights"]).tolist()}
    assert _comparable(config) == theirs
    rebuilt = type(metric).from_config(config)
    assert rebuilt.name == "my_metric"
    y_true, y_pred = make_data(kind, rng)
    np.testing.assert_array_equal(to_np(rebuilt(y_true, y_pred)), to_np(metric(y_true, y_pred)))


def test_metrics_get_resolves_the_new_names():
    assert isinstance(metrics.get("AUC"), metrics.AUC)
    assert isinstance(metrics.get("auc"), metrics.AUC)
    assert isinstance(metrics.get("precision"), metrics.Precision)
    assert isinstance(metrics.get("Recall"), metrics.Recall)
    assert isinstance(metrics.get("true_positives"), metrics.TruePositives)
    config = metrics.serialize(metrics.PrecisionAtRecall(0.4, name="par"))
    rebuilt = metrics.deserialize(config)
    assert isinstance(rebuilt, metrics.PrecisionAtRecall) and rebuilt.recall == 0.4 and rebuilt.name == "par"


def test_auc_with_label_weights_survives_a_json_round_trip():
    # The config holds label_weights as a tensor; serialized, it becomes a tagged dict.
    config = json.loads(json.dumps(metrics.serialize(metrics.AUC(label_weights=[1.0, 2.0, 0.5], name="a"))))
    rebuilt = metrics.deserialize(config)
    assert isinstance(rebuilt, metrics.AUC) and rebuilt.name == "a"
    np.testing.assert_array_equal(to_np(rebuilt.label_weights), [1.0, 2.0, 0.5])


# One of each update path: bucketed, compared, multi-label, top_k, class_id, confusion matrix.
STATELESS_CASES = [CASES[i] for i in (1, 5, 8, 9, 13, 16, 19, 28)]


@pytest.mark.parametrize("name,kwargs,kind", STATELESS_CASES, ids=[
    i for i, c in zip(CASE_IDS, CASES) if c in STATELESS_CASES])
def test_stateless_update_matches_stateful(name, kwargs, kind):
    rng = rng_for(name, kwargs)
    if kwargs.get("multi_label") and not kwargs.get("num_labels"):
        kwargs = {**kwargs, "num_labels": CLASSES}  # variables must exist before a stateless update
    metric = getattr(metrics, name)(**kwargs)
    reference = getattr(metrics, name)(**kwargs)
    batches = [make_data(kind, rng) for _ in range(2)]
    weights = sample_weights(name, kwargs, rng)
    update = metric.stateless_update_state
    if BACKEND == "jax":
        import jax

        # The whole update must trace: no Python branch on a tensor value.
        update = jax.jit(lambda state, yt, yp, sw: metric.stateless_update_state(state, yt, yp, sample_weight=sw))
    if BACKEND == "tensorflow":
        import tensorflow as tf

        # Same check inside a graph: no Python branch on a tensor value.
        update = tf.function(lambda state, yt, yp, sw: metric.stateless_update_state(state, yt, yp, sample_weight=sw))
    state = metric.stateless_reset_state()
    for y_true, y_pred in batches:
        state = update(state, y_true, y_pred, weights) if BACKEND in ("jax", "tensorflow") else update(
            state, y_true, y_pred, sample_weight=weights)
        reference.update_state(y_true, y_pred, sample_weight=weights)
    for ref_v, new in zip(reference.variables, state):
        np.testing.assert_allclose(to_np(new), to_np(ref_v.value), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(to_np(metric.stateless_result(state)), to_np(reference.result()), rtol=RTOL, atol=ATOL)
    assert all(np.all(to_np(v.value) == 0) for v in metric.variables)


def test_lazily_built_metrics_build_from_symbolic_inputs():
    f1 = metrics.F1Score(average="macro")
    auc = metrics.AUC(multi_label=True)
    assert f1.variables == [] and auc.variables == []
    y_true_spec = backend.KerasTensor((None, CLASSES))
    y_pred_spec = backend.KerasTensor((None, CLASSES))
    backend.compute_output_spec(lambda t, p: (f1.update_state(t, p), auc.update_state(t, p)), y_true_spec, y_pred_spec)
    assert [tuple(v.shape) for v in f1.variables] == [(CLASSES,)] * 4
    assert [tuple(v.shape) for v in auc.variables] == [(200, CLASSES)] * 4
    f1.reset_state()
    auc.reset_state()
    y_true, y_pred = make_data("binary", np.random.default_rng(3))
    f1.update_state(y_true, y_pred)
    auc.update_state(y_true, y_pred)
    assert 0.0 <= float(to_np(f1.result())) <= 1.0 and 0.0 <= float(to_np(auc.result())) <= 1.0


def test_known_values():
    m = metrics.AUC(num_thresholds=3)
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert float(to_np(m.result())) == pytest.approx(0.75)
    m = metrics.Precision(thresholds=[0.0, 0.5, 1.0])
    m.update_state([1, 0, 1], [0.9, 0.6, 0.2])
    np.testing.assert_allclose(to_np(m.result()), [2 / 3, 0.5, 0.0], rtol=1e-6)
    m = metrics.MeanIoU(num_classes=2)
    m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    assert float(to_np(m.result())) == pytest.approx(1 / 3, rel=1e-5)


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: metrics.Precision(thresholds=[0.5, 1.5]), "Threshold values must be in"),
        (lambda: metrics.AUC(num_thresholds=1), "num_thresholds"),
        (lambda: metrics.AUC(num_labels=3), "only when `multi_label` is True"),
        (lambda: metrics.AUC(curve="XY"), "Invalid AUC curve"),
        (lambda: metrics.AUC(summation_method="mid"), "Invalid AUC summation"),
        (lambda: metrics.PrecisionAtRecall(1.5), "recall"),
        (lambda: metrics.SensitivityAtSpecificity(0.5, num_thresholds=0), "num_thresholds"),
        (lambda: metrics.FBetaScore(beta=2), "beta"),
        (lambda: metrics.FBetaScore(average="mean"), "average"),
        (lambda: metrics.F1Score(threshold=1.5), "threshold"),
        (lambda: metrics.IoU(num_classes=2, target_class_ids=[0, 2]), "out of range"),
    ],
)
def test_invalid_arguments_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_f_score_needs_2d_inputs():
    with pytest.raises(ValueError, match="2D inputs"):
        metrics.F1Score().update_state(np.ones((4,), "float32"), np.ones((4,), "float32"))


@pytest.mark.requires_trainable_backend
def test_metrics_in_fit_and_evaluate_match_direct_computation():
    import cornu

    rng = np.random.default_rng(9)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = (x[:, :CLASSES] > 0).astype("float32")
    model = cornu.Sequential([cornu.Input((4,)), cornu.layers.Dense(CLASSES, activation="sigmoid")])
    model.compile(
        optimizer="adam",
        loss="binary_crossentropy",
        metrics=[metrics.AUC(multi_label=True, name="auc"), metrics.F1Score(average="macro", threshold=0.5),
                 metrics.Precision(top_k=1, name="precision")],
    )
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    logs = model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
    y_pred = to_np(model.predict(x, verbose=0))
    for name, metric in (("auc", metrics.AUC(multi_label=True)), ("f1_score", metrics.F1Score("macro", 0.5)),
                         ("precision", metrics.Precision(top_k=1))):
        metric.update_state(y, y_pred)
        assert logs[name] == pytest.approx(float(to_np(metric.result())), rel=1e-5, abs=1e-6), name
