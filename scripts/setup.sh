#!/usr/bin/env bash
# Creates .venv (if needed) and installs cornu with its dev dependencies, plus the system
# packages the tests drive for real: Graphviz's `dot` (utils.plot_model renders through it),
# Chromium (the exported models run in a real browser) and PostgreSQL (the tuner's shared
# study storage; the tests start a private server on loopback).
# `bash scripts/setup.sh demo` installs only what the demo needs: cornu and the CPU torch build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "demo" ]; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q "torch==2.13.0" -e .
  exit 0
fi
missing_packages=()
command -v dot >/dev/null 2>&1 || missing_packages+=(graphviz)
command -v chromium >/dev/null 2>&1 || missing_packages+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing_packages+=(postgresql)
if [ "${#missing_packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      "${missing_packages[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${missing_packages[*]}; install them" \
      "(Debian: sudo apt-get install ${missing_packages[*]})" >&2
    exit 1
  fi
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev]"
# The pinned npm packages (TF.js, onnxruntime-web) that the browser checks of exported models load.
bash scripts/setup_browser.sh
