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

__all__ = ["add_setting_arguments", "config_from_args", "help_text"]


def add_setting_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds one option per setting that declares a CLI flag."""
    add_declared_arguments(parser, ForecastConfig, groups=GROUPS)


def config_from_args(args: argparse.Namespace, **others: Any) -> ForecastConfig:
    """The parsed setting options as a ForecastConfig; `others` supplies the rest (date_column)."""
    return from_args(ForecastConfig, args, **others)
