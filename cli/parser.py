"""The argument parser: argparse with its messages translated and its errors as one line,
the options every command that reads a CSV shares, and the number parsers.

Each command module adds its own subcommands (`add_parsers`); `build_parser` is handed the
command modules rather than importing them, so that they can import this module (no cycle).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from core import __version__
from core.data.options import ReadOptions
from core.errors import ForecasterError
from core.i18n import LANGUAGES, N_, _, ngettext

if TYPE_CHECKING:
    from core.data.report import LoadedTable

PROG = "lstm-forecaster"


class UsageError(ForecasterError):
    """A command-line usage problem (argparse's errors, re-raised as one line)."""


class CommandModule(Protocol):
    """A module of cli.commands: it adds its subcommands to the parser."""

    def add_parsers(self, commands: Any) -> None: ...


def argparse_problem(message: str) -> str:
    """argparse's own (English) messages, as whole sentences of our catalog."""
    patterns = (
        (r"the following arguments are required: (?P<arguments>.+)",
         N_("the following arguments are required: {arguments}")),
        (r"unrecognized arguments: (?P<arguments>.+)", N_("unrecognized arguments: {arguments}")),
        (r"argument (?P<argument>\S+): invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)",
         N_("argument {argument}: invalid choice: {value} (choose from {choices})")),
        (r"argument (?P<argument>\S+): expected one argument", N_("argument {argument}: expected one argument")),
        (r"argument (?P<argument>\S+): (?P<problem>.+)", N_("argument {argument}: {problem}")),
    )
    for pattern, sentence in patterns:
        match = re.fullmatch(pattern, message)
        if match:
            return _(sentence).format(**match.groupdict())
    return message


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]  # one line instead of usage + message
        raise UsageError(_("{program}: {problem} (see --help)").format(program=self.prog,
                                                                       problem=argparse_problem(message)))


def whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a whole number, got {text!r}").format(text=text)) from None


def number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a number, got {text!r}").format(text=text)) from None


def add_reading_options(p: argparse.ArgumentParser, csv_required: bool = True) -> None:
    """The CSV (or workbook) argument and the overrides of what reading detects."""
    if csv_required:
        p.add_argument("csv", metavar="CSV", help=_("the CSV file, or an Excel or OpenDocument workbook "
                                                    "(.xlsx, .xlsm, .xls, .ods); never written to"))
    else:
        p.add_argument("csv", metavar="CSV", nargs="?",
                       help=_("continue after the last row of this CSV (default: the training data)"))
    p.add_argument("--encoding", help=_("override the detected encoding, e.g. gb18030, cp1252"))
    p.add_argument("--delimiter", help=_("override the detected delimiter: , ; tab |"))
    p.add_argument("--decimal", choices=[".", ","], help=_("override the detected decimal mark"))
    p.add_argument("--date-column", help=_("the date/time column ('none' for none); detected by default"))
    p.add_argument("--sheet", metavar="NAME|INDEX",
                   help=_("a workbook's sheet, by name or position (1 is the first); default: the first sheet "
                          "with a table of data"))
    p.add_argument("--header-row", type=whole_number, metavar="N",
                   help=_("a workbook's row holding the column names (1 is the first); detected by default, "
                          "after any title rows"))


def add_future_options(p: argparse.ArgumentParser) -> None:
    """--future FILE (the feature columns' future values) and its sheet."""
    p.add_argument("--future", metavar="FILE",
                   help=_("the feature columns' future values, one row per forecast step with its date (a CSV or "
                          "a workbook); without it they are held at their last values"))
    p.add_argument("--future-sheet", metavar="NAME|INDEX", help=_("the sheet of the --future workbook"))


def read_options(args: argparse.Namespace) -> ReadOptions:
    """The reading options given on the command line; what is not given is detected."""
    return ReadOptions.from_args(args)


def read_table(args: argparse.Namespace) -> LoadedTable:
    """Reads `args.csv` (a CSV or a workbook) with the command line's reading options."""
    from core.data.reader import read_table as read

    return read(args.csv, read_options(args))


def print_reading_changes(loaded: LoadedTable, target: str | None = None) -> str | None:
    """Says what reading changed in the data (filled, dropped, re-sorted, re-read), as `train` does;
    with `target`, also how many of its values were filled (a backtest scores forecasts against
    them), and returns that sentence (None when none were)."""
    for note in loaded.report.changes:
        print(_("Changed while reading: {note}").format(note=note), flush=True)
    filled = loaded.report.filled.get(target, 0) if target else 0
    if not filled:
        return None
    sentence = ngettext("{count} value of the target '{target}' was filled while reading: where a fold's actual "
                        "value is one, the fold is scored against the fill, not a measurement.",
                        "{count} values of the target '{target}' were filled while reading: where a fold's actual "
                        "value is one, the fold is scored against the fill, not a measurement.",
                        filled).format(count=filled, target=target)
    print(sentence, flush=True)
    return sentence


def build_parser(command_modules: Iterable[CommandModule]) -> argparse.ArgumentParser:
    """The whole command line: the global options, then each module's subcommands in order."""
    parser = Parser(prog=PROG, description=_("Time-series forecasting with LSTM/GRU/RNN networks."))
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--lang", choices=list(LANGUAGES), metavar="en|zh_CN",
                        help=_("the language of messages (default: from LANG/LC_ALL); also after the command"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for module in command_modules:
        module.add_parsers(commands)
    return parser
