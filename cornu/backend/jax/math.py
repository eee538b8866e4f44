"""jax backend: math ops."""
