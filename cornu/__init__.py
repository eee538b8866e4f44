"""cornu: deep learning with the Keras 3 API on JAX, PyTorch and NumPy.

    import cornu as keras
"""

__version__ = "0.1.0"
