"""DataParallel step time on PyTorch: cornu's ``fit`` under ``keras.distribution.DataParallel``
(DistributedDataParallel underneath) next to a hand-written DDP loop, measured in the same
processes with interleaved rounds, for an MLP and a small Transformer, on:

- 1 process (the baseline: cornu without a distribution, hand-written without DDP),
- 2 processes started by ``torchrun --nproc_per_node 2`` (gloo on loopback).

Both sides use the same global batch, SGD, float32; each process trains on its half of every
global batch. The medians and the cornu / hand-written ratio are printed as a Markdown table,
for one intra-op thread per process and for torch's default thread count.

Usage:
    python -m bench.distribution.torch_ddp_scaling [--rounds 5] [--steps 20] [--out results.json]
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

from bench.distribution.workloads import WORKLOADS, cornu_model, data

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


# ----------------------------------------------------------------------------- worker side
def _handwritten_model(name):
    import torch
    from torch import nn

    w = WORKLOADS[name]
    if name == "mlp":
        return nn.Sequential(nn.Linear(w["features"], w["hidden"]), nn.ReLU(), nn.Linear(w["hidden"], w["hidden"]),
                             nn.ReLU(), nn.Linear(w["hidden"], w["classes"]))

    class Transformer(nn.Module):
        def __init__(self):
            super().__init__()
            d = w["dim"]
            self.embed = nn.Embedding(w["vocab"], d)
            self.attention = nn.MultiheadAttention(d, w["heads"], batch_first=True)
            self.norm1, self.norm2 = nn.LayerNorm(d, eps=1e-3), nn.LayerNorm(d, eps=1e-3)
            self.f1, self.f2, self.out = nn.Linear(d, 2 * d), nn.Linear(2 * d, d), nn.Linear(d, w["classes"])

        def forward(self, x):
            h = self.embed(x)
            a, _ = self.attention(h, h, h, need_weights=False)
            h = self.norm1(h + a)
            h = self.norm2(h + self.f2(torch.relu(self.f1(h))))
            return self.out(h.mean(1))

    return Transformer()


def worker(args):
    os.environ["CORNU_BACKEND"] = "torch"
    import numpy as np
    import torch

    import cornu as keras
    from cornu import distribution as dist

    distributed = "RANK" in os.environ
    if distributed:
        dist.initialize()
    rank = int(os.environ.get("RANK", 0))
    world = int(os.environ.get("WORLD_SIZE", 1))
    results = {}
    for name in WORKLOADS:
        keras.utils.set_random_seed(0)
        rng = np.random.default_rng(0)
        x, y = data(name, rng)
        xs, ys = np.concatenate([x] * args.steps), np.concatenate([y] * args.steps)
        distribution = dist.DataParallel() if distributed else None

        def cornu_fit(model):
            if distribution is None:
                return model.fit(xs, ys, batch_size=len(x), epochs=1, verbose=0, shuffle=False)
            with distribution.scope():
                return model.fit(xs, ys, batch_size=len(x), epochs=1, verbose=0, shuffle=False)

        if distribution is None:
            model = cornu_model(name)
        else:
            with distribution.scope():
                model = cornu_model(name)
        cornu_fit(model)  # warm-up

        torch.manual_seed(0)
        native = _handwritten_model(name)
        if distributed:
            native = torch.nn.parallel.DistributedDataParallel(native)
        optimizer = torch.optim.SGD(native.parameters(), lr=0.01)
        loss_fn = torch.nn.CrossEntropyLoss()
        part = len(x) // world
        local_x = [torch.as_tensor(xs[i * len(x):(i + 1) * len(x)][rank * part:(rank + 1) * part])
                   for i in range(args.steps)]
        local_y = [torch.as_tensor(ys[i * len(x):(i + 1) * len(x)][rank * part:(rank + 1) * part]).long()
                   for i in range(args.steps)]

        def native_epoch():
            for bx, by in zip(local_x, local_y):
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(native(bx), by)
                loss.backward()
                optimizer.step()
            return float(loss)

        native_epoch()  # warm-up
        cornu_times, native_times = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            cornu_fit(model)
            cornu_times.append((time.perf_counter() - start) / args.steps)
            start = time.perf_counter()
            native_epoch()
            native_times.append((time.perf_counter() - start) / args.steps)
        results[name] = {"cornu_ms": [t * 1e3 for t in cornu_times], "native_ms": [t * 1e3 for t in native_times]}
    if rank == 0:
        with open(args.out, "w") as f:
            json.dump(results, f)


# ----------------------------------------------------------------------------- driver side
def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_setup(processes, threads, rounds, steps, folder):
    out = os.path.join(folder, f"p{processes}_t{threads}.json")
    env = dict(os.environ, PYTHONPATH=REPO)
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(name, None)
    if threads == "1":
        env["OMP_NUM_THREADS"] = "1"
    else:
        env.pop("OMP_NUM_THREADS", None)
    worker_args = ["-m", "bench.distribution.torch_ddp_scaling", "--worker", "--rounds", str(rounds),
                   "--steps", str(steps), "--out", out]
    if processes == 1:
        command = [sys.executable] + worker_args
    else:
        # torchrun sets OMP_NUM_THREADS=1 unless it is set: "default" passes torch's own default on.
        if threads != "1":
            env["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 2) // processes))
        command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(processes),
                   "--master_addr", "127.0.0.1", "--master_port", str(_free_port())] + worker_args
    done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=1800)
    if done.returncode:
        raise RuntimeError(f"worker failed: {done.stderr[-3000:]}")
    with open(out) as f:
        return json.load(f)


def _median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    load = os.getloadavg()
    table = {}
    with tempfile.TemporaryDirectory() as folder:
        for threads in ("1", "default"):
            for processes in (1, 2):
                label = f"{processes} process{'es' if processes > 1 else ''}, threads={threads}"
                table[label] = _run_setup(processes, threads, args.rounds, args.steps, folder)
    lines = ["| set-up | workload | cornu DataParallel ms/step | hand-written DDP ms/step | cornu / hand-written |",
             "|---|---|---|---|---|"]
    for label, results in table.items():
        for name, r in results.items():
            c, n = _median(r["cornu_ms"]), _median(r["native_ms"])
            lines.append(f"| {label} | {name} | {c:.2f} | {n:.2f} | {c / n:.2f}x |")
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; after: "
          + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    print("\n".join(lines))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"load_before": load, "load_after": os.getloadavg(), "results": table}, f, indent=1)


if __name__ == "__main__":
    main()
