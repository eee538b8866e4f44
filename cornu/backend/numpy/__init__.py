"""The NumPy backend (inference only)."""
