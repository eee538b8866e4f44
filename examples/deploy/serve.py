"""Serve the deploy example on http://127.0.0.1:8000/ : the page, the exported models, and the
TF.js / onnxruntime-web files that ``scripts/setup_browser.sh`` installed with npm.

    python examples/deploy/serve.py [--port 8000] [--web examples/deploy/web]

Everything runs in the browser; this server only hands out static files, on loopback only.
"""

import argparse
import functools
import http.server
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_MODULES = os.path.join(HERE, "..", "..", "tests", "export", "browser", "node_modules")
# URL prefix -> folder, besides the page itself.
VENDOR = {
    "/vendor/tfjs/": os.path.join(NODE_MODULES, "@tensorflow", "tfjs", "dist"),
    "/vendor/ort/": os.path.join(NODE_MODULES, "onnxruntime-web", "dist"),
}
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
         ".json": "application/json", ".onnx": "application/octet-stream", ".bin": "application/octet-stream"}


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def translate_path(self, path):
        clean = path.split("?", 1)[0].split("#", 1)[0]
        for prefix, folder in VENDOR.items():
            if clean.startswith(prefix):
                target = os.path.realpath(os.path.join(folder, clean[len(prefix):]))
                return target if target.startswith(os.path.realpath(folder) + os.sep) else folder
        return super().translate_path(path)


def main():
    parser = argparse.ArgumentParser(description="Serve the cornu deploy example on loopback.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--web", default=os.path.join(HERE, "web"))
    args = parser.parse_args()
    missing = [p for p in (os.path.join(args.web, "model", "model.json"), os.path.join(args.web, "model.onnx"))
               if not os.path.exists(p)]
    if missing:
        sys.exit(f"Missing {missing}: run `python examples/deploy/train_and_export.py` first.")
    if not os.path.exists(os.path.join(VENDOR["/vendor/tfjs/"], "tf.min.js")):
        sys.exit("The TF.js and onnxruntime-web files are missing: run `bash scripts/setup_browser.sh` first.")
    handler = functools.partial(Handler, directory=args.web)
    with http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler) as server:
        print(f"Serving the deploy example at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)")
        server.serve_forever()


if __name__ == "__main__":
    main()
