"""Where the app keeps its own files (logs), without Qt, following each platform's convention."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from pathlib import Path

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
