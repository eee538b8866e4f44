#!/usr/bin/env bash
# Installs what the browser checks of exported models need (tests/export/browser): Debian's
# `chromium` (apt-get, as root) and the npm packages pinned in tests/export/browser/package-lock.json
# (`npm ci`: @tensorflow/tfjs and onnxruntime-web). Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
apt_install() {
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "setup_browser: $* missing; install it (Debian: sudo apt-get install $*)" >&2
    exit 1
  fi
}
if ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium
fi
if ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi
page=tests/export/browser
if [ ! -f "$page/node_modules/@tensorflow/tfjs/dist/tf.min.js" ] \
   || [ ! -f "$page/node_modules/onnxruntime-web/dist/ort.wasm.min.js" ]; then
  (cd "$page" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi
