"""A private PostgreSQL server on 127.0.0.1 (a free port, a temporary data folder), for storage tests.

It needs Debian's ``postgresql`` package (``apt-get install -y postgresql``): the server binaries
are found under ``/usr/lib/postgresql/<version>/bin`` or on ``PATH``. Run as root, the cluster is
created and started as the ``postgres`` user (PostgreSQL refuses to run as root). When a server
cannot be started the test is skipped with the reason, and fails instead under ``CI=true``.

Example::

    def test_two_workers(postgres_url):        # the fixture below, imported in the test module
        tuner = kt.RandomSearch(..., storage=postgres_url)
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile

import pytest

from tests.helpers.requirements import missing

APT_LINE = "apt-get install -y --no-install-recommends postgresql"


def _binary(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """Starts ``initdb`` + ``pg_ctl start`` in a temporary folder; ``url`` names a fresh database."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="cornu-pg-")
        self.data = os.path.join(self.folder, "data")
        self.port = _free_port()
        self.user = None
        self.url = None

    def _run(self, args, timeout=120):
        if os.geteuid() == 0:
            args = ["runuser", "-u", "postgres", "--"] + args
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout)

    def start(self):
        initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
        if not initdb or not pg_ctl:
            return f"PostgreSQL's initdb/pg_ctl were not found (install them with `{APT_LINE}`)"
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                return "running as root, and there is no `postgres` user to run the server as"
            os.chown(self.folder, pw.pw_uid, pw.pw_gid)
        out = self._run([initdb, "-D", self.data, "-A", "trust", "-U", "cornu", "--no-sync", "-E", "UTF8"])
        if out.returncode != 0:
            return f"initdb failed: {out.stderr[-1500:]}"
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off "
                   "-c max_connections=50")
        out = self._run([pg_ctl, "-D", self.data, "-o", options, "-l", os.path.join(self.folder, "log"), "-w",
                         "-t", "60", "start"])
        if out.returncode != 0:
            log = ""
            if os.path.exists(os.path.join(self.folder, "log")):
                log = open(os.path.join(self.folder, "log")).read()[-1500:]
            return f"pg_ctl start failed: {out.stderr[-1000:]} {log}"
        self.user = "cornu"
        self.url = f"postgresql+psycopg2://cornu@127.0.0.1:{self.port}/postgres"
        return None

    def stop(self):
        pg_ctl = _binary("pg_ctl")
        if pg_ctl and os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self._run([pg_ctl, "-D", self.data, "-m", "immediate", "stop"], timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres_url():
    """The SQLAlchemy URL of a private PostgreSQL server on loopback (stopped after the module)."""
    try:
        import psycopg2  # noqa: F401 - the driver the URL names
    except ImportError:
        missing("the PostgreSQL driver psycopg2", "install it with `pip install psycopg2-binary`")
    server = PostgresServer()
    error = server.start()
    if error is not None:
        server.stop()
        missing(f"a PostgreSQL server on loopback could not be started ({error})",
                f"install PostgreSQL with `{APT_LINE}`")
    try:
        yield server.url
    finally:
        server.stop()
