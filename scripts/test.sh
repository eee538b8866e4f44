#!/usr/bin/env bash
# Sets up and runs the whole test suite once per backend (jax, torch, numpy).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
status=0
for backend in ${CORNU_TEST_BACKENDS:-jax torch numpy}; do
  echo "=== tests on backend: $backend"
  CORNU_BACKEND=$backend .venv/bin/python -m pytest tests -q -p no:cacheprovider "$@" || status=1
done
exit $status
