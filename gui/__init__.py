"""The Qt desktop front end (PySide6). Everything it computes comes from `core`."""

from gui.main_window import MainWindow

__all__ = ["MainWindow"]
