"""GPU checks for one backend (run on a CUDA machine): recurrent fused kernels against the
step-by-step loop, mixed-precision training, fused steps_per_execution, and step timings.

Usage: CORNU_BACKEND=torch|jax python scripts/gpu/check_gpu.py
"""

import time

import numpy as np

import cornu as keras
from cornu import ops

BACKEND = keras.backend.backend()
results = {}


def check(name, fn):
    try:
        results[name] = fn()
        print(f"[ok] {BACKEND} {name}: {results[name]}", flush=True)
    except Exception as e:  # report and go on: one script, one device call
        results[name] = f"FAILED {type(e).__name__}: {str(e).splitlines()[0][:300]}"
        print(f"[FAIL] {BACKEND} {name}: {results[name]}", flush=True)


def rnn_fused_vs_loop(cls, mask):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 7, 5)).astype("float32")
    if mask:
        x[2, 4:] = 0.0
    outs = []
    for use_cudnn in (True, False):
        keras.utils.set_random_seed(0)
        inputs = keras.Input((7, 5))
        h = keras.layers.Masking()(inputs) if mask else inputs
        layer = cls(6, return_sequences=True, use_cudnn=use_cudnn)
        # Masked: one direction (a backward pass over a right-padded mask is not fusable).
        outputs = layer(h) if mask else keras.layers.Bidirectional(layer)(h)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, np.zeros((4, 7, outputs.shape[-1]), "float32"), epochs=1, verbose=0)  # backward pass on the fused kernel
        outs.append(model.predict(x, verbose=0))
    return float(np.max(np.abs(outs[0] - outs[1])))


def mixed_training(policy):
    keras.mixed_precision.set_global_policy(policy)
    try:
        rng = np.random.default_rng(0)
        x = rng.normal(size=(1024, 16)).astype("float32")
        y = (x[:, 0] > 0).astype("int32")
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(64, activation="relu"),
                                  keras.layers.Dense(2), keras.layers.Activation("softmax", dtype="float32")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        h = model.fit(x, y, batch_size=64, epochs=5, verbose=0)
        return {"optimizer": type(model.optimizer).__name__, "accuracy": round(h.history["accuracy"][-1], 3)}
    finally:
        keras.mixed_precision.set_global_policy("float32")


def mlp_step_ms(steps_per_execution):
    x = np.random.rand(128 * 50, 784).astype("float32")
    y = np.random.randint(0, 10, 128 * 50)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(512, activation="relu"), keras.layers.Dense(10)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  steps_per_execution=steps_per_execution)
    t = time.perf_counter()
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)
    first = time.perf_counter() - t
    t = time.perf_counter()
    model.fit(x, y, batch_size=128, epochs=2, verbose=0)
    return {"first_epoch_s": round(first, 2), "step_ms": round((time.perf_counter() - t) / 100 * 1000, 3)}


def lstm_step_ms():
    x = np.random.randint(1, 1000, size=(64 * 20, 100))
    y = np.random.randint(0, 2, 64 * 20)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((100,), dtype="int32"), keras.layers.Embedding(1000, 64),
                              keras.layers.LSTM(128), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    t = time.perf_counter()
    model.fit(x, y, batch_size=64, epochs=2, verbose=0)
    return {"step_ms": round((time.perf_counter() - t) / 40 * 1000, 3)}


def device_of_variable():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    value = model.weights[0].value
    return str(getattr(value, "device", None) or list(value.devices()))


check("device", device_of_variable)
check("lstm_fused_vs_loop_maxdiff", lambda: rnn_fused_vs_loop(keras.layers.LSTM, mask=False))
check("gru_fused_vs_loop_maxdiff", lambda: rnn_fused_vs_loop(keras.layers.GRU, mask=False))
if BACKEND == "torch":  # torch packs right-padded masked rows into its fused kernel
    check("lstm_masked_fused_vs_loop_maxdiff", lambda: rnn_fused_vs_loop(keras.layers.LSTM, mask=True))
check("mixed_float16", lambda: mixed_training("mixed_float16"))
check("mixed_bfloat16", lambda: mixed_training("mixed_bfloat16"))
check("mlp_spe1", lambda: mlp_step_ms(1))
check("mlp_spe10", lambda: mlp_step_ms(10))
check("lstm_train_step", lstm_step_ms)
print("RESULTS", BACKEND, results)
