"""One configuration of the applications benchmark, in this process: prepare the shared weights
(real Keras), or check and time one implementation of one model on one backend.

The library and backend are chosen by the environment before anything is imported
(``CORNU_BACKEND`` for cornu, ``KERAS_BACKEND`` for Keras), so ``bench.applications.run`` starts
one process per configuration; ``measure`` can also be called in-process (the smoke test).

Usage (normally called by bench.applications.run):
    KERAS_BACKEND=torch python -m bench.applications.measure prepare --workdir W --size 224 --batch 32
    CORNU_BACKEND=jax python -m bench.applications.measure measure --workdir W --model resnet50 \
        --impl cornu --backend jax

Each prints one line ``RESULT <json>``.
"""

import argparse
import json
import os
import statistics
import sys
import time
import traceback

import numpy as np

from bench.applications import weights as weights_lib

IMPLS = ("native", "cornu", "keras")
BACKENDS = ("jax", "torch")


class Budget:
    """How long to time each mode: warm-up calls, then at least ``min_calls`` timed calls and
    more while the elapsed time is under ``seconds`` (at most ``max_calls``)."""

    def __init__(self, seconds=6.0, min_calls=3, max_calls=20, warmup=1):
        # The output check's call comes first (JAX compiles there); one more warm-up call
        # because cornu's torch call plan fills its kernel cache on the second call.
        self.seconds, self.min_calls, self.max_calls, self.warmup = seconds, min_calls, max_calls, warmup


LOGIT_STD = 2.0
TINY_BUDGET = Budget(seconds=0.0, min_calls=1, max_calls=1, warmup=0)


def _paths(workdir, model_name):
    return (os.path.join(workdir, f"{model_name}.npz"), os.path.join(workdir, "images.npy"),
            os.path.join(workdir, f"{model_name}_expected.npy"))


def _predict(model, images):
    return np.asarray(model.predict(images, batch_size=images.shape[0], verbose=0))


def prepare(workdir, model_names, size, batch, library=None, calibrate=True):
    """Builds each model in the real Keras (``library``, default ``import keras``), draws and sets
    its weights, saves them, the input batch and Keras's ``predict`` output under ``workdir``.
    ``calibrate`` rescales the classifier so the logits have a standard deviation of ~2 (an extra
    ``predict``): neither uniform nor one-hot probabilities, so a wrong weight shows in them."""

    if library is None:
        import keras as library
    images = weights_lib.images(batch, size)
    np.save(os.path.join(workdir, "images.npy"), images)
    info = {}
    for model_name in model_names:
        weights_path, _, expected_path = _paths(workdir, model_name)
        model = weights_lib.build(library, model_name, size)
        weights = weights_lib.random_weights(model, seed=0)
        weights_lib.set_weights(model, weights)
        if calibrate:
            expected = _predict(model, images[:4])
            logit_std = float(np.log(np.maximum(expected, 1e-30)).std(axis=-1).mean())
            weights["predictions"] = [w * (LOGIT_STD / logit_std) for w in weights["predictions"]]
            weights_lib.set_weights(model, weights)
        weights_lib.save(weights_path, weights)
        expected = _predict(model, images)
        np.save(expected_path, expected)
        info[model_name] = {"params": int(model.count_params()), "top_probability": float(expected.max(axis=-1).mean())}
    return info


def _sync(backend):
    if backend == "jax":
        import jax

        return jax.block_until_ready
    return lambda value: value


def _time(call, budget, extra_warmup=0):
    """(median seconds per call after the warm-up, timed calls)."""
    for _ in range(budget.warmup + extra_warmup):
        call()
    times = []
    started = time.perf_counter()
    while len(times) < budget.min_calls or (time.perf_counter() - started < budget.seconds
                                            and len(times) < budget.max_calls):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times), len(times)


def _native_modes(model_name, backend, weights, images):
    """{mode: (call, to_numpy)} of the hand-written model of ``backend``."""
    if backend == "torch":
        import torch

        from bench.applications import torch_models

        net = torch_models.build(model_name, weights)
        x = torch_models.to_input(images)

        def forward():
            with torch.inference_mode():
                return net(x)

        count = sum(t.numel() for t in [*net.parameters(), *net.buffers()] if t.is_floating_point())
        return {"forward": (forward, lambda out: out.numpy())}, count
    import jax.numpy as jnp
    import numpy as np

    from bench.applications import jax_models

    params = jax_models.make_params(model_name, weights)
    apply = jax_models.make_forward(model_name)
    x = jnp.asarray(images)
    return {"forward": (lambda: apply(params, x), np.asarray)}, jax_models.num_params(params)


def _library_modes(library, model_name, size, weights, images):
    """{mode: (call, to_numpy)} of ``library``'s application model: ``predict`` at the batch's
    size and ``model(x, training=False)`` on a backend tensor."""
    model = weights_lib.build(library, model_name, size)
    weights_lib.set_weights(model, weights)
    batch = images.shape[0]
    x = library.ops.convert_to_tensor(images)
    to_numpy = library.ops.convert_to_numpy
    modes = {"predict": (lambda: model.predict(images, batch_size=batch, verbose=0), to_numpy),
             "call": (lambda: model(x, training=False), to_numpy)}
    return modes, model.count_params()


def _import_library(impl):
    if impl == "cornu":
        import cornu

        return cornu
    import keras

    return keras


def measure(model_name, impl, backend, workdir, budget=None, library=None, modes=None):
    """Checks ``impl``'s outputs against Keras's (``TOLERANCE``) and times each of its modes
    (or only those named in ``modes``)."""
    budget = budget or Budget()
    weights_path, images_path, expected_path = _paths(workdir, model_name)
    weights = weights_lib.load(weights_path)
    images, expected = np.load(images_path), np.load(expected_path)
    size, batch = images.shape[1], images.shape[0]
    result = {"model": model_name, "impl": impl, "backend": backend, "batch": batch, "size": size, "modes": {}}
    started = time.perf_counter()
    if impl == "native":
        calls, params = _native_modes(model_name, backend, weights, images)
    else:
        calls, params = _library_modes(library or _import_library(impl), model_name, size, weights, images)
    result["build_s"], result["params"] = time.perf_counter() - started, int(params)
    result["threads"] = _threads(backend)
    sync = _sync(backend)
    for mode, (call, to_numpy) in calls.items():
        if modes is not None and mode not in modes:
            continue
        row = {}
        try:
            started = time.perf_counter()
            output = to_numpy(call())
            row["first_s"] = time.perf_counter() - started  # tracing and compiling included
            row["max_abs_diff"] = weights_lib.max_abs_diff(output, expected)
            row["match"] = row["max_abs_diff"] <= weights_lib.TOLERANCE
            # On JAX cornu compiles a repeated model(x) at its third call, and Keras's eager
            # model(x) compiles each op at its first.
            extra = 2 if mode == "call" and backend == "jax" else 0
            seconds, calls = _time(lambda: sync(call()), budget, extra_warmup=extra)
            row.update(seconds=seconds, calls=calls, images_per_s=batch / seconds)
        except Exception as error:  # a missing layer, a failing mode: reported, the others still run
            row["error"] = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
        result["modes"][mode] = row
    return result


def _threads(backend):
    if "torch" in sys.modules:
        return sys.modules["torch"].get_num_threads()
    return os.environ.get("OMP_NUM_THREADS", "default")


def _apply_thread_setting():
    if os.environ.get("OMP_NUM_THREADS") == "1":
        try:
            import torch

            torch.set_num_threads(1)
            torch.set_num_interop_threads(1)
        except ImportError:
            pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("prepare", "measure"))
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--models", default=",".join(weights_lib.MODELS))
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--model")
    parser.add_argument("--impl", choices=IMPLS)
    parser.add_argument("--backend", choices=BACKENDS)
    parser.add_argument("--budget", type=float, default=6.0, help="seconds of timed calls per mode")
    parser.add_argument("--min-calls", type=int, default=3)
    args = parser.parse_args(argv)
    try:
        if args.step == "prepare":
            out = prepare(args.workdir, args.models.split(","), args.size, args.batch)
        else:
            _apply_thread_setting()
            out = measure(args.model, args.impl, args.backend, args.workdir,
                          Budget(seconds=args.budget, min_calls=args.min_calls))
    except Exception as error:
        traceback.print_exc()
        lines = str(error).strip().splitlines()
        out = {"error": f"{type(error).__name__}: {lines[0] if lines else ''}"}
    print("RESULT " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
