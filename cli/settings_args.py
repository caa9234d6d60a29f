"""The `train` subcommand's setting flags, generated from the settings table.

Each setting with a `cli` flag becomes one option with the declared type, choices, default
and help; options are grouped as the settings are. Turning the parsed options back into a
ForecastConfig is the same loop run the other way.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from core.i18n import _
from core.settings.config import SETTINGS, ForecastConfig
from core.settings.table import GROUPS, Setting

# Settings that can't be given together (a hand-written rule, as in `validate`).
EXCLUSIVE = (("test_fraction", "test_size"),)


def help_text(s: Setting) -> str:
    """The declared help plus the default, %-escaped for argparse."""
    if s.required or s.kind is bool:
        text = _(s.help)
    elif s.optional:
        text = _("{help} (default: {default})").format(help=_(s.help), default=_(s.auto))
    elif s.kind is tuple:
        text = _("{help} (default: none)").format(help=_(s.help))
    else:
        text = _("{help} (default: {default})").format(help=_(s.help), default=s.default)
    return text.replace("%", "%%")


def _parser_of(s: Setting) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            return s.from_text(text)
        except ValueError as exc:  # argparse words ArgumentTypeError's message as it is
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = s.kind.__name__
    return parse


def add_setting_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds one option per setting that declares a CLI flag."""
    groups = {key: parser.add_argument_group(_("{group} settings").format(group=_(title)))
              for key, title in GROUPS.items()}
    exclusive_of = {}
    for names in EXCLUSIVE:
        first = next(s for s in SETTINGS if s.name == names[0])
        group = groups[first.group].add_mutually_exclusive_group()
        exclusive_of.update(dict.fromkeys(names, group))
    for s in SETTINGS:
        if s.cli is None:
            continue
        where = exclusive_of.get(s.name, groups[s.group])
        if s.kind is bool:
            where.add_argument(s.cli, dest=s.name, action=argparse.BooleanOptionalAction if s.default
                               else "store_true", default=s.default, help=help_text(s))
        elif s.required:
            where.add_argument(s.cli, dest=s.name, required=True, type=_parser_of(s), help=help_text(s))
        else:
            where.add_argument(s.cli, dest=s.name, type=_parser_of(s), default=s.default,
                               choices=list(s.values) or None, help=help_text(s))


def config_from_args(args: argparse.Namespace, **others: Any) -> ForecastConfig:
    """The parsed setting options as a ForecastConfig; `others` supplies the rest (date_column)."""
    values = {s.name: getattr(args, s.name) for s in SETTINGS if s.cli is not None}
    return ForecastConfig(**(values | others))
