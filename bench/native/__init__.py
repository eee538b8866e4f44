"""The workloads hand-written in plain JAX (``jax_models``), plain PyTorch
(``torch_models``) and plain TensorFlow (``tf_models``): same shapes, same initialisers
(Glorot-uniform kernels, zero biases, orthogonal recurrent kernels, unit forget bias,
uniform(-0.05, 0.05) embeddings), same loss (mean sparse categorical cross-entropy on logits)
and the same Adam (lr 1e-3, eps 1e-7).

Each module has ``make(workload, cfg, seed)`` returning an object with ``train_step(x, y)``
(numpy batch in, a loss handle out), ``sync(loss)`` (block until done, return a float),
``prepare(x)`` (a whole numpy input array into the model's layout, done once, untimed),
``predict(x, batch_size)`` (numpy out), ``to_tensor(x)``, ``call(x)`` (the single
``model(x)`` call timed for latency, result ready) and ``num_trainable_params()``.

Importing this package imports neither framework; import the module you need.
"""
