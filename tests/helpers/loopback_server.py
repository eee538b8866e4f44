"""A tiny HTTP server on 127.0.0.1 (a free port) serving bytes from a dict, for download tests.

It counts the requests for each path and can misbehave on purpose: ``truncate`` cuts a
response short (it promises the full Content-Length, then closes), ``status`` answers a path
with an error code.

Example::

    with LoopbackServer({"/a.txt": b"hello"}) as server:
        urllib.request.urlopen(server.url("a.txt")).read()   # b"hello"
        server.hits["/a.txt"]                                # 1
"""

import collections
import http.server
import threading


class LoopbackServer:
    def __init__(self, files=None):
        self.files = dict(files or {})
        self.truncate = set()
        self.status = {}
        self.hits = collections.Counter()

    def url(self, name=""):
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/{name}"

    def __enter__(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                server.hits[self.path] += 1
                if self.path in server.status:
                    self.send_error(server.status[self.path])
                    return
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.path in server.truncate:
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
