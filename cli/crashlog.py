"""The crash log: an unexpected error's traceback goes to a file, not into the user's face."""

from __future__ import annotations

import re
import sys
import traceback
from pathlib import Path

from cli.parser import PROG
from core import __version__

# the password of a URL (scheme://user:password@host): a log is no place for it
_PASSWORD = re.compile(r"(://[^/@\s:]*:)[^@/\s]+@")


def without_passwords(text: str) -> str:
    return _PASSWORD.sub(r"\1***@", text)


def log_unexpected(exc: BaseException) -> Path | None:
    """Appends `exc`'s traceback to cli.log in the log folder, any URL's password masked (a
    --storage URL carries one); its path, or None when it can't be written."""
    from core.files import append_crash_log

    return append_crash_log("cli.log", without_passwords(f"{PROG} {__version__} argv={sys.argv!r}"),
                            without_passwords("".join(traceback.format_exception(exc))))
