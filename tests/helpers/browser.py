"""Runs exported models in a real headless Chromium, served from a loopback HTTP server.

``run_in_browser(cases, files)`` starts a ``http.server`` on 127.0.0.1 (a free port) that serves
the check page (``tests/export/browser/runner.html``), the pinned npm packages
(``tests/export/browser/node_modules``: ``@tensorflow/tfjs`` and ``onnxruntime-web``) and the
exported model files, starts Debian's ``chromium`` headless on that page with a fresh profile and
every background service off (no traffic leaves the machine), and returns what the page posts back
to ``/results``: for each case, its outputs as NumPy arrays, or the JavaScript error.

A missing Chromium or ``node_modules`` is installed by ``scripts/setup_browser.sh`` (apt-get and
``npm ci``) when the test runs as root; if that cannot be done the test is skipped locally and
fails in CI (``tests.helpers.requirements.missing``).

Example::

    cases = [{"name": "mlp", "runtime": "tfjs", "url": "/models/mlp/model.json",
              "inputs": [{"shape": [2, 4], "dtype": "float32", "data": [...]}]}]
    results = run_in_browser(cases, {"/models/mlp/": "/tmp/export/mlp"})
    results["mlp"][0]   # the first output, a NumPy array of shape (2, 3)
"""

import fcntl
import functools
import http.server
import json
import mimetypes
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import numpy as np

from tests.helpers.requirements import REPO, missing

PAGE_DIR = REPO / "tests" / "export" / "browser"
NODE_MODULES = PAGE_DIR / "node_modules"
SETUP_SCRIPT = REPO / "scripts" / "setup_browser.sh"
_NEEDED = ("@tensorflow/tfjs/dist/tf.min.js", "onnxruntime-web/dist/ort.wasm.min.js")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--disable-breakpad", "--disable-crash-reporter",
    "--no-default-browser-check", "--metrics-recording-only", "--mute-audio",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    # Only the loopback server can be resolved: nothing the browser tries can leave the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
)
_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
          ".json": "application/json", ".html": "text/html", ".bin": "application/octet-stream",
          ".onnx": "application/octet-stream"}


def chromium_path():
    """The Chromium executable, or None."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _ready():
    return chromium_path() is not None and all((NODE_MODULES / p).is_file() for p in _NEEDED)


@functools.lru_cache(maxsize=None)
def ensure_browser():
    """Chromium's path once it and the npm packages are there, running the set-up script if needed."""
    if not _ready() and os.geteuid() == 0:
        with open(PAGE_DIR / ".setup.lock", "w") as lock:  # pytest-xdist workers set up one at a time
            fcntl.flock(lock, fcntl.LOCK_EX)
            result = subprocess.run(["bash", str(SETUP_SCRIPT)], capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            missing("the browser check's Chromium or npm packages",
                    f"`bash scripts/setup_browser.sh` failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    if not _ready():
        missing("Chromium and the npm packages of tests/export/browser", "run `bash scripts/setup_browser.sh` "
                "(as root, or install Debian's `chromium` and run `npm ci` in tests/export/browser)")
    return chromium_path()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, roots, cases):
        self.roots = roots  # url prefix -> folder
        self.cases = json.dumps(cases).encode("utf-8")
        self.payload = None
        self.received = threading.Event()
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        path = self.path.split("?", 1)[0]
        if path == "/cases.json":
            return self._send(self.server.cases, "application/json")
        for prefix, folder in self.server.roots.items():
            if path.startswith(prefix):
                target = (pathlib.Path(folder) / path[len(prefix):]).resolve()
                if pathlib.Path(folder).resolve() in target.parents and target.is_file():
                    kind = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
                    return self._send(target.read_bytes(), kind or "application/octet-stream")
        self.send_error(404)

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._send(b"{}", "application/json")
        if self.path == "/results" and self.server.payload is None:
            self.server.payload = json.loads(body)
            self.server.received.set()

    def _send(self, body, kind):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def run_in_browser(cases, model_roots, timeout=90):
    """Runs ``cases`` on the check page; returns ``({name: [outputs] or error string}, versions)``.

    ``model_roots`` maps URL prefixes (``"/models/"``) to the folders they serve.
    """
    payload = run_page("/page/runner.html", model_roots, cases, timeout)
    versions = {"tfjs": payload.get("tfjsVersion"), "onnxruntime-web": payload.get("ortVersion")}
    return parse_results(payload), versions


def run_page(page, roots, cases=None, timeout=90):
    """Opens ``page`` (a URL path) in headless Chromium and returns the JSON it posts to ``/results``.

    The server serves ``/node_modules/`` and ``/page/`` (the check page), ``/cases.json`` (``cases``),
    and each URL prefix of ``roots`` from its folder.
    """
    browser = ensure_browser()
    roots = {"/node_modules/": NODE_MODULES, "/page/": PAGE_DIR, **roots}
    server = _Server(roots, cases or [])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    profile = tempfile.mkdtemp(prefix="cornu-chromium-")
    url = f"http://127.0.0.1:{server.server_address[1]}{page}"
    log = open(os.path.join(profile, "chromium.log"), "w+")
    process = subprocess.Popen([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", url],
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while not server.received.wait(0.25):
            exited = process.poll()
            if exited is not None or time.monotonic() > deadline:
                log.seek(0)
                what = f"exited with status {exited}" if exited is not None else f"did not report within {timeout} s"
                raise AssertionError(f"Chromium {what} on {url}. Its output:\n{log.read()[-3000:]}")
    finally:
        _stop(process)
        log.close()
        server.shutdown()
        server.server_close()
        shutil.rmtree(profile, ignore_errors=True)
    payload = server.payload
    if "error" in payload:
        raise AssertionError(f"The page {page} failed: {payload['error']}")
    return payload


def parse_results(payload):
    """``{name: [NumPy outputs]}`` (or the error string of a case) from a page's ``results`` list."""
    results = {}
    for item in payload["results"]:
        if "error" in item:
            results[item["name"]] = item["error"]
        else:
            results[item["name"]] = [np.asarray(o["data"], "float64").reshape(o["shape"]) for o in item["outputs"]]
    return results


def _stop(process):
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)  # the browser's own process group, started above
        process.wait(10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def input_payload(array):
    """A NumPy input as the page takes it: shape, dtype name and flat data."""
    array = np.asarray(array)
    dtype = "int64" if array.dtype == np.int64 else ("int32" if np.issubdtype(array.dtype, np.integer)
                                                     else "float32")
    return {"shape": list(array.shape), "dtype": dtype, "data": array.reshape(-1).tolist()}
