"""Measures one (workload, backend, implementation) of the GPU comparison in this process
and prints one ``RESULT {json}`` line. ``run_gpu_comparison.py`` starts one process per
measurement, with ``CORNU_BACKEND``/``KERAS_BACKEND`` set.

Implementations: ``cornu`` (the default step: jitted on JAX, eager on torch),
``cornu_compiled`` (``jit_compile=True``: the compiled functional step on torch), ``keras``
(Keras 3 on the same backend), ``native`` and ``native_compiled`` (``torch.compile``).

Example:
    CORNU_BACKEND=torch python -m bench.gpu.measure_one --workload gpt --impl cornu --size tiny
"""

import argparse
import json
import os
import time

import numpy as np

from bench.gpu import configs, keras_models

IMPLS = ("cornu", "cornu_compiled", "keras", "native", "native_compiled")


def _device_name(backend):
    if backend == "torch":
        import torch
        return torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu"
    import jax
    return jax.devices()[0].device_kind


def _keras_api_run(module, workload, cfg, steps, compiled):
    jit = True if compiled else "auto"
    model = keras_models.compile_model(module, keras_models.build(module, workload, cfg), jit_compile=jit)
    x, y = keras_models.data(workload, cfg)
    xs, ys = x.repeat(steps, axis=0), y.repeat(steps, axis=0)
    ends = []

    class Timer(module.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            float(logs["loss"])  # waits for the epoch's last step
            ends.append(time.perf_counter())

    start = time.perf_counter()
    model.fit(xs, ys, batch_size=cfg["batch_size"], epochs=2, shuffle=False, verbose=0,
              callbacks=[Timer()])
    warm = (ends[1] - ends[0]) / steps
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    return {"step_ms": 1e3 * warm, "cold_s": (ends[0] - start) - warm * steps,
            "num_params": int(model.count_params()), "trainable_params": trainable}


def _native_run(backend, workload, cfg, steps, compiled):
    x, y = keras_models.data(workload, cfg)
    if backend == "torch":
        import torch
        from bench.gpu import torch_native
        device = "cuda" if torch.cuda.is_available() else "cpu"
        net = torch_native.Native(workload, cfg, device, compiled=compiled)
    else:
        from bench.gpu import jax_native
        if compiled:
            raise ValueError("native_compiled is torch.compile; the JAX step is always jitted")
        net = jax_native.Native(workload, cfg)
    xb, yb = net.batch(x, y)
    start = time.perf_counter()
    net.sync(net.train_step(xb, yb))
    first = time.perf_counter() - start
    net.sync(net.train_step(xb, yb))
    start = time.perf_counter()
    for _ in range(steps):
        loss = net.train_step(xb, yb)
    net.sync(loss)
    warm = (time.perf_counter() - start) / steps
    count = int(net.num_params())  # hand-written models keep only trainable parameters
    return {"step_ms": 1e3 * warm, "cold_s": first - warm, "num_params": count, "trainable_params": count}


def measure(workload, impl, size, steps, backend=None):
    """Runs one measurement in this process; returns the result dict. ``backend`` picks the
    native implementation (default: ``CORNU_BACKEND``, else jax)."""
    cfg = configs.size(workload, size)
    if impl in ("cornu", "cornu_compiled"):
        import cornu
        backend = cornu.backend.backend()
        out = _keras_api_run(cornu, workload, cfg, steps, impl == "cornu_compiled")
    elif impl == "keras":
        import keras
        backend = keras.backend.backend()
        out = _keras_api_run(keras, workload, cfg, steps, False)
    elif impl in ("native", "native_compiled"):
        backend = backend or os.environ.get("CORNU_BACKEND", "jax")
        out = _native_run(backend, workload, cfg, steps, impl == "native_compiled")
    else:
        raise ValueError(f"Unknown implementation. Expected one of {IMPLS}. Received: impl={impl!r}")
    device = _device_name(backend)
    out.update(workload=workload, impl=impl, backend=backend, size=size, steps=steps, device=device,
               status="ok")
    if workload == "gpt":
        peak = configs.peak_flops(device)
        flops = configs.gpt_flops_per_step(cfg, out["num_params"])
        out["tflops"] = flops / (out["step_ms"] / 1e3) / 1e12
        out["mfu"] = None if peak is None else flops / (out["step_ms"] / 1e3) / peak
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", choices=configs.WORKLOADS, required=True)
    parser.add_argument("--impl", choices=IMPLS, required=True)
    parser.add_argument("--size", choices=("full", "tiny"), default="full")
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args(argv)
    print("RESULT " + json.dumps(measure(args.workload, args.impl, args.size, args.steps)), flush=True)


if __name__ == "__main__":
    main()
