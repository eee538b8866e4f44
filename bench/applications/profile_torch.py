"""Where the time of an application model goes on torch: ``torch.profiler`` tables (ops by self
CPU time) of cornu's ``model(x, training=False)`` and of the hand-written model, on the same
weights and batch.

Run (cornu on torch; a small batch keeps it quick):
    CORNU_BACKEND=torch OMP_NUM_THREADS=1 .venv/bin/python -m bench.applications.profile_torch \
        --model resnet50 --size 224 --batch 8
"""

import argparse

import torch

import cornu
from bench.applications import torch_models
from bench.applications import weights as weights_lib


def profile(call, calls, rows):
    call()
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        for _ in range(calls):
            call()
    return prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet50", choices=sorted(weights_lib.MODELS))
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--calls", type=int, default=2)
    parser.add_argument("--rows", type=int, default=15)
    args = parser.parse_args(argv)
    if cornu.backend.backend() != "torch":
        raise SystemExit("Run with CORNU_BACKEND=torch.")
    model = weights_lib.build(cornu, args.model, args.size)
    weights = weights_lib.random_weights(model)
    weights_lib.set_weights(model, weights)
    images = weights_lib.images(args.batch, args.size)
    x = cornu.ops.convert_to_tensor(images)
    net = torch_models.build(args.model, weights)
    native_x = torch_models.to_input(images)

    def native():
        with torch.inference_mode():
            return net(native_x)

    diff = weights_lib.max_abs_diff(cornu.ops.convert_to_numpy(model(x, training=False)), native().numpy())
    print(f"max abs diff cornu vs hand-written: {diff:.2e}")
    print("== cornu model(x, training=False)")
    print(profile(lambda: model(x, training=False), args.calls, args.rows))
    print("== cornu model(x, training=False) under torch.no_grad()")

    def no_grad_call():
        with torch.no_grad():
            return model(x, training=False)

    print(profile(no_grad_call, args.calls, args.rows))
    print("== hand-written, torch.inference_mode()")
    print(profile(native, args.calls, args.rows))


if __name__ == "__main__":
    main()
