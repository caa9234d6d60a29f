"""The Qt desktop front end (PySide6). Everything it computes comes from `core`.

`gui.MainWindow` is loaded on first use, so `gui.selftest` and the other small modules can be
imported without pulling in Qt widgets and matplotlib.
"""

from typing import Any

__all__ = ["MainWindow"]


def __getattr__(name: str) -> Any:
    if name == "MainWindow":
        from gui.main_window import MainWindow

        return MainWindow
    raise AttributeError(f"module 'gui' has no attribute {name!r}")
