"""LSTM Forecaster's entry point.

No arguments (or a CSV path): the desktop app. A subcommand (inspect, train) or --version:
the headless command line over the same engine.
"""

from __future__ import annotations

import sys

CLI_COMMANDS = {"inspect", "train", "predict", "forecast", "--version", "-h", "--help"}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in CLI_COMMANDS:
        from core.cli import main as cli_main

        return cli_main(argv)
    from gui.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
