"""The subcommands, one module per command family. Each module has `add_parsers(commands)` and
HANDLERS (subcommand -> the name of its function in the module)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from cli.commands import backtest, inspect, model, report, search, train

COMMAND_MODULES = (inspect, train, model, report, search, backtest)  # in the order --help lists them


def handler(command: str) -> Callable[[argparse.Namespace], int]:
    """The function that runs `command`, looked up when called (a test may replace it)."""
    for module in COMMAND_MODULES:
        if command in module.HANDLERS:
            return getattr(module, module.HANDLERS[command])
    raise KeyError(command)
