"""The TensorFlow backend: ``CORNU_BACKEND=tensorflow``. Same modules and signatures as the jax,
torch and numpy backend packages; nothing outside ``cornu/backend/`` knows it exists."""
