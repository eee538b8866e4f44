"""Benchmarks of input pipelines and preprocessing layers."""
