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
# One intra-op thread per worker (torch, TensorFlow): the workers already use every core, and
# the default pools make small ops many times slower when cores are oversubscribed.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
export TF_NUM_INTRAOP_THREADS=${TF_NUM_INTRAOP_THREADS:-1}
# Cached bytecode: without it every worker and every child interpreter compiles the tests (with
# pytest's assertion rewriting) and cornu from source again, ~7 s per worker per pass.
unset PYTHONDONTWRITEBYTECODE
# One JAX compilation cache for the whole run, removed at its end: the real Keras (on JAX)
# compiles the same reference programs in every backend's pass, and many tests compile the
# same small models. No size cap: JAX's eviction rescans the folder on every write.
if [ -z "${JAX_COMPILATION_CACHE_DIR:-}" ]; then
  JAX_COMPILATION_CACHE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cornu-test-jax-cache.XXXXXX") || exit 1
  trap 'rm -rf "$JAX_COMPILATION_CACHE_DIR"' EXIT
  export JAX_COMPILATION_CACHE_DIR JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0
fi
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
