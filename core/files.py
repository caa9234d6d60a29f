"""The engine's own files and file helpers, without Qt: where logs go, checksums, safe names,
atomic writes and JSON that survives NaN (the only ways the engine writes files)."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from core.errors import OutputError
from core.i18n import _

APP_DIR_NAME = "LSTM Forecaster"


def user_data_dir() -> Path:
    """LSTM_FORECASTER_DATA_DIR if set (tests use it), else the platform's per-user data folder."""
    override = os.environ.get("LSTM_FORECASTER_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME


def log_dir() -> Path:
    path = user_data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def private(path: str, flags: int) -> int:
    """An `open` opener creating the file readable by its owner only (a log may hold what a
    command line held: paths, database hosts)."""
    return os.open(path, flags, 0o600)


def append_crash_log(name: str, heading: str, details: str) -> Path | None:
    """Appends one report (a dated heading line, then `details`: a traceback) to the log file
    `name` in log_dir(); its path, or None when it can't be written (a crash log never crashes)."""
    import datetime as dt

    try:
        path = log_dir() / name
        with open(path, "a", encoding="utf-8", opener=private) as handle:  # appending to a log file
            handle.write(f"--- {dt.datetime.now().isoformat()} {heading}\n")
            handle.write(details)
        return path
    except OSError:
        return None


def file_sha256(path: str | Path) -> str:
    """Checksum of a file, read in blocks (saved models record the data they came from)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_file_stem(name: str, fallback: str = "model") -> str:
    """A column name made safe to suggest as part of a file name: no folders, no '..', no
    characters Windows forbids. A saved model's target can be any text, even '../../x'."""
    stem = _UNSAFE_IN_NAMES.sub("_", str(name)).strip(" .")
    return stem[:80] or fallback


def _umask() -> int:
    """The process's umask, read without changing it where the system allows (os.umask sets it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:  # set-and-restore is the only portable way to read it
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


_UMASK_LOCK = threading.Lock()


def _write_error(path: Path, exc: OSError) -> OutputError:
    error = OutputError(_("Can't write {path}: {reason}.").format(path=path, reason=exc.strerror or exc))
    error.errno = exc.errno
    return error


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` so that a crash never leaves half a file (atomic_write_chunks)."""
    atomic_write_chunks(path, (data,))


def atomic_write_chunks(path: str | Path, chunks: Iterable[bytes]) -> None:
    """Write the chunks one after another to `path` so that a crash never leaves half a file: a
    large table is written piece by piece, never whole in memory.

    A regular file is written to a temp file in the same folder, fsynced, then renamed over
    `path`: a kill at any moment leaves the old file or the new one, never half. The new file
    gets the mode a plain `open` would give (the umask), or keeps the mode of the file it
    replaces. A symlink is followed (its target is written, the link stays); a hard-linked
    file and special files (a terminal, /dev/null, a FIFO) are written in place, since a rename
    would break the link or turn the device into a regular file. Any OS error comes out as
    OutputError (a ForecasterError and an OSError), with a one-line message.
    """
    path = Path(path)
    target = Path(os.path.realpath(path))
    try:
        try:
            existing = os.stat(target)
        except FileNotFoundError:
            existing = None
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            if not (stat.S_ISCHR(existing.st_mode) or stat.S_ISFIFO(existing.st_mode)):
                raise OutputError(_("Can't write {path}: it is not a regular file.").format(path=path))
            _write_in_place(target, chunks, truncate=False)
        elif existing is not None and existing.st_nlink > 1:
            _write_in_place(target, chunks, truncate=True)
        else:
            _replace(target, chunks, existing)
    except OutputError:
        raise
    except OSError as exc:
        raise _write_error(path, exc) from None


def _write_in_place(target: Path, chunks: Iterable[bytes], truncate: bool) -> None:
    flags = os.O_WRONLY | (os.O_TRUNC if truncate else 0) | getattr(os, "O_BINARY", 0)
    with os.fdopen(os.open(target, flags), "wb") as handle:
        for data in chunks:
            handle.write(data)
        handle.flush()
        if truncate:  # a regular file: on disk before we say it is saved
            os.fsync(handle.fileno())


def _replace(target: Path, chunks: Iterable[bytes], existing: os.stat_result | None) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for data in chunks:
                handle.write(data)
            handle.flush()
            if existing is None:
                mode = 0o666 & ~_umask()
            else:
                mode = stat.S_IMODE(existing.st_mode)
                if hasattr(os, "fchown"):
                    try:  # keep the replaced file's group (and owner, when we may)
                        os.fchown(handle.fileno(), existing.st_uid, existing.st_gid)
                    except OSError:
                        pass
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            else:  # Windows: only the read-only bit exists
                os.chmod(temp, mode)
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise


def refuse_overwriting_input(outputs: Iterable[str | Path], inputs: Iterable[str | Path]) -> None:
    """Raise OutputError when any output would replace one of the input files.

    Compared by `os.path.samefile` (so `data.csv`, `./data.csv`, a symlink or a hard link to it
    all count); only outputs that exist can be an input, and only regular files are checked (a
    pipe such as /dev/stdin read once is not overwritten by writing /dev/stdout). A folder among
    the inputs (a model folder) stands for the files inside it.
    """
    sources: list[Path] = []
    for item in inputs:
        item = Path(item)
        if item.is_dir():
            sources.extend(child for child in item.iterdir() if child.is_file())
        elif item.is_file():
            sources.append(item)
    for output in map(Path, outputs):
        if not output.exists():
            continue
        for source in sources:
            try:
                same = os.path.samefile(output, source)
            except OSError:
                continue
            if same:
                if Path(os.path.abspath(output)) == Path(os.path.abspath(source)):
                    raise OutputError(_("Refusing to write {output}: it is the input file {input}; choose "
                                        "another output.").format(output=output, input=source.name))
                raise OutputError(_("Refusing to write {output}: it is the input file {input} ({output} is "
                                    "{source}); choose another output.").format(
                    output=output, input=source.name, source=source))


def _clean(value: Any) -> Any:
    """NaN and inf are not JSON: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _clean(value.item())
    return value


def dumps(data: Any, indent: int | None = 2) -> str:
    """JSON text of `data`, NaN and inf as null; `indent=None`: one compact line."""
    separators = (",", ":") if indent is None else None
    return json.dumps(_clean(data), indent=indent, separators=separators, ensure_ascii=False, allow_nan=False)


def write_json(path: str | Path, data: Any) -> None:
    atomic_write_bytes(path, (dumps(data) + "\n").encode("utf-8"))
