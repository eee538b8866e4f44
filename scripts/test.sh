#!/usr/bin/env bash
# Sets up and runs the whole test suite once per backend (jax, torch, numpy, tensorflow).
# Extra arguments go to pytest; CORNU_TEST_BACKENDS picks backends; CORNU_TEST_WORKERS
# sets pytest-xdist workers (default: one per core, at most 2); CORNU_TEST_SKIP_SETUP=1
# skips scripts/setup.sh (an environment that is already set up, offline).
# With CI=true (as .ci/run) or CORNU_STRICT_TESTS=1, a missing test dependency (the real
# Keras, pandas, tensorboard, a file of tests/fixtures/) fails instead of skipping.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "${CORNU_TEST_SKIP_SETUP:-0}" != "1" ]; then
  bash scripts/setup.sh || exit 1
fi
workers=${CORNU_TEST_WORKERS:-$(( $(nproc) < 2 ? 1 : 2 ))}
# One intra-op thread per worker: the workers already use every core, and torch's
# default pool makes small ops many times slower when cores are oversubscribed.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
status=0
for backend in ${CORNU_TEST_BACKENDS:-jax torch numpy tensorflow}; do
  echo "=== tests on backend: $backend"
  start=$(date +%s)
  CORNU_BACKEND=$backend .venv/bin/python -m pytest tests -p no:cacheprovider \
    -n "$workers" --dist loadfile -W ignore::DeprecationWarning "$@"
  code=$?
  if [ "$code" -eq 5 ]; then
    echo "=== backend $backend: pytest collected no tests; that is a failure, not a pass"
  fi
  [ "$code" -eq 0 ] || status=1
  echo "=== backend $backend took $(( $(date +%s) - start )) s (pytest exit status $code)"
done
exit $status
