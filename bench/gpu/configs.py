"""Sizes of the GPU comparison workloads (issue 22, part 3), at full size for a lent GPU and
at a tiny size that runs on a CPU in seconds (the CI smoke test), plus the peak throughput
used for model-FLOPs utilisation.

Example:
    >>> from bench.gpu import configs
    >>> configs.size("gpt", "tiny")["layers"]
    1
"""

WORKLOADS = ("gpt", "resnet50", "lstm")

FULL = {
    # GPT-2-small shape: d=768, 12 layers, 12 heads, sequence 1024; bf16 mixed precision, AdamW.
    "gpt": {"batch_size": 8, "length": 1024, "vocabulary": 50304, "d_model": 768, "heads": 12,
            "layers": 12, "precision": "mixed_bfloat16"},
    # ResNet50 (Keras's layout: stride in the first 1x1 convolution of a stage), 224x224.
    "resnet50": {"batch_size": 128, "image": 224, "classes": 1000, "stages": (3, 4, 6, 3),
                 "width": 64, "precision": "mixed_bfloat16"},
    # One LSTM(1024) over 256 steps of 512 features, float32 (cuDNN on both backends).
    "lstm": {"batch_size": 64, "length": 256, "features": 512, "units": 1024, "classes": 10,
             "precision": "float32"},
}

TINY = {
    "gpt": {"batch_size": 2, "length": 16, "vocabulary": 64, "d_model": 16, "heads": 2,
            "layers": 1, "precision": "mixed_bfloat16"},
    "resnet50": {"batch_size": 2, "image": 16, "classes": 5, "stages": (1, 1, 0, 0), "width": 4,
                 "precision": "mixed_bfloat16"},
    "lstm": {"batch_size": 2, "length": 5, "features": 3, "units": 8, "classes": 4,
             "precision": "float32"},
}

LEARNING_RATE = 3e-4
ADAM_EPSILON = 1e-7
WEIGHT_DECAY = 0.004  # Keras AdamW's default
LAYER_NORM_EPSILON = 1e-5
BATCH_NORM_EPSILON = 1.001e-5
BATCH_NORM_MOMENTUM = 0.99

# Dense bf16 tensor-core peak in FLOP/s, by a substring of the device name.
PEAK_BF16_FLOPS = {"H200": 989e12, "H100": 989e12, "A100": 312e12, "L4": 121e12}


def size(workload, name):
    """The configuration of ``workload`` at size ``"full"`` or ``"tiny"``."""
    table = {"full": FULL, "tiny": TINY}
    if name not in table or workload not in FULL:
        raise ValueError(f"Unknown workload or size. Expected a workload in {WORKLOADS} and a "
                         f"size in ('full', 'tiny'). Received: workload={workload!r}, size={name!r}")
    return dict(table[name][workload])


def gpt_flops_per_step(cfg, num_params):
    """Model FLOPs of one training step: 6 per parameter per token plus the attention's
    12 * layers * d_model * length per token (the PaLM paper's count, no causal discount)."""
    tokens = cfg["batch_size"] * cfg["length"]
    return tokens * (6 * num_params + 12 * cfg["layers"] * cfg["d_model"] * cfg["length"])


def peak_flops(device_name):
    """The bf16 peak of a known accelerator, or None."""
    for key, value in PEAK_BF16_FLOPS.items():
        if key in (device_name or ""):
            return value
    return None
