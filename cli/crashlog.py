"""The crash log: an unexpected error's traceback goes to a file, not into the user's face."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

from cli.parser import PROG
from core import __version__


def log_unexpected(exc: BaseException) -> Path | None:
    """Appends `exc`'s traceback to cli.log in the log folder; its path, or None when it can't be written."""
    from core.files import append_crash_log

    return append_crash_log("cli.log", f"{PROG} {__version__} argv={sys.argv!r}",
                            "".join(traceback.format_exception(exc)))
