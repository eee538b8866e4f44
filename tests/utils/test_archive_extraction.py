"""``cornu.utils.archive_extraction``: good tar/zip archives extract as Keras extracts them; crafted
ones (``../``, absolute paths, links, special files, size and count bombs) are refused whole,
leaving nothing written (CVE-2025-12060 was this bug in Keras)."""

import io
import os
import stat
import tarfile
import zipfile

import pytest

from cornu.backend import config
from cornu.utils import archive_extraction
from cornu.utils.archive_extraction import UnsafeArchiveError, extract_archive

from tests.helpers.requirements import import_real_keras

pytestmark = pytest.mark.skipif(config.backend() != "jax", reason="backend-independent; runs once, in the jax pass")

GOOD = {"data/a.txt": b"alpha", "data/sub/b.bin": bytes(range(256)) * 3, "top.txt": b"top"}


def write_tar(path, members, mode="w:gz"):
    """``members``: name -> bytes (a file) or a TarInfo to add as is (links, devices, ...)."""
    with tarfile.open(path, mode) as tar:
        for name, data in members.items():
            if isinstance(data, tarfile.TarInfo):
                tar.addfile(data)
                continue
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return str(path)


def write_zip(path, members):
    """``members``: name -> bytes, or (bytes, unix mode) for a crafted entry type."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if isinstance(data, tuple):
                data, mode = data
                info.external_attr = mode << 16
            zf.writestr(info, data)
    return str(path)


def tar_entry(name, kind, linkname=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    return info


def tree(root):
    """``{relative path: bytes or None (folder)}`` of everything under ``root``."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for d in dirs:
            found[os.path.relpath(os.path.join(folder, d), root)] = None
        for f in files:
            with open(os.path.join(folder, f), "rb") as handle:
                found[os.path.relpath(os.path.join(folder, f), root)] = handle.read()
    return found


@pytest.mark.parametrize("kind", ["tar.gz", "tar", "zip"])
def test_a_good_archive_extracts_like_keras(tmp_path, kind):
    keras_file_utils = import_real_keras().src.utils.file_utils
    archive = tmp_path / f"good.{kind}"
    if kind == "zip":
        write_zip(archive, GOOD)
    else:
        write_tar(archive, GOOD, "w:gz" if kind == "tar.gz" else "w")
    assert extract_archive(archive, tmp_path / "ours") is True
    assert keras_file_utils.extract_archive(str(archive), str(tmp_path / "keras")) is True
    ours = tree(tmp_path / "ours")
    assert ours == tree(tmp_path / "keras")
    assert ours["data/sub/b.bin"] == GOOD["data/sub/b.bin"]
    assert sorted(os.listdir(tmp_path)) == sorted([archive.name, "ours", "keras"])  # no staging left


def test_a_file_that_is_no_archive_or_an_unwanted_format_is_not_extracted(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_bytes(b"not an archive")
    assert extract_archive(plain, tmp_path / "out") is False
    zip_path = write_zip(tmp_path / "a.zip", GOOD)
    assert extract_archive(zip_path, tmp_path / "out", archive_format="tar") is False
    assert extract_archive(zip_path, tmp_path / "out", archive_format=None) is False
    assert not (tmp_path / "out").exists()
    with pytest.raises(ValueError, match="archive_format"):
        extract_archive(zip_path, tmp_path / "out", archive_format="rar")


OUTSIDE, ABSOLUTE, LINK, SPECIAL = "outside the extraction folder", "an absolute path", "a link to", "special entry"

TAR_ATTACKS = {  # name -> (members, what the error says)
    "dot-dot": ({"../evil.txt": b"owned"}, OUTSIDE),
    "nested dot-dot": ({"data/../../evil.txt": b"owned"}, OUTSIDE),
    "absolute": ({"/tmp/cornu_evil_absolute.txt": b"owned"}, ABSOLUTE),
    "symlink out": ({"link": tar_entry("link", tarfile.SYMTYPE, "/etc/passwd")}, LINK),
    "symlink in": ({"link": tar_entry("link", tarfile.SYMTYPE, "top.txt")}, LINK),
    "hard link out": ({"hard": tar_entry("hard", tarfile.LNKTYPE, "../../evil.txt")}, LINK),
    "hard link in": ({"hard": tar_entry("hard", tarfile.LNKTYPE, "top.txt")}, LINK),
    "fifo": ({"pipe": tar_entry("pipe", tarfile.FIFOTYPE)}, SPECIAL),
    "char device": ({"dev": tar_entry("dev", tarfile.CHRTYPE)}, SPECIAL),
    "block device": ({"blk": tar_entry("blk", tarfile.BLKTYPE)}, SPECIAL),
}

ZIP_ATTACKS = {
    "dot-dot": ({"../evil.txt": b"owned"}, OUTSIDE),
    "backslash dot-dot": ({"..\\evil.txt": b"owned"}, OUTSIDE),
    "absolute": ({"/tmp/cornu_evil_absolute.txt": b"owned"}, ABSOLUTE),
    "drive": ({"C:/evil.txt": b"owned"}, ABSOLUTE),
    "symlink": ({"link": (b"/etc/passwd", stat.S_IFLNK | 0o777)}, "a symbolic link"),
    "fifo": ({"pipe": (b"", stat.S_IFIFO | 0o644)}, SPECIAL),
}


def _assert_refused_leaving_nothing(tmp_path, archive, target, reason):
    before = tree(tmp_path)
    with pytest.raises(UnsafeArchiveError, match=f"{reason}.*Received: member="):
        extract_archive(archive, target)
    assert tree(tmp_path) == before  # no target, no staging folder, nothing beside them
    assert not os.path.exists("/tmp/cornu_evil_absolute.txt")


@pytest.mark.parametrize("attack", sorted(TAR_ATTACKS))
def test_a_crafted_tar_is_refused_whole(tmp_path, attack):
    cache = tmp_path / "cache"
    cache.mkdir()
    # A good member first: a refusal must also remove what was already written.
    members, reason = TAR_ATTACKS[attack]
    archive = write_tar(tmp_path / "evil.tar.gz", {**GOOD, **members})
    _assert_refused_leaving_nothing(tmp_path, archive, cache / "out", reason)


@pytest.mark.parametrize("attack", sorted(ZIP_ATTACKS))
def test_a_crafted_zip_is_refused_whole(tmp_path, attack):
    cache = tmp_path / "cache"
    cache.mkdir()
    members, reason = ZIP_ATTACKS[attack]
    archive = write_zip(tmp_path / "evil.zip", {**GOOD, **members})
    _assert_refused_leaving_nothing(tmp_path, archive, cache / "out", reason)


def test_a_refused_archive_keeps_the_previous_extraction(tmp_path):
    good = write_tar(tmp_path / "good.tar.gz", GOOD)
    extract_archive(good, tmp_path / "out")
    before = tree(tmp_path / "out")
    evil = write_tar(tmp_path / "evil.tar.gz", {"x.txt": b"new", "../evil.txt": b"owned"})
    with pytest.raises(UnsafeArchiveError, match="outside the extraction folder"):
        extract_archive(evil, tmp_path / "out")
    assert tree(tmp_path / "out") == before and before["top.txt"] == b"top"
    assert not (tmp_path / "evil.txt").exists()
    assert sorted(os.listdir(tmp_path)) == ["evil.tar.gz", "good.tar.gz", "out"]


@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_a_size_bomb_is_refused_while_streaming(tmp_path, kind):
    zeros = bytes(3 * 2**20)  # compresses to a few kB
    members = {"a.bin": zeros, "b.bin": zeros}
    archive = write_zip(tmp_path / "bomb.zip", members) if kind == "zip" else \
        write_tar(tmp_path / "bomb.tar.gz", members)
    assert os.path.getsize(archive) < 100_000
    before = tree(tmp_path)
    with pytest.raises(UnsafeArchiveError, match="MAX_EXTRACTED_BYTES"):
        extract_archive(archive, tmp_path / "out", max_bytes=4 * 2**20)
    assert tree(tmp_path) == before
    assert extract_archive(archive, tmp_path / "out", max_bytes=6 * 2**20) is True


def test_the_streamed_bytes_are_counted_even_past_the_declared_sizes(tmp_path, monkeypatch):
    # A header may lie about a member's size: the bytes really written are what is capped.
    archive = write_tar(tmp_path / "a.tar", {"a.bin": bytes(5000)}, "w")
    monkeypatch.setattr(archive_extraction._Limits, "check_declared", lambda self, name, size: None)
    with pytest.raises(UnsafeArchiveError, match="unpacks to more than 4000 bytes"):
        extract_archive(archive, tmp_path / "out", max_bytes=4000)
    assert not (tmp_path / "out").exists() and os.listdir(tmp_path) == ["a.tar"]


def test_the_member_count_cap_and_the_module_constants(tmp_path, monkeypatch):
    archive = write_tar(tmp_path / "many.tar.gz", {f"f{i}.txt": b"x" for i in range(12)})
    with pytest.raises(UnsafeArchiveError, match="more than 10 entries"):
        extract_archive(archive, tmp_path / "out", max_members=10)
    monkeypatch.setattr(archive_extraction, "MAX_ARCHIVE_MEMBERS", 5)
    with pytest.raises(UnsafeArchiveError, match="MAX_ARCHIVE_MEMBERS"):
        extract_archive(archive, tmp_path / "out")
    monkeypatch.setattr(archive_extraction, "MAX_ARCHIVE_MEMBERS", 12)
    monkeypatch.setattr(archive_extraction, "MAX_EXTRACTED_BYTES", 11)
    with pytest.raises(UnsafeArchiveError, match="MAX_EXTRACTED_BYTES"):
        extract_archive(archive, tmp_path / "out")
    monkeypatch.setattr(archive_extraction, "MAX_EXTRACTED_BYTES", 12)
    assert extract_archive(archive, tmp_path / "out") and len(os.listdir(tmp_path / "out")) == 12
