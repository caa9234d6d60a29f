"""The engine's own files and file helpers, without Qt: where logs go, checksums, safe names,
atomic writes and JSON that survives NaN (the only ways the engine writes files)."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

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


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, then rename over `path`.

    A crash or kill at any moment leaves either the old file or the new one, never half.
    """
    path = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise


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


def dumps(data: Any) -> str:
    return json.dumps(_clean(data), indent=2, ensure_ascii=False, allow_nan=False)


def write_json(path: str | Path, data: Any) -> None:
    atomic_write_bytes(path, (dumps(data) + "\n").encode("utf-8"))
