"""Command-line options generated from a declared dataclass (`setting(...)` fields, core/settings/table.py).

Each setting with a `cli` flag becomes one option with the declared type, choices, default and
help (the same help the window shows as the field's tooltip). Settings that exclude each other
(`exclusive_with`) are refused together by the parser. Turning the parsed options back into the
dataclass is the same loop run the other way (`from_args`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from core.i18n import _
from core.settings.table import Setting, exclusions, settings_of

T = TypeVar("T")


def help_text(s: Setting) -> str:
    """The declared help plus the default, %-escaped for argparse."""
    if s.required or s.kind is bool:
        text = _(s.help)
    elif s.optional:
        text = _("{help} (default: {default})").format(help=_(s.help), default=_(s.auto))
    elif s.kind is tuple:
        text = _("{help} (default: none)").format(help=_(s.help))
    elif s.auto:  # a default that depends on the machine: what it is, and what it is here
        text = _("{help} (default: {auto}, here {default})").format(help=_(s.help), auto=_(s.auto),
                                                                     default=s.default)
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


class _Excluding(argparse.Action):
    """Stores the value, refusing it (with the declared sentence, as validation words it) when a
    setting it excludes was given before it."""

    def __init__(self, *args: Any, excludes: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.excludes = excludes  # dest of the other -> message

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        if values is not None:
            for other, message in self.excludes.items():
                if getattr(namespace, other, None) is not None:
                    parser.error(_(message))
        setattr(namespace, self.dest, values)


def add_declared_arguments(parser: argparse.ArgumentParser | argparse._ArgumentGroup, cls: type,
                           groups: Mapping[str, str] | None = None, prefix: str = "") -> None:
    """Adds one option per declared setting of `cls` with a CLI flag, to `parser` or, with `groups`
    (group key -> title), to one argument group per declared group. `prefix` goes before each
    destination, so two dataclasses can share a parser (the search's `seed` beside the run's)."""
    rows = settings_of(cls)
    by_group = ({key: parser.add_argument_group(_("{group} settings").format(group=_(title)))
                 for key, title in groups.items()} if groups else {})
    exclusive_of: dict[str, Any] = {}  # settings overridden by another: argparse's own exclusive group
    for s in rows:
        for other in s.exclusive_with:
            if not next(r for r in rows if r.name == other).optional:
                group = by_group.get(s.group, parser).add_mutually_exclusive_group()
                exclusive_of.update(dict.fromkeys((other, s.name), group))
    excludes: dict[str, dict[str, str]] = {}  # optional settings that can't both be set
    for name, other, message in exclusions(rows):
        excludes.setdefault(name, {})[prefix + other] = message
        excludes.setdefault(other, {})[prefix + name] = message
    for s in rows:
        if s.cli is None:
            continue
        where = exclusive_of.get(s.name, by_group.get(s.group, parser))
        dest = prefix + s.name
        if s.kind is bool:
            action = "store_false" if s.cli_negates else (
                argparse.BooleanOptionalAction if s.default else "store_true")
            where.add_argument(s.cli, dest=dest, action=action, default=s.default, help=help_text(s))
            continue
        details: dict[str, Any] = {"dest": dest, "help": help_text(s)}
        details["type"] = None if s.kind is str else _parser_of(s)
        if s.values:
            details["choices"] = list(s.values)
        else:
            details["metavar"] = s.cli.lstrip("-").upper().replace("-", "_")
        if s.required:
            details["required"] = True
        else:
            details["default"] = s.default
        if s.name in excludes:
            details |= {"action": _Excluding, "excludes": excludes[s.name]}
        where.add_argument(s.cli, **details)


def from_args(cls: type[T], args: argparse.Namespace, prefix: str = "", **others: Any) -> T:
    """The parsed options of `cls`'s declared settings as a `cls`; `others` supplies the rest."""
    values = {s.name: getattr(args, prefix + s.name) for s in settings_of(cls) if s.cli is not None}
    return cls(**(values | others))
