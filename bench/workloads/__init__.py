"""The benchmark workloads, each written once against the public Keras API.

Each module has ``TITLE``, ``LAYERS`` (the layer names it needs), ``BENCH`` and ``TINY``
size configurations, ``STEPS_PER_EPOCH`` and ``EPOCHS`` for timing, ``build(keras, cfg)``
returning an uncompiled model, and ``data(cfg, num_samples, rng)`` returning synthetic numpy
``(x, y)``. ``keras`` is the module
to build with: ``cornu`` or the real ``keras``.

Example:
    >>> import cornu as keras
    >>> from bench.workloads import WORKLOADS, common
    >>> wl = WORKLOADS["mlp"]
    >>> model = common.compile_model(keras, wl.build(keras, wl.TINY))
"""

from bench.workloads import cnn, lstm, mlp, transformer

WORKLOADS = {"mlp": mlp, "cnn": cnn, "lstm": lstm, "transformer": transformer}
