"""Image preprocessing and augmentation layers (all over ``BaseImagePreprocessingLayer``)."""
