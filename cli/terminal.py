"""What the commands share about the terminal: column widths, number formatting, the one
Ctrl+C policy, and the progress line that rewrites itself on stderr."""

from __future__ import annotations

import signal
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from core.numbers import number_text


def fmt(value: Any, decimals: int | None = None) -> str:
    """A table cell: '-' for nothing; a float in grouped fixed notation with `decimals` (the
    column's: core.numbers.decimals_for), else 4 significant digits of its own."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return number_text(value, decimals, "-")
    return str(value)


def display_width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """`text` left-aligned in `width` terminal columns."""
    return text + " " * max(0, width - display_width(text))


@contextmanager
def interruptible() -> Iterator[threading.Event]:
    """`with interruptible() as cancel:` the first Ctrl+C sets `cancel` (the run stops at its next
    check and keeps what it has: the best model, the finished folds, the trials so far); the second
    one interrupts as usual (KeyboardInterrupt). The previous handler is back after the block."""
    cancel = threading.Event()
    previous = signal.getsignal(signal.SIGINT)

    def on_interrupt(signum, frame) -> None:
        cancel.set()
        signal.signal(signal.SIGINT, previous)

    signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, previous)


class ProgressLine:
    """One line on stderr that each update rewrites, when stderr is a terminal; silent otherwise
    (a log file or a pipe gets no carriage returns). Subclasses turn an update into `show(text)`."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream  # the current one, not import time's
        self.enabled = self.stream.isatty()
        self.started = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def show(self, text: str) -> None:
        self.stream.write("\r" + text)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
