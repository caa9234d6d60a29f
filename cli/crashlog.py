"""The crash log: an unexpected error's traceback goes to a file, not into the user's face."""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from pathlib import Path

from cli.parser import PROG
from core import __version__


def log_unexpected(exc: BaseException) -> Path | None:
    """Appends `exc`'s traceback to cli.log in the log folder; its path, or None when it can't be written."""
    from core.files import log_dir

    try:
        path = log_dir() / "cli.log"
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"--- {dt.datetime.now().isoformat()} {PROG} {__version__} argv={sys.argv!r}\n")
            handle.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return None
