"""The headless command line: inspect, train, predict, forecast, search and backtest over the
same engine as the GUI.

Contract: bad input or usage -> exit 2 and one line on stderr naming what is wrong;
an unexpected error -> exit 1, with the traceback in a log file whose path is printed;
Ctrl+C -> exit 130 (the first one lets a run finish with what it has: cli.terminal.interruptible).

Layout: cli.parser (argparse, reading options), cli.terminal (widths, Ctrl+C, progress lines),
cli.crashlog, cli.exits, cli.settings_args and cli.commands.* (one module per command family).
No module of the package imports this one.
"""

from __future__ import annotations

import argparse
import os
import sys

from cli.commands import COMMAND_MODULES, handler
from cli.crashlog import log_unexpected
from cli.exits import EXIT_INTERRUPTED, EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE
from cli.parser import build_parser as _build_parser
from core.errors import ForecasterError
from core.i18n import LANGUAGES, _, set_language, take_language

__all__ = ["EXIT_INTERRUPTED", "EXIT_OK", "EXIT_UNEXPECTED", "EXIT_USAGE", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command."""
    return _build_parser(COMMAND_MODULES)


def main(argv: list[str] | None = None) -> int:
    lang, argv = take_language(list(sys.argv[1:] if argv is None else argv))
    if lang is not None and lang not in LANGUAGES:
        print(_("error: unknown language {lang!r}; choose one of {choices}").format(
            lang=lang, choices=", ".join(LANGUAGES)), file=sys.stderr)
        return EXIT_USAGE
    set_language(lang)  # None: the system's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        return handler(args.command)(args)
    except ForecasterError as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python's exit flush quiet
        return EXIT_OK
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: keep the traceback out of the user's face, but keep it
        path = log_unexpected(exc)
        if path:
            print(_("error: unexpected {kind}: {message}; details are in {log}").format(
                kind=type(exc).__name__, message=exc, log=path), file=sys.stderr)
        else:
            print(_("error: unexpected {kind}: {message}").format(kind=type(exc).__name__, message=exc),
                  file=sys.stderr)
        return EXIT_UNEXPECTED
