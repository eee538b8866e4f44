"""Measures one configuration (workload x implementation x backend) in this process and
writes its results as JSON. ``bench.run`` starts one such process per configuration; the
backend must already be chosen by the environment (``CORNU_BACKEND`` for cornu,
``KERAS_BACKEND`` for keras) before this module imports the library.

Usage (normally called by bench.run):
    CORNU_BACKEND=torch python -m bench.measure --workload mlp --impl cornu --backend torch \
        --out /tmp/result.json

Any exception while building or training makes the result ``"status": "unsupported"`` with
the error's first line; predict and latency failures are recorded per metric.
"""

import argparse
import importlib
import json
import os
import resource
import statistics
import sys
import time
import traceback

import numpy as np

from bench.workloads import WORKLOADS, common

IMPLS = ("cornu", "keras", "native")
BACKENDS = ("jax", "torch", "tensorflow")


class Plan:
    """How much to run: the size configuration and the timing budget."""

    def __init__(self, workload, quick=False, tiny=False):
        wl = WORKLOADS[workload]
        self.cfg = dict(wl.TINY if tiny else wl.BENCH)
        self.batch_size = self.cfg["batch_size"]
        if tiny:
            self.steps, self.epochs = 2, 1
        elif quick:
            self.steps, self.epochs = max(5, wl.STEPS_PER_EPOCH // 2), 2
        else:
            self.steps, self.epochs = wl.STEPS_PER_EPOCH, wl.EPOCHS
        self.predict_repeats = 1 if (quick or tiny) else 3
        self.latency_budget_s = 0.05 if tiny else (0.3 if quick else 1.0)
        self.latency_min_calls = 3 if tiny else 30
        self.num_samples = self.steps * self.batch_size


def first_line(error):
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}".strip()


def backend_sync(backend):
    """A function that blocks until an output of ``backend`` is computed (JAX dispatches
    asynchronously; torch and TensorFlow on CPU are synchronous)."""
    if backend == "jax":
        import jax

        return jax.block_until_ready
    return lambda value: value


def time_latency(call, x, plan):
    """Median seconds of ``call(x)`` over calls after a warm-up, within the time budget."""
    for _ in range(10):
        call(x)
    times = []
    deadline = time.perf_counter() + plan.latency_budget_s
    while len(times) < plan.latency_min_calls or (time.perf_counter() < deadline and len(times) < 5000):
        start = time.perf_counter()
        call(x)
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(times)


def time_predict(predict, plan):
    predict()  # warm-up: traces/compiles the predict function
    times = []
    for _ in range(plan.predict_repeats):
        start = time.perf_counter()
        predict()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def epoch_stats(fit_start, epoch_ends, steps):
    durations = np.diff([fit_start] + list(epoch_ends))
    steady = durations[1:]
    return {
        "first_epoch_s": float(durations[0]),
        "epoch_s": [float(d) for d in steady],
        "step_ms": float(np.median(steady) / steps * 1e3),
    }


def run_keras_api(module_name, workload, backend, plan, x, y, result):
    """cornu or keras: build with the public API, ``fit`` on in-memory numpy arrays."""
    keras = importlib.import_module(module_name)
    result["library_version"] = getattr(keras, "__version__", None)
    result["library_path"] = os.path.dirname(os.path.realpath(keras.__file__))
    result["library_backend"] = keras.backend.backend()
    if result["library_backend"] != backend:
        raise RuntimeError(f"{module_name} runs on {result['library_backend']}, expected {backend}")
    wl = WORKLOADS[workload]
    keras.utils.set_random_seed(0)
    start = time.perf_counter()
    model = common.compile_model(keras, wl.build(keras, plan.cfg))
    result["build_s"] = time.perf_counter() - start
    result["trainable_params"] = int(sum(int(np.prod(v.shape)) for v in model.trainable_weights))
    result["jit_compile"] = getattr(model, "jit_compile", None)
    timer = common.make_epoch_timer(keras, sync=lambda logs: [float(v) for v in logs.values()])
    timer.fit_start = time.perf_counter()
    model.fit(x, y, batch_size=plan.batch_size, epochs=1 + plan.epochs, shuffle=False, verbose=0,
              callbacks=[timer])
    result.update(epoch_stats(timer.fit_start, timer.epoch_ends, plan.steps))
    result["final_loss"] = timer.last_loss
    result["status"] = "ok"

    def predict():
        return model.predict(x, batch_size=plan.batch_size, verbose=0)

    sync = backend_sync(backend)
    single = keras.ops.convert_to_tensor(x[:1])
    return predict, (lambda inputs: sync(model(inputs))), single


def run_native(workload, backend, plan, x, y, result):
    """The hand-written model: a plain loop over sequential numpy batches."""
    if backend == "jax":
        from bench.native import jax_models as native
        import jax

        result["library_version"] = jax.__version__
        jax.block_until_ready(jax.numpy.zeros(2) + 1)  # the framework's one-time start-up,
    elif backend == "tensorflow":                       # which importing cornu/keras also does
        from bench.native import tf_models as native
        import tensorflow as tf

        result["library_version"] = tf.__version__
        tf.zeros(2) + 1
    else:
        from bench.native import torch_models as native
        import torch

        result["library_version"] = torch.__version__
        torch.zeros(2) + 1
    start = time.perf_counter()
    net = native.make(workload, plan.cfg, seed=0)
    result["build_s"] = time.perf_counter() - start
    result["trainable_params"] = net.num_trainable_params()
    if hasattr(net, "jit_compile"):
        result["jit_compile"] = net.jit_compile
    raw_x, x = x, net.prepare(x)
    b = plan.batch_size
    fit_start = time.perf_counter()
    epoch_ends = []
    for _ in range(1 + plan.epochs):
        losses = [net.train_step(x[i * b:(i + 1) * b], y[i * b:(i + 1) * b]) for i in range(plan.steps)]
        net.sync(losses[-1])
        epoch_ends.append(time.perf_counter())
    result.update(epoch_stats(fit_start, epoch_ends, plan.steps))
    result["final_loss"] = float(np.mean([net.sync(loss) for loss in losses]))  # like fit's log
    result["status"] = "ok"
    return (lambda: net.predict(x, b)), net.call, net.to_tensor(raw_x[:1])


def measure(workload, impl, backend, quick=False, tiny=False):
    """Runs one configuration and returns its result dict."""
    plan = Plan(workload, quick=quick, tiny=tiny)
    result = {"workload": workload, "impl": impl, "backend": backend, "status": "unsupported",
              "batch_size": plan.batch_size, "steps_per_epoch": plan.steps,
              "timed_epochs": plan.epochs, "config": plan.cfg, "errors": {}}
    x, y = WORKLOADS[workload].data(plan.cfg, plan.num_samples, np.random.default_rng(0))
    start = time.perf_counter()
    try:
        if impl == "native":
            predict, call, single = run_native(workload, backend, plan, x, y, result)
        else:
            predict, call, single = run_keras_api(impl, workload, backend, plan, x, y, result)
    except Exception as e:  # unsupported layer, failing fit...: report, never crash the suite
        result["status"] = "unsupported"
        result["error"] = first_line(e)
        result["traceback"] = traceback.format_exc(limit=-6)
        predict = call = None
    if predict is not None:
        try:
            seconds = time_predict(predict, plan)
            result["predict_samples_per_s"] = plan.num_samples / seconds
        except Exception as e:
            result["errors"]["predict"] = first_line(e)
        try:
            seconds, calls = time_latency(call, single, plan)
            result["latency_ms"] = seconds * 1e3
            result["latency_calls"] = calls
        except Exception as e:
            result["errors"]["latency"] = first_line(e)
    if "step_ms" in result:
        result["samples_per_s"] = plan.batch_size / (result["step_ms"] / 1e3)
    result["wall_s"] = time.perf_counter() - start
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["threads"] = _threads(backend)
    return result


def _threads(backend):
    if "torch" in sys.modules:
        return sys.modules["torch"].get_num_threads()
    return len(os.sched_getaffinity(0))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", required=True, choices=sorted(WORKLOADS))
    parser.add_argument("--impl", required=True, choices=IMPLS)
    parser.add_argument("--backend", required=True, choices=BACKENDS)
    parser.add_argument("--out", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--tiny", action="store_true", help="tiny shapes (tests only)")
    args = parser.parse_args(argv)
    result = measure(args.workload, args.impl, args.backend, quick=args.quick, tiny=args.tiny)
    with open(args.out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
