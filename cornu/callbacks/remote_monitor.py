"""``RemoteMonitor``: POST each epoch's logs to a server (standard library only)."""

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from cornu.callbacks.callback import Callback
from cornu.serialization.registry import keras_export


def _jsonable(value):
    if isinstance(value, (np.ndarray, np.generic)):
        return value.item() if value.size == 1 else value.tolist()
    return value


@keras_export("keras.callbacks.RemoteMonitor")
class RemoteMonitor(Callback):
    """Sends the logs of every epoch to ``root + path`` as an HTTP POST.

    The payload is ``{"epoch": epoch, **logs}`` encoded as JSON: either as
    the request body (``send_as_json=True``, content type
    ``application/json``) or as the form field ``field``
    (``application/x-www-form-urlencoded``). A server that cannot be reached
    only triggers a warning; training goes on.

    Args:
        root: the server's root URL.
        path: the path, relative to ``root``, the events are sent to.
        field: the form field holding the JSON (when ``send_as_json=False``).
        headers: optional extra HTTP headers (a dict).
        send_as_json: send the JSON as the request body.

    Example:
    >>> monitor = cornu.callbacks.RemoteMonitor(root="http://localhost:9000", send_as_json=True)
    >>> model.fit(x, y, epochs=3, callbacks=[monitor])
    """

    def __init__(
        self,
        root="http://localhost:9000",
        path="/publish/epoch/end/",
        field="data",
        headers=None,
        send_as_json=False,
    ):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json
        self.timeout = 10  # seconds; a slow server must not stall training forever

    def on_epoch_end(self, epoch, logs=None):
        send = {"epoch": epoch}
        for key, value in (logs or {}).items():
            send[key] = _jsonable(value)
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("utf-8")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError:
            pass  # the server answered (with an error status): as with `requests`, not a failure to reach it
        except (urllib.error.URLError, OSError, ValueError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)
