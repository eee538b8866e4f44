"""Inference throughput of ``keras.applications`` models (issue 20): cornu, the real Keras 3.15.1
and hand-written PyTorch / JAX versions of ResNet50 and MobileNetV2, all with the same weights.

Run ``python -m bench.applications.run --help``; see ``bench/applications/run.py``.
"""
