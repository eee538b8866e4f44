"""``cornu.utils.get_file`` against a loopback HTTP server: Keras's cache layout and paths (checked
against the real Keras's ``get_file`` on the same server), hash checks before a file counts as
cached, atomic downloads (cut connections, wrong hashes and server errors leave nothing), clear
errors without a network, ``force_download``, and safe extraction."""

import hashlib
import io
import os
import shutil
import socket
import tarfile
import zipfile

import pytest

import cornu
from cornu.backend import config
from cornu.utils import archive_extraction
from cornu.utils.archive_extraction import UnsafeArchiveError
from cornu.utils.file_download import DownloadError

from tests.helpers.loopback_server import LoopbackServer
from tests.helpers.requirements import import_real_keras

pytestmark = pytest.mark.skipif(config.backend() != "jax", reason="backend-independent; runs once, in the jax pass")

PAYLOAD = bytes(range(256)) * 400  # 100 kB: several chunks


def _tar_gz(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


ARCHIVE_MEMBERS = {"pack/a.txt": b"alpha", "pack/b/c.txt": b"gamma"}
FILES = {
    "/payload.bin": PAYLOAD,
    "/pack.tar.gz": _tar_gz(ARCHIVE_MEMBERS),
    "/pack.zip": _zip(ARCHIVE_MEMBERS),
    "/evil.tar.gz": _tar_gz({"ok.txt": b"fine", "../../escaped.txt": b"owned"}),
    "/big.tar.gz": _tar_gz({"zeros.bin": bytes(2**20)}),
}
SHA256 = hashlib.sha256(PAYLOAD).hexdigest()
MD5 = hashlib.md5(PAYLOAD).hexdigest()


@pytest.fixture(scope="module")
def server_module():
    with LoopbackServer(FILES) as running:
        yield running


@pytest.fixture
def server(server_module):
    server_module.hits.clear()
    server_module.truncate.clear()
    server_module.status.clear()
    return server_module


def _files_under(root):
    return sorted(os.path.relpath(os.path.join(folder, name), root)
                  for folder, dirs, files in os.walk(root) for name in dirs + files)


def test_download_caches_once_and_reuses_the_cached_file(server, tmp_path):
    path = cornu.utils.get_file(origin=server.url("payload.bin"), cache_dir=tmp_path, file_hash=SHA256)
    assert path == str(tmp_path / "datasets" / "payload.bin")
    assert open(path, "rb").read() == PAYLOAD
    again = cornu.utils.get_file("payload.bin", server.url("payload.bin"), cache_dir=tmp_path, file_hash=SHA256)
    assert again == path and server.hits["/payload.bin"] == 1
    assert _files_under(tmp_path) == ["datasets", "datasets/payload.bin"]  # no temporary file left


def test_the_default_cache_is_cornu_home(server, tmp_path, monkeypatch):
    monkeypatch.setenv("CORNU_HOME", str(tmp_path / "home"))
    path = cornu.utils.get_file("p.bin", server.url("payload.bin"), cache_subdir="models")
    assert path == str(tmp_path / "home" / "models" / "p.bin")
    absolute = tmp_path / "elsewhere"
    assert cornu.utils.get_file("p.bin", server.url("payload.bin"), cache_subdir=str(absolute)) == \
        str(absolute / "p.bin")


def test_force_download_downloads_again(server, tmp_path):
    for _ in range(2):
        cornu.utils.get_file("p.bin", server.url("payload.bin"), cache_dir=tmp_path, force_download=True)
    assert server.hits["/payload.bin"] == 2


@pytest.mark.parametrize("kwargs", [{"file_hash": SHA256}, {"file_hash": MD5}, {"md5_hash": MD5},
                                    {"file_hash": SHA256, "hash_algorithm": "sha256"},
                                    {"file_hash": MD5.upper(), "hash_algorithm": "md5"}])
def test_each_hash_form_is_accepted(server, tmp_path, kwargs):
    path = cornu.utils.get_file("p.bin", server.url("payload.bin"), cache_dir=tmp_path, **kwargs)
    assert open(path, "rb").read() == PAYLOAD


@pytest.mark.parametrize("kwargs", [{"file_hash": "0" * 64}, {"md5_hash": "0" * 32},
                                    {"file_hash": SHA256, "hash_algorithm": "md5"}])
def test_a_wrong_hash_raises_and_leaves_nothing(server, tmp_path, kwargs):
    with pytest.raises(ValueError, match="hash") as caught:
        cornu.utils.get_file("p.bin", server.url("payload.bin"), cache_dir=tmp_path, **kwargs)
    assert server.url("payload.bin") in str(caught.value)
    assert _files_under(tmp_path) == ["datasets"]


def test_a_cached_file_with_a_wrong_hash_is_downloaded_again(server, tmp_path, capsys):
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "p.bin").write_bytes(PAYLOAD[:1000])  # an old partial download
    path = cornu.utils.get_file("p.bin", server.url("payload.bin"), cache_dir=tmp_path, file_hash=SHA256)
    assert open(path, "rb").read() == PAYLOAD and server.hits["/payload.bin"] == 1
    assert "does not match" in capsys.readouterr().out


def test_a_cached_file_with_a_wrong_hash_is_deleted_even_when_the_download_fails(server, tmp_path):
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "p.bin").write_bytes(b"stale")
    server.status["/payload.bin"] = 503
    with pytest.raises(DownloadError, match="HTTP 503"):
        cornu.utils.get_file("p.bin", server.url("payload.bin"), cache_dir=tmp_path, file_hash=SHA256)
    assert _files_under(tmp_path) == ["datasets"]


def test_a_file_that_is_no_archive_warns_as_in_keras(server, tmp_path):
    with pytest.warns(UserWarning, match="Could not extract"):
        path = cornu.utils.get_file("p", server.url("payload.bin"), cache_dir=tmp_path, extract=True)
    assert path == str(tmp_path / "datasets" / "p")
    assert _files_under(tmp_path) == ["datasets", "datasets/p_archive"]


def test_a_cut_connection_is_not_cached_and_says_so(server, tmp_path):
    server.truncate.add("/payload.bin")
    target = str(tmp_path / "datasets" / "p.bin")
    with pytest.raises(DownloadError) as caught:
        cornu.utils.get_file("p.bin", server.url("payload.bin"), cache_dir=tmp_path)
    message = str(caught.value)
    assert server.url("payload.bin") in message and target in message
    assert _files_under(tmp_path) == ["datasets"]
    server.truncate.clear()
    assert open(cornu.utils.get_file("p.bin", server.url("payload.bin"), cache_dir=tmp_path), "rb").read() == PAYLOAD


@pytest.mark.parametrize("status", [404, 500])
def test_a_server_error_names_the_url_the_status_and_the_cache_path(server, tmp_path, status):
    server.status["/payload.bin"] = status
    with pytest.raises(DownloadError, match=f"HTTP {status}") as caught:
        cornu.utils.get_file("p.bin", server.url("payload.bin"), cache_dir=tmp_path)
    assert server.url("payload.bin") in str(caught.value)
    assert str(tmp_path / "datasets" / "p.bin") in str(caught.value)
    assert _files_under(tmp_path) == ["datasets"]


def test_no_network_names_the_url_and_the_cache_path(tmp_path):
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    origin = f"http://127.0.0.1:{port}/mnist.npz"
    with pytest.raises(OSError, match="could not be reached") as caught:
        cornu.utils.get_file(origin=origin, cache_dir=tmp_path)
    assert isinstance(caught.value, DownloadError)
    assert origin in str(caught.value) and str(tmp_path / "datasets" / "mnist.npz") in str(caught.value)
    assert _files_under(tmp_path) == ["datasets"]


def test_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="origin"):
        cornu.utils.get_file("a.txt", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="fname"):
        cornu.utils.get_file(os.path.join("sub", "a.txt"), "http://127.0.0.1/a.txt", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="fname"):
        cornu.utils.get_file("..", "http://127.0.0.1/a.txt", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="fname"):
        cornu.utils.get_file(origin="http://127.0.0.1/", cache_dir=tmp_path)


def test_the_progress_bar_shows_only_when_interactive(server, tmp_path, capsys):
    cornu.utils.get_file("p.bin", server.url("payload.bin"), cache_dir=tmp_path)
    out = capsys.readouterr().out
    assert "Downloading data from " + server.url("payload.bin") in out and f"{len(PAYLOAD)}/{len(PAYLOAD)}" in out
    cornu.utils.disable_interactive_logging()
    try:
        cornu.utils.get_file("p.bin", server.url("payload.bin"), cache_dir=tmp_path, force_download=True)
    finally:
        cornu.utils.enable_interactive_logging()
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("fname, origin_name, kwargs", [
    (None, "payload.bin", {}),
    ("renamed.bin", "payload.bin", {}),
    ("pack.tar.gz", "pack.tar.gz", {"extract": True}),
    ("pack", "pack.tar.gz", {"extract": True}),
    (None, "pack.tar.gz", {"extract": True}),
    ("pack.zip", "pack.zip", {"extract": True}),
    ("pack", "pack.zip", {"extract": True, "archive_format": "zip"}),
    ("pack", "pack.tar.gz", {"untar": True}),
])
def test_paths_and_extracted_files_match_real_keras(server, tmp_path, fname, origin_name, kwargs):
    keras = import_real_keras()
    origin = server.url(origin_name)
    (tmp_path / "keras").mkdir()  # Keras falls back to /tmp/.keras for a cache_dir that does not exist
    ours = cornu.utils.get_file(fname, origin, cache_dir=tmp_path / "cornu", **kwargs)
    theirs = keras.utils.get_file(fname, origin, cache_dir=str(tmp_path / "keras"), **kwargs)
    assert os.path.relpath(ours, tmp_path / "cornu") == os.path.relpath(theirs, tmp_path / "keras")
    assert _files_under(tmp_path / "cornu") == _files_under(tmp_path / "keras")
    if kwargs:
        assert open(os.path.join(ours, "pack", "b", "c.txt"), "rb").read() == b"gamma"


def test_an_extraction_is_reused_and_redone_when_missing(server, tmp_path):
    folder = cornu.utils.get_file("pack", server.url("pack.tar.gz"), cache_dir=tmp_path, extract=True)
    marker = os.path.join(folder, "pack", "a.txt")
    os.remove(marker)
    assert cornu.utils.get_file("pack", server.url("pack.tar.gz"), cache_dir=tmp_path, extract=True) == folder
    assert not os.path.exists(marker)  # the complete extraction was reused, not redone
    shutil.rmtree(folder)
    cornu.utils.get_file("pack", server.url("pack.tar.gz"), cache_dir=tmp_path, extract=True)
    assert open(marker, "rb").read() == b"alpha" and server.hits["/pack.tar.gz"] == 1


def test_an_unsafe_archive_is_refused_with_nothing_extracted(server, tmp_path):
    with pytest.raises(UnsafeArchiveError, match="outside the extraction folder"):
        cornu.utils.get_file("evil", server.url("evil.tar.gz"), cache_dir=tmp_path / "cache", extract=True)
    assert _files_under(tmp_path) == ["cache", "cache/datasets", "cache/datasets/evil_archive"]


def test_the_size_cap_applies_to_get_file(server, tmp_path, monkeypatch):
    monkeypatch.setattr(archive_extraction, "MAX_EXTRACTED_BYTES", 2**19)
    with pytest.raises(UnsafeArchiveError, match="MAX_EXTRACTED_BYTES"):
        cornu.utils.get_file("big", server.url("big.tar.gz"), cache_dir=tmp_path, extract=True)
    assert not (tmp_path / "datasets" / "big").exists()
    monkeypatch.setattr(archive_extraction, "MAX_EXTRACTED_BYTES", 2**21)
    folder = cornu.utils.get_file("big", server.url("big.tar.gz"), cache_dir=tmp_path, extract=True)
    assert os.path.getsize(os.path.join(folder, "zeros.bin")) == 2**20
