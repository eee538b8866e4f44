"""The error raised for legacy `.h5` model files cornu cannot or will not read."""


class LegacyH5Error(ValueError):
    """A legacy `.h5` model file is damaged, unsafe, or does not match the model it describes.

    Example:
    >>> try:
    ...     cornu.saving.load_model("broken.h5")
    ... except LegacyH5Error as e:
    ...     print(e)
    """
