"""The Qt desktop front end (PySide6). Everything it computes comes from `core`."""
