"""The `train` subcommand's setting flags, generated from the settings table.

Each setting with a `cli` flag becomes one option with the declared type, choices, default
and help; options are grouped as the settings are (cli/declared_args.py does the work for any
declared dataclass). Turning the parsed options back into a ForecastConfig is the same loop run
the other way.
"""

from __future__ import annotations

import argparse
from typing import Any

from cli.declared_args import add_declared_arguments, from_args, help_text
from core.settings.config import ForecastConfig
from core.settings.table import GROUPS

__all__ = ["add_setting_arguments", "choose_target", "config_from_args", "help_text"]


def add_setting_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds one option per setting that declares a CLI flag. --target may be left out: a file with
    one column worth forecasting names it (choose_target)."""
    add_declared_arguments(parser, ForecastConfig, groups=GROUPS)
    for action in parser._actions:
        if action.dest == "target":
            action.required = False


def choose_target(args: argparse.Namespace, loaded: Any) -> bool:
    """Fill args.target when none was given and the file has one column worth forecasting (not a row
    number or a clock), saying so; else print the one error line naming the choices and return False."""
    import sys

    from core.data.columns import target_candidates
    from core.i18n import _

    if args.target is not None:
        return True
    numeric = target_candidates(loaded.frame, loaded.report.numeric_columns())
    if len(numeric) != 1:
        line = _("error: the following arguments are required: {options}").format(options="--target")
        if numeric:  # say what to choose from rather than send the user to open the file
            line += " " + _("(the numeric columns: {columns})").format(columns=", ".join(numeric))
        print(line, file=sys.stderr)
        return False
    args.target = numeric[0]
    print(_("Target: {column} (the only numeric column that is not a row number or a clock)").format(
        column=args.target), flush=True)
    return True


def config_from_args(args: argparse.Namespace, **others: Any) -> ForecastConfig:
    """The parsed setting options as a ForecastConfig; `others` supplies the rest (date_column)."""
    return from_args(ForecastConfig, args, **others)
