"""Where outputs land (issue 15): never over an input, links and special files kept, the umask
followed, and a full disk reported as one line."""

from __future__ import annotations

import errno
import os
import stat
import sys
import threading
from pathlib import Path

import pytest

from core.errors import ForecasterError, OutputError
from core.files import atomic_write_bytes, refuse_overwriting_input

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file types and modes")


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


# --------------------------------------------------------------------------- links and devices


@posix_only
def test_a_symlinked_output_writes_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.csv"
    target.write_bytes(b"old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    atomic_write_bytes(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"new"


@posix_only
def test_a_hard_linked_output_stays_linked(tmp_path):
    first = tmp_path / "a.csv"
    first.write_bytes(b"old")
    second = tmp_path / "b.csv"
    os.link(first, second)
    atomic_write_bytes(second, b"new")
    assert first.read_bytes() == b"new" and second.read_bytes() == b"new"
    assert os.stat(first).st_ino == os.stat(second).st_ino


@posix_only
def test_a_fifo_output_is_written_into_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    # a daemon: when the FIFO is wrongly replaced by a file, the reader waits forever
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    atomic_write_bytes(fifo, b"through the pipe")
    reader.join(timeout=30)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@posix_only
@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="mknod needs root")
def test_a_device_output_stays_a_device(tmp_path):
    """`--out /dev/null` as root (containers, CI): the device node must survive. A private copy of
    /dev/null's node in tmp_path is used, so a regression can't break the machine's /dev/null."""
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    atomic_write_bytes(null, b"discarded")
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]  # no temp file left either


# --------------------------------------------------------------------------- permissions


@posix_only
def test_new_outputs_follow_the_umask(tmp_path, umask_022):
    path = tmp_path / "new.json"
    atomic_write_bytes(path, b"{}")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644


@posix_only
def test_a_replaced_file_keeps_its_mode(tmp_path, umask_022):
    path = tmp_path / "shared.csv"
    path.write_bytes(b"old")
    os.chmod(path, 0o664)
    atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new" and stat.S_IMODE(os.stat(path).st_mode) == 0o664


# --------------------------------------------------------------------------- a full disk


@posix_only
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_an_output_error_with_one_line(tmp_path):
    full = Path("/dev/full")
    if os.getuid() == 0:  # root may replace /dev itself: a private node, so a regression can't
        full = tmp_path / "full"  # break the machine's /dev/full (an old build did exactly that)
        os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    with pytest.raises(OutputError) as info:
        atomic_write_bytes(full, b"x" * 100_000)
    message = str(info.value)
    assert isinstance(info.value, ForecasterError) and isinstance(info.value, OSError)
    assert str(full) in message and "space" in message.lower() and "\n" not in message
    assert info.value.errno == errno.ENOSPC
    assert stat.S_ISCHR(os.stat(full).st_mode)


# --------------------------------------------------------------------------- never over an input


def test_refuse_overwriting_input_by_any_name(tmp_path, monkeypatch):
    data = tmp_path / "data.csv"
    data.write_bytes(b"a,b\n1,2\n")
    monkeypatch.chdir(tmp_path)
    for same in (data, Path("data.csv"), Path("./sub/../data.csv")):
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(OutputError, match="it is the input file data.csv"):
            refuse_overwriting_input([tmp_path / "other.csv", same], [data])
    if hasattr(os, "link"):
        os.link(data, tmp_path / "hard.csv")
        with pytest.raises(OutputError):
            refuse_overwriting_input([tmp_path / "hard.csv"], [data])
    refuse_overwriting_input([tmp_path / "other.csv", tmp_path / "missing.csv"], [data])  # fine
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.json").write_text("{}")
    with pytest.raises(OutputError, match="model.json"):
        refuse_overwriting_input([folder / "model.json"], [folder])
