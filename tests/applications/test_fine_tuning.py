"""Fine-tuning a small application: MobileNetV2 (32x32, alpha 0.35) as a frozen base under a new
head, trained a few epochs on generated data whose label is learnable (bright or dark images).

The frozen base keeps every weight (batch-norm statistics included: its BatchNormalization layers
run in inference mode even when the model trains), the head learns, the loss falls, and the loss
curve is the real Keras 3.15.1's for the same steps from the same initial weights.
"""

import hashlib
import inspect
import os

import numpy as np
import pytest

import cornu

from tests.helpers.applications_reference import KERAS_VERSION, cache_root

pytestmark = pytest.mark.requires_trainable_backend  # numpy is inference-only

EPOCHS = 4
BATCH_SIZE = 8


def _data():
    """32 images: label 1 images are brighter than label 0 ones, with noise on top."""
    rng = np.random.default_rng(7)
    y = np.tile([0, 1], 16).astype("int32")
    brightness = np.where(y == 1, 0.4, -0.4).astype("float32")[:, None, None, None]
    x = (brightness + rng.normal(0.0, 0.3, (32, 32, 32, 3))).astype("float32")
    return np.clip(x, -1.0, 1.0), y


def _fine_tuning_model(keras):
    """The frozen MobileNetV2 base and the whole model with its new head, built with ``keras``."""
    base = keras.applications.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, include_top=False,
                                          weights=None)
    base.trainable = False
    inputs = keras.Input((32, 32, 3))
    features = keras.layers.GlobalAveragePooling2D()(base(inputs))
    # A zero kernel starts at the uniform prediction (loss ln 2) for a smooth curve to compare.
    outputs = keras.layers.Dense(2, activation="softmax", kernel_initializer="zeros")(features)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                  loss="sparse_categorical_crossentropy")
    return base, model


def _fit(model, x, y):
    history = model.fit(x, y, batch_size=BATCH_SIZE, epochs=EPOCHS, shuffle=False, verbose=0)
    return np.array(history.history["loss"])


def _pretrained_like_weights(base, rng):
    """Stands in for ImageNet weights: He-scaled kernels, so that the frozen features still carry
    the image's signal (a freshly initialized base gives nearly constant features), and moving
    statistics away from 0/1, so that training-mode batch normalization would show."""
    values = []
    for weight in base.weights:
        value = np.asarray(weight.numpy())
        if weight.name == "moving_mean":
            value = rng.normal(0.0, 0.05, value.shape)
        elif weight.name == "moving_variance":
            value = rng.uniform(0.8, 1.2, value.shape)
        elif value.ndim == 4:  # (kh, kw, in, out) or depthwise (kh, kw, channels, 1)
            per_kernel = 1 if "depthwise" in weight.path else value.shape[2]
            fan_in = value.shape[0] * value.shape[1] * per_kernel
            value = rng.normal(0.0, np.sqrt(2.0 / fan_in), value.shape)
        values.append(value.astype("float32"))
    base.set_weights(values)


@pytest.fixture(scope="module")
def fine_tuned():
    """cornu's run: initial weights, losses and the trained model."""
    cornu.backend.clear_session()
    cornu.utils.set_random_seed(0)
    base, model = _fine_tuning_model(cornu)
    _pretrained_like_weights(base, np.random.default_rng(3))
    x, y = _data()
    initial = model.get_weights()
    initial_base = base.get_weights()
    losses = _fit(model, x, y)
    return {"model": model, "base": base, "initial": initial, "initial_base": initial_base,
            "losses": losses, "x": x, "y": y}


def test_base_is_frozen_and_head_trainable(fine_tuned):
    model, base = fine_tuned["model"], fine_tuned["base"]
    assert base.trainable_weights == []
    head = model.layers[-1]
    assert [tuple(w.shape) for w in model.trainable_weights] == [(1280, 2), (2,)]
    assert model.trainable_weights[0] is head.kernel


def test_base_weights_do_not_change(fine_tuned):
    base = fine_tuned["base"]
    after = base.get_weights()
    assert len(after) == len(fine_tuned["initial_base"]) == 260  # incl. batch-norm statistics
    for before, now in zip(fine_tuned["initial_base"], after):
        np.testing.assert_array_equal(now, before)


def test_head_learns_and_loss_decreases(fine_tuned):
    model = fine_tuned["model"]
    head_before = fine_tuned["initial"][-2:]
    head_after = model.layers[-1].get_weights()
    assert not np.allclose(head_after[0], head_before[0])
    assert not np.allclose(head_after[1], head_before[1])
    losses = fine_tuned["losses"]
    assert losses[0] < np.log(2.0) + 0.05
    assert np.all(np.diff(losses) < 0) and losses[-1] < 0.75 * losses[0], losses
    accuracy = np.mean(np.argmax(model.predict(fine_tuned["x"], verbose=0), -1) == fine_tuned["y"])
    assert accuracy >= 0.75


@pytest.mark.parametrize("layer_name", ["bn_Conv1", "block_8_expand_BN", "Conv_1_bn"])
def test_frozen_batch_norm_runs_in_inference_mode(fine_tuned, layer_name):
    # training=True must not switch the frozen base's batch norm to batch statistics. (Layer by
    # layer: a first eager call of the whole base costs seconds of op compilation on JAX; the
    # whole model's training-mode pass is checked by the first loss matching Keras's.)
    layer = fine_tuned["base"].get_layer(layer_name)
    assert not layer.trainable
    gamma, beta, mean, variance = layer.get_weights()
    x = np.random.default_rng(5).normal(1.0, 2.0, (4, 2, 2, gamma.shape[0])).astype("float32")
    expected = (x - mean) / np.sqrt(variance + layer.epsilon) * gamma + beta
    for training in (True, False):
        np.testing.assert_allclose(cornu.ops.convert_to_numpy(layer(x, training=training)),
                                   expected, rtol=1e-4, atol=1e-4)


def _keras_run(request):
    """The same fine-tuning in the real Keras, from the same (deterministic) initial weights:
    cached under the reference cache, keyed by this file's recipe, so the backends share it
    (and Keras is imported only when the cache misses)."""
    recipe = "".join(inspect.getsource(f) for f in (_data, _fine_tuning_model,
                                                    _pretrained_like_weights, _fit))
    recipe += inspect.getsource(_keras_run)  # a change in what is saved gives a new entry too
    key = hashlib.sha256(f"{KERAS_VERSION} {EPOCHS} {BATCH_SIZE} {recipe}".encode()).hexdigest()
    path = cache_root() / f"fine_tuning-mobilenetv2-{key[:16]}.npz"
    if not path.exists():
        keras = request.getfixturevalue("keras_ref")
        keras.utils.set_random_seed(0)
        base, model = _fine_tuning_model(keras)
        _pretrained_like_weights(base, np.random.default_rng(3))
        x, y = _data()
        initial = [np.asarray(w) for w in model.get_weights()]
        losses = _fit(model, x, y)
        head = [np.asarray(w) for w in model.layers[-1].get_weights()]
        arrays = {f"initial_{i}": w for i, w in enumerate(initial)}
        partial = path.with_suffix(f".{os.getpid()}.npz")
        np.savez(partial, losses=losses, head_kernel=head[0], initial_count=len(initial),
                 head_bias=head[1], **arrays)
        os.replace(partial, path)
    with np.load(path) as saved:
        initial = [saved[f"initial_{i}"] for i in range(int(saved["initial_count"]))]
        return {"losses": saved["losses"], "head": [saved["head_kernel"], saved["head_bias"]],
                "initial": initial}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Keras's own Variable.__array__
def test_loss_curve_matches_keras(fine_tuned, request):
    theirs = _keras_run(request)
    assert len(theirs["initial"]) == len(fine_tuned["initial"])
    for ours, keras_initial in zip(fine_tuned["initial"], theirs["initial"]):
        np.testing.assert_array_equal(ours, keras_initial)
    np.testing.assert_allclose(fine_tuned["losses"], theirs["losses"], rtol=2e-3, atol=1e-4)
    trained_head = fine_tuned["model"].layers[-1].get_weights()
    for ours, keras_trained in zip(trained_head, theirs["head"]):
        np.testing.assert_allclose(ours, keras_trained, rtol=1e-2, atol=1e-3)
