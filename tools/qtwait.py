"""Waiting on Qt from a script that has no test runner (bench/, docs/): a nested event loop keeps
the window painting and the workers delivering while the script waits."""

from __future__ import annotations

from PySide6.QtCore import QEventLoop, QTimer, SignalInstance


def wait_for(signal: SignalInstance, timeout_ms: int = 120_000) -> None:
    """Runs the event loop until `signal` is emitted, or `timeout_ms` passed (no error: the
    caller checks what it waited for)."""
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def pause(ms: int) -> None:
    """Runs the event loop for `ms` milliseconds (lets a window paint and settle)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
