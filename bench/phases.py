"""Where a torch MLP training step spends its time, cornu next to the hand-written model in
the same process (so both see the same allocator and caches): forward, loss, backward,
optimizer and metric bookkeeping, in microseconds per step.

Usage (one thread, as the benchmark's ``--threads 1``):
    CORNU_BACKEND=torch OMP_NUM_THREADS=1 taskset -c 0 python -m bench.phases
"""

import time

import numpy as np
import torch
import torch.nn.functional as F

PHASES = ("forward", "loss", "backward", "optimizer", "metrics")


def _cornu_step(model, variables, x, y, clock):
    t = [clock()]
    y_pred = model(x, training=True)
    t.append(clock())
    loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
    t.append(clock())
    grads = torch.autograd.grad(loss, [v.value for v in variables])
    t.append(clock())
    with torch.no_grad():
        model.optimizer.apply(list(grads), variables)
        t.append(clock())
        model._loss_tracker.update_state(loss.detach(), sample_weight=x.shape[0])
        model.compute_metrics(x, y, y_pred, None)
    t.append(clock())
    return np.diff(t)


def _native_step(net, x, y, clock):
    t = [clock()]
    logits = net.model(x)
    t.append(clock())
    loss = F.cross_entropy(logits, y.long())
    t.append(clock())
    net.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    t.append(clock())
    net.optimizer.step()
    t.append(clock())
    loss.detach()
    t.append(clock())
    return np.diff(t)


def main(rounds=6, steps=50, cfg=None):
    """Prints the per-phase times; returns them (``{"cornu": [...], "native": [...]}``, µs)."""
    import cornu
    from cornu.backend.common.global_state import structure_cache

    from bench.native import torch_models
    from bench.workloads import common, mlp

    if cornu.backend.backend() != "torch":
        raise SystemExit("Run with CORNU_BACKEND=torch.")
    cfg = cfg or mlp.BENCH
    batch = cfg["batch_size"]
    x, y = mlp.data(cfg, steps * batch, np.random.default_rng(0))
    model = common.compile_model(cornu, mlp.build(cornu, cfg))
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0, shuffle=False)  # builds everything
    variables = model.trainable_weights
    model._defer_step_results = True  # as in fit when no callback reads a step's logs
    net = torch_models.make("mlp", cfg, seed=0)
    totals = {"cornu": np.zeros(len(PHASES)), "native": np.zeros(len(PHASES))}
    for round_index in range(rounds):
        with structure_cache():  # as inside fit
            for i in range(steps):
                xb, yb = torch.from_numpy(x[i * batch:(i + 1) * batch]), torch.from_numpy(y[i * batch:(i + 1) * batch])
                phases = _cornu_step(model, variables, xb, yb, time.perf_counter)
                if round_index:
                    totals["cornu"] += phases
        for i in range(steps):
            xb, yb = torch.from_numpy(x[i * batch:(i + 1) * batch]), torch.from_numpy(y[i * batch:(i + 1) * batch])
            phases = _native_step(net, xb, yb, time.perf_counter)
            if round_index:
                totals["native"] += phases
    timed = (rounds - 1) * steps
    print("us per step: " + ", ".join(PHASES))
    out = {}
    for name, total in totals.items():
        per_step = total / timed * 1e6
        out[name] = [float(v) for v in per_step]
        print(f"{name:>7}: " + "  ".join(f"{p}={v:,.0f}" for p, v in zip(PHASES, per_step)) + f"  total={per_step.sum():,.0f}")
    return out


if __name__ == "__main__":
    main()
