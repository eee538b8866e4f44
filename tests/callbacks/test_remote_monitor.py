"""RemoteMonitor against a local HTTP server, in form and JSON modes."""

import http.server
import inspect
import json
import socket
import threading
import urllib.parse

import numpy as np
import pytest

from cornu.callbacks import RemoteMonitor


@pytest.fixture
def server():
    """A local server recording each POST as ``(path, headers, body)``; yields ``(root, requests)``."""
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append((self.path, dict(self.headers), body))
            status = 404 if self.path.startswith("/missing") else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", received
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


LOGS = {"loss": np.float32(0.5), "acc": np.array(0.75), "val_loss": 1.25}
EXPECTED = {"epoch": 3, "loss": 0.5, "acc": 0.75, "val_loss": 1.25}


def test_signature_matches_keras(keras_ref):
    ours = inspect.signature(RemoteMonitor.__init__)
    theirs = inspect.signature(keras_ref.callbacks.RemoteMonitor.__init__)
    assert [(p.name, p.default) for p in ours.parameters.values()] == [
        (p.name, p.default) for p in theirs.parameters.values()
    ]


def test_posts_form_field_by_default(server):
    root, received = server
    RemoteMonitor(root=root).on_epoch_end(3, LOGS)
    (path, headers, body) = received[0]
    assert path == "/publish/epoch/end/"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = urllib.parse.parse_qs(body.decode())
    assert list(form) == ["data"]
    assert json.loads(form["data"][0]) == EXPECTED


def test_posts_json_with_custom_path_field_and_headers(server):
    root, received = server
    monitor = RemoteMonitor(root=root, path="/events", field="ignored", headers={"X-Run": "abc"}, send_as_json=True)
    monitor.on_epoch_end(3, LOGS)
    monitor.on_epoch_end(4, None)
    (path, headers, body), (_, _, second) = received
    assert path == "/events"
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Run"] == "abc"
    assert json.loads(body) == EXPECTED
    assert json.loads(second) == {"epoch": 4}

    RemoteMonitor(root=root, path="/form", field="payload").on_epoch_end(0, {"loss": 1.0})
    assert json.loads(urllib.parse.parse_qs(received[-1][2].decode())["payload"][0]) == {"epoch": 0, "loss": 1.0}


def test_unreachable_server_warns_and_error_status_is_silent(server):
    root, received = server
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server"):
        RemoteMonitor(root=f"http://127.0.0.1:{closed_port}").on_epoch_end(0, {"loss": 1.0})
    RemoteMonitor(root=root, path="/missing").on_epoch_end(0, {"loss": 1.0})  # reached: no warning
    assert received[-1][0] == "/missing"


@pytest.mark.requires_trainable_backend
def test_fit_posts_every_epoch(server):
    import cornu

    root, received = server
    model = cornu.Sequential([cornu.Input((2,)), cornu.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    history = model.fit(x, y, epochs=2, verbose=0, callbacks=[RemoteMonitor(root=root, send_as_json=True)])
    payloads = [json.loads(body) for _, _, body in received]
    assert [p["epoch"] for p in payloads] == [0, 1]
    assert [p["loss"] for p in payloads] == pytest.approx(history.history["loss"])
