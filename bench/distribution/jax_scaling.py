"""DataParallel step time on JAX: cornu's ``fit`` under ``keras.distribution.DataParallel``
next to a hand-written ``jax.sharding`` data-parallel step, measured in the same processes
with interleaved rounds, for an MLP and a small Transformer, on three set-ups:

- 1 process, 1 device (the baseline),
- 1 process, 8 simulated CPU devices (``--xla_force_host_platform_device_count=8``),
- 2 processes, 1 device each, joined on loopback with ``keras.distribution.initialize``.

Both sides use the same global batch, SGD, float32, and hand the step NumPy batches that each
process splits into its own rows (``jax.make_array_from_process_local_data``). The medians
and the cornu / hand-written ratio are printed as a Markdown table.

Usage:
    python -m bench.distribution.jax_scaling [--rounds 5] [--steps 20] [--out results.json]
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

SETUPS = [("1 process x 1 device", 1, 1), ("1 process x 8 devices", 1, 8), ("2 processes x 1 device", 2, 1)]


# ----------------------------------------------------------------------------- worker side
def _handwritten_step(name, mesh):
    """A plain JAX model and a jitted SGD step over ``mesh`` (params replicated, batch split)."""
    import jax
    import jax.numpy as jnp
    from jax.sharding import NamedSharding, PartitionSpec as P

    w = WORKLOADS[name]
    key = jax.random.PRNGKey(0)

    def dense(key, n_in, n_out):
        return {"w": jax.random.normal(key, (n_in, n_out)) * (1.0 / n_in) ** 0.5, "b": jnp.zeros((n_out,))}

    def norm(h, eps=1e-3):
        mean = h.mean(-1, keepdims=True)
        return (h - mean) / jnp.sqrt(((h - mean) ** 2).mean(-1, keepdims=True) + eps)

    keys = jax.random.split(key, 8)
    if name == "mlp":
        params = {"d1": dense(keys[0], w["features"], w["hidden"]), "d2": dense(keys[1], w["hidden"], w["hidden"]),
                  "out": dense(keys[2], w["hidden"], w["classes"])}

        def forward(p, x):
            h = jax.nn.relu(x @ p["d1"]["w"] + p["d1"]["b"])
            h = jax.nn.relu(h @ p["d2"]["w"] + p["d2"]["b"])
            return h @ p["out"]["w"] + p["out"]["b"]
    else:
        d, heads = w["dim"], w["heads"]
        params = {"emb": jax.random.normal(keys[0], (w["vocab"], d)) * 0.05,
                  "q": dense(keys[1], d, d), "k": dense(keys[2], d, d), "v": dense(keys[3], d, d),
                  "o": dense(keys[4], d, d), "f1": dense(keys[5], d, 2 * d), "f2": dense(keys[6], 2 * d, d),
                  "out": dense(keys[7], d, w["classes"])}

        def forward(p, x):
            h = p["emb"][x]
            b, t, _ = h.shape

            def split(z):
                return z.reshape(b, t, heads, d // heads)

            q, k, v = (split(h @ p[n]["w"] + p[n]["b"]) for n in ("q", "k", "v"))
            a = jax.nn.dot_product_attention(q, k, v).reshape(b, t, d)
            h = norm(h + a @ p["o"]["w"] + p["o"]["b"])
            f = jax.nn.relu(h @ p["f1"]["w"] + p["f1"]["b"])
            h = norm(h + f @ p["f2"]["w"] + p["f2"]["b"])
            return h.mean(1) @ p["out"]["w"] + p["out"]["b"]

    def loss_fn(p, x, y):
        logits = forward(p, x)
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], axis=1))

    replicated = NamedSharding(mesh, P())
    params = jax.tree_util.tree_map(lambda a: _put_global(a, replicated), params)

    @jax.jit
    def step(p, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(p, x, y)
        return jax.tree_util.tree_map(lambda a, g: a - 0.01 * g, p, grads), loss

    step = jax.jit(step.__wrapped__ if hasattr(step, "__wrapped__") else step, donate_argnums=0,
                   out_shardings=(jax.tree_util.tree_map(lambda _: replicated, params), replicated))
    return params, step


def _put_global(value, sharding):
    import jax
    import numpy as np

    host = np.asarray(value)
    return jax.make_array_from_callback(host.shape, sharding, lambda index: host[index])


def _local_rows(x, sharding):
    import jax

    index = sharding.addressable_devices_indices_map(x.shape)
    starts = [i[0].start or 0 for i in index.values()]
    stops = [x.shape[0] if i[0].stop is None else i[0].stop for i in index.values()]
    return jax.make_array_from_process_local_data(sharding, x[min(starts):max(stops)], x.shape)


def worker(args):
    os.environ["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={args.devices}"
    os.environ["CORNU_BACKEND"] = "jax"
    import numpy as np

    import cornu as keras
    from cornu import distribution as dist

    if args.processes > 1:
        dist.initialize(f"127.0.0.1:{args.port}", num_processes=args.processes, process_id=args.rank)
    import jax
    from jax.sharding import NamedSharding, PartitionSpec as P

    results = {}
    for name in WORKLOADS:
        keras.utils.set_random_seed(0)
        rng = np.random.default_rng(0)
        x, y = data(name, rng)
        xs, ys = np.concatenate([x] * args.steps), np.concatenate([y] * args.steps)
        distribution = dist.DataParallel()
        with distribution.scope():
            model = cornu_model(name)
            model.fit(xs, ys, batch_size=len(x), epochs=1, verbose=0, shuffle=False)  # compile
        mesh = distribution.device_mesh.backend_mesh
        data_sharding = NamedSharding(mesh, P("batch"))
        params, step = _handwritten_step(name, mesh)
        params, loss = step(params, _local_rows(x, data_sharding), _local_rows(y, data_sharding))
        loss.block_until_ready()
        cornu_times, native_times = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            with distribution.scope():
                model.fit(xs, ys, batch_size=len(x), epochs=1, verbose=0, shuffle=False)
            cornu_times.append((time.perf_counter() - start) / args.steps)
            start = time.perf_counter()
            for i in range(args.steps):
                batch = slice(i * len(x), (i + 1) * len(x))
                params, loss = step(params, _local_rows(xs[batch], data_sharding),
                                    _local_rows(ys[batch], data_sharding))
            loss.block_until_ready()
            native_times.append((time.perf_counter() - start) / args.steps)
        results[name] = {"cornu_ms": [t * 1e3 for t in cornu_times], "native_ms": [t * 1e3 for t in native_times]}
    if args.rank == 0:
        with open(args.out, "w") as f:
            json.dump(results, f)


# ----------------------------------------------------------------------------- driver side
def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_setup(processes, devices, rounds, steps, folder):
    out = os.path.join(folder, f"p{processes}_d{devices}.json")
    port = str(_free_port())
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=REPO)
    commands = [[sys.executable, "-m", "bench.distribution.jax_scaling", "--worker", "--processes", str(processes),
                 "--devices", str(devices), "--rank", str(rank), "--port", port, "--rounds", str(rounds),
                 "--steps", str(steps), "--out", out] for rank in range(processes)]
    running = [subprocess.Popen(c, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
               for c in commands]
    for process in running:
        _, err = process.communicate(timeout=1200)
        if process.returncode:
            raise RuntimeError(f"worker failed: {err[-3000:]}")
    with open(out) as f:
        return json.load(f)


def _median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--devices", type=int, default=1)
    parser.add_argument("--rank", type=int, default=0)
    parser.add_argument("--port", default="0")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    load = os.getloadavg()
    table = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, processes, devices in SETUPS:
            table[label] = _run_setup(processes, devices, args.rounds, args.steps, folder)
    lines = ["| set-up | workload | cornu DataParallel ms/step | hand-written jax.sharding ms/step | cornu / hand-written |",
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
