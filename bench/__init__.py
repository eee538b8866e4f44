"""cornu's benchmark suite: the same Keras-API workloads run on cornu and on the real
Keras, next to hand-written JAX and PyTorch models. Run it with ``python -m bench.run``;
see bench/README.md."""
