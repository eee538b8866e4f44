"""Structured-data preprocessing: hashing, crossing and discretizing categorical and numeric features."""
