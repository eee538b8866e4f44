"""jax backend: image ops."""
