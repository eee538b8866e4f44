"""``cornu.saving.safe_files``: regular files only, opened without blocking, never outside their folder."""

import os
import threading

import pytest

from cornu.backend.common.load_budget import LoadBudget, LoadBudgetExceeded, budget_scope
from cornu.saving import safe_files
from cornu.saving.safe_files import UnsafePathError

SECRET = "TOP-SECRET-7f3a9c"


def finishes(call, seconds=10):
    """Runs ``call`` in a thread; returns its result or exception, or fails if it does not finish (a hang)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = call()
        except BaseException as e:  # handed back to the test
            outcome["error"] = e

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the call blocked (it should refuse a pipe at once)"
    return outcome


@pytest.fixture
def folder(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    inside = tmp_path / "model"
    (inside / "sub").mkdir(parents=True)
    (inside / "config.json").write_bytes(b'{"a": 1}')
    (inside / "sub" / "real.bin").write_bytes(bytes(range(10)))
    os.symlink(inside / "sub" / "real.bin", inside / "inner_link.bin")
    os.symlink(outside / "secret.txt", inside / "leak.json")
    os.symlink("../outside/secret.txt", inside / "relative_leak.json")
    os.mkfifo(inside / "pipe.json")
    return inside


def test_a_regular_file_inside_is_read(folder):
    with safe_files.open_inside(folder, "config.json") as f:
        assert f.read() == b'{"a": 1}'


def test_a_link_that_stays_inside_is_followed(folder):
    with safe_files.open_inside(folder, "inner_link.bin") as f:
        assert list(f.read()) == list(range(10))


@pytest.mark.parametrize("name", ["leak.json", "relative_leak.json", "../outside/secret.txt",
                                  "sub/../../outside/secret.txt"])
def test_names_and_links_leading_outside_are_refused_without_quoting_content(folder, name):
    with pytest.raises(UnsafePathError) as info:
        safe_files.open_inside(folder, name, source="'model'").close()
    message = str(info.value)
    assert SECRET not in message and "outside/secret" not in message.replace("../outside/secret", "")
    assert "Refusing to read" in message


def test_absolute_names_are_refused(folder, tmp_path):
    with pytest.raises(UnsafePathError, match="relative to its folder"):
        safe_files.open_inside(folder, str(tmp_path / "outside" / "secret.txt"))


def test_a_pipe_is_refused_at_once_inside_a_folder_and_given_directly(folder):
    for call in (lambda: safe_files.open_inside(folder, "pipe.json"),
                 lambda: safe_files.open_regular(folder / "pipe.json")):
        outcome = finishes(call)
        assert isinstance(outcome.get("error"), UnsafePathError), outcome
        assert "named pipe (FIFO)" in str(outcome["error"])


def test_directories_and_devices_are_refused(folder):
    with pytest.raises(UnsafePathError, match="is a directory"):
        safe_files.open_inside(folder, "sub")
    with pytest.raises(UnsafePathError, match="character device"):
        safe_files.open_regular("/dev/null")


def test_a_missing_file_is_file_not_found(folder):
    with pytest.raises(FileNotFoundError, match="nothing.json"):
        safe_files.open_inside(folder, "nothing.json")


def test_the_opened_file_blocks_normally_again(folder):
    import fcntl

    with safe_files.open_regular(folder / "config.json") as f:
        assert not fcntl.fcntl(f.fileno(), fcntl.F_GETFL) & os.O_NONBLOCK


def test_read_bounded_charges_the_budget_and_stops_at_the_limit(folder):
    with budget_scope(LoadBudget(1000)) as budget, safe_files.open_inside(folder, "sub/real.bin") as f:
        assert safe_files.read_bounded(f, 10, "real.bin") == bytes(range(10))
        assert budget.used == 10
    with safe_files.open_inside(folder, "sub/real.bin") as f:
        with pytest.raises(UnsafePathError, match="over the 9-byte limit"):
            safe_files.read_bounded(f, 9, "real.bin")
    with budget_scope(LoadBudget(5)), safe_files.open_inside(folder, "sub/real.bin") as f:
        with pytest.raises(LoadBudgetExceeded):
            safe_files.read_bounded(f, 100, "real.bin")


def test_reopen_by_descriptor_hands_over_the_same_file(folder):
    opened = safe_files.open_regular(folder / "sub" / "real.bin")
    stat_before = os.fstat(opened.fileno())

    def open_by_name(path):
        with open(path, "rb") as again:
            return os.fstat(again.fileno()), again.read()

    stat_after, data = safe_files.reopen_by_descriptor(opened, open_by_name)
    assert (stat_after.st_dev, stat_after.st_ino) == (stat_before.st_dev, stat_before.st_ino)
    assert data == bytes(range(10)) and opened.closed


def test_copy_folder_copies_inside_links_and_refuses_outside_ones(folder, tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    os.remove(folder / "leak.json")
    os.remove(folder / "relative_leak.json")
    os.remove(folder / "pipe.json")
    copy = safe_files.copy_folder(folder, "sub", scratch)
    assert open(os.path.join(copy, "real.bin"), "rb").read() == bytes(range(10))
    os.symlink(tmp_path / "outside" / "secret.txt", folder / "sub" / "leak.txt")
    with pytest.raises(UnsafePathError, match="leads outside") as info:
        safe_files.copy_folder(folder, "sub", tmp_path / "scratch2")
    assert SECRET not in str(info.value)
    os.remove(folder / "sub" / "leak.txt")
    os.symlink("..", folder / "sub" / "loop")
    with pytest.raises(UnsafePathError, match="loop"):
        safe_files.copy_folder(folder, "sub", tmp_path / "scratch3")
