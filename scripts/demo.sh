#!/usr/bin/env bash
# Sets up and trains the digits demo on JAX and on PyTorch.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh demo
for backend in jax torch; do
  echo "=== backend: $backend"
  CORNU_BACKEND=$backend .venv/bin/python examples/train_digits.py
done
