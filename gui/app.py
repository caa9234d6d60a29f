"""Start the desktop app."""

from __future__ import annotations


def run(argv: list[str]) -> int:
    print("LSTM Forecaster: the desktop window is coming in the next release.\n"
          "Meanwhile the command line works:\n"
          "  python main.py inspect data.csv\n"
          "  python main.py train data.csv --target COLUMN --out results/\n"
          "  python main.py --help")
    return 0
