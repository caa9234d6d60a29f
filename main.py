"""LSTM Forecaster's entry point.

No arguments (or a CSV path): the desktop app. A subcommand (inspect, train, predict,
forecast) or --version: the headless command line over the same engine. --self-test: checks
an installed build end to end, offscreen.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DATA_SUFFIXES = {".csv", ".tsv", ".txt"}


def wants_gui(argv: list[str]) -> bool:
    """No arguments, or a data file to open: the window. Anything else is for the CLI."""
    if not argv:
        return True
    first = argv[0]
    return not first.startswith("-") and (Path(first).suffix.lower() in DATA_SUFFIXES
                                          or Path(first).is_file())


def keep_matplotlib_cache() -> None:
    """In a frozen build, matplotlib's font cache lives in the user's data folder.

    PyInstaller's matplotlib run-time hook points MPLCONFIGDIR at a new temporary folder on
    every launch, so the app rebuilt the font cache each time: 0.7-1.2 s of every start-up
    (bench/bench_startup.py). Onedir builds keep their paths, and matplotlib rebuilds the cache
    by itself when a font file it lists has gone.
    """
    if not getattr(sys, "frozen", False):
        return
    from core.files import user_data_dir

    folder = user_data_dir() / "matplotlib"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # a read-only home: the temporary folder still works, only slower
    os.environ["MPLCONFIGDIR"] = str(folder)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from core.i18n import take_language

    lang, rest = take_language(argv)
    if rest[:1] == ["--self-test"]:
        from gui.selftest import run as self_test

        return self_test(lang)  # keeps everything, matplotlib's cache too, in a temporary folder
    keep_matplotlib_cache()
    if not wants_gui(rest):
        from cli import main as cli_main

        return cli_main(argv)
    from gui.app import run

    return run(rest, lang)


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # a frozen build's search workers (spawn) start through this file
    sys.exit(main())
