"""cornu/saving/atomic.py under failing writes, flushes, fsyncs and renames (simulated with
monkeypatch; test_write_faults.py does it for real with a file-size limit): the previous file
keeps its bytes, no temporary file stays, and the error names the file, the cause and the fix."""

import errno
import os

import pytest

from cornu.saving import atomic


def _write_previous(folder, name="model.keras", data=b"previous contents"):
    path = os.path.join(folder, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def _fail_with(number):
    def fail(*args, **kwargs):
        raise OSError(number, os.strerror(number))
    return fail


@pytest.mark.parametrize("number,cause", [
    (errno.ENOSPC, "no space left on the device"),
    (errno.EFBIG, "largest size allowed"),
    (errno.EDQUOT, "disk quota"),
    (errno.EIO, "input/output error"),
])
@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_atomic_write_failure_keeps_previous_file(tmp_path, monkeypatch, number, cause, step):
    path = _write_previous(tmp_path)
    monkeypatch.setattr(atomic.os, step, _fail_with(number))
    with pytest.raises(OSError) as info:
        atomic.write_bytes_atomically(path, b"new contents that never land")
    monkeypatch.undo()
    assert info.value.errno == number
    message = str(info.value)
    assert f"Could not save '{path}'" in message and cause in message and "save again" in message
    assert open(path, "rb").read() == b"previous contents"
    assert sorted(os.listdir(tmp_path)) == ["model.keras"]


def test_atomic_path_failure_inside_the_writer(tmp_path):
    path = _write_previous(tmp_path, "w.safetensors")
    with pytest.raises(OSError, match="no space left") as info:
        with atomic.atomic_path(path) as temp:
            with open(temp, "wb") as f:
                f.write(b"partial")
            # A native writer reports the OS error in its own exception type and words.
            raise RuntimeError("I/O error: No space left on device (os error 28)")
    assert info.value.errno == errno.ENOSPC
    assert isinstance(info.value.__cause__, RuntimeError)
    assert open(path, "rb").read() == b"previous contents"
    assert os.listdir(tmp_path) == ["w.safetensors"]


def test_other_errors_pass_through_unchanged(tmp_path):
    path = _write_previous(tmp_path)
    with pytest.raises(ValueError, match="not a storage problem"):
        with atomic.atomic_write(path) as f:
            f.write(b"x")
            raise ValueError("not a storage problem")
    with pytest.raises(FileNotFoundError):  # ENOENT: not a storage fault, kept as it is
        with atomic.atomic_write(path):
            raise FileNotFoundError(errno.ENOENT, "gone")
    assert open(path, "rb").read() == b"previous contents"
    assert os.listdir(tmp_path) == ["model.keras"]


def test_permission_error_keeps_its_type(tmp_path, monkeypatch):
    path = _write_previous(tmp_path)
    monkeypatch.setattr(atomic.os, "replace", _fail_with(errno.EACCES))
    with pytest.raises(PermissionError, match="permission denied"):
        atomic.write_bytes_atomically(path, b"new")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["model.keras"]


def test_file_group_failure_removes_every_temporary_file(tmp_path, monkeypatch):
    shard = _write_previous(tmp_path, "w_00000.weights.h5", b"old shard")
    index = _write_previous(tmp_path, "w.weights.json", b"old index")
    real_fsync = os.fsync
    calls = []

    def fsync_failing_second(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", fsync_failing_second)
    with pytest.raises(OSError, match="no space left") as info:
        with atomic.AtomicFileGroup() as group:
            group.open_temp(shard).write(b"new shard")
            with open(group.temp_path(index), "wb") as f:
                f.write(b"new index")
    monkeypatch.undo()
    assert info.value.errno == errno.ENOSPC
    assert open(shard, "rb").read() == b"old shard" and open(index, "rb").read() == b"old index"
    assert sorted(os.listdir(tmp_path)) == ["w.weights.json", "w_00000.weights.h5"]


def test_file_group_commits_open_temp_files(tmp_path):
    target = os.path.join(tmp_path, "a.bin")
    with atomic.AtomicFileGroup() as group:
        group.open_temp(target).write(b"written through the file object")
    assert open(target, "rb").read() == b"written through the file object"
    assert os.listdir(tmp_path) == ["a.bin"]
