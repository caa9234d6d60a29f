"""`backtest`: the train settings scored at several rolling origins; backtest.json and backtest.csv.

Same reading, settings flags, output folder handling (locked, staged, never the input) and exit
codes as `train`: 2 for bad input, 1 for a bug (logged), 130 when interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.declared_args import add_declared_arguments, from_args
from cli.exits import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from cli.parser import add_reading_options, print_reading_changes, read_table
from cli.settings_args import add_setting_arguments, choose_target, config_from_args
from cli.terminal import ProgressLine, fmt, interruptible, pad
from core.i18n import _, ngettext
from core.numbers import decimals_for
from core.outputs.summary import reused_fold_sentence
from core.settings.requests import BacktestRequest

HANDLERS = {"backtest": "command_backtest"}  # subcommand -> function of this module


def add_parsers(commands) -> None:
    """The `backtest` subcommand: CSV, the reading options and train's settings, then the folds."""
    backtest = commands.add_parser("backtest", help=_("score the settings at several rolling origins (folds)"))
    add_reading_options(backtest)
    add_setting_arguments(backtest)
    # --folds, --fold-step, --retrain-every, --sliding: declared with the request (core.backtest)
    add_declared_arguments(backtest.add_argument_group(_("backtest")), BacktestRequest)
    backtest.add_argument("--out", required=True, help=_("output folder (created if missing)"))


class FoldProgress(ProgressLine):
    """Fold i/K and its epoch, and the time so far."""

    def __call__(self, p) -> None:
        if not self.enabled or getattr(p, "done", None) is not None:  # a fold's end: the next start says more
            return
        e = p.epoch
        parts = [_("fold {fold}/{folds}").format(fold=p.fold, folds=p.folds)]
        if e is not None:
            parts.append(_("epoch {epoch}/{epochs}").format(epoch=e.step or e.epoch, epochs=e.steps or e.epochs))
        self.show(" ".join(parts) + "  " + _("{seconds:.0f}s").format(seconds=self.elapsed()) + "        ")


def command_backtest(args: argparse.Namespace) -> int:
    from core.backtest import CSV_FILE, JSON_FILE, run_backtest, write_backtest
    from core.outputs.run_folder import RunFolder

    loaded = read_table(args)
    if not choose_target(args, loaded):
        return EXIT_USAGE
    config = config_from_args(args, date_column=loaded.report.date_column)
    request = from_args(BacktestRequest, args)
    request.check()
    filled = print_reading_changes(loaded, config.target)
    with RunFolder(args.out, [CSV_FILE, JSON_FILE], inputs=[args.csv]) as run:
        with interruptible() as cancel:  # first Ctrl+C: stop this fold, keep the finished ones
            progress = FoldProgress()
            try:
                result = run_backtest(loaded.frame, config, request, progress, cancel,
                                      loaded.source_info(args.csv), loaded.filled_rows.get(config.target))
            finally:
                progress.close()
        if result.cancelled and not result.folds:
            # nothing to save: an earlier complete result in the folder stays as it was
            print(_("The backtest was cancelled before any fold finished; nothing was written."),
                  file=sys.stderr)
            return EXIT_INTERRUPTED
        result.notes.extend([filled] if filled else [])
        write_backtest(result, run.stage(JSON_FILE), run.stage(CSV_FILE),
                       {"run_id": run.run_id, "import_notes": loaded.report.notes})
        run.commit()
    print_backtest(result, Path(args.out))
    if result.cancelled:
        print(_("The backtest was cancelled; the finished folds were scored and saved."), file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


def print_backtest(result, out: Path) -> None:
    from core.backtest import FORECASTERS
    from core.prep.timeindex import format_time

    c = result.config
    steps = ngettext("{count} step", "{count} steps", c.horizon).format(count=c.horizon)
    print(ngettext("{target}: {folds} fold of {steps}, window {window}, season {season}, trainings: {trainings}",
                   "{target}: {folds} folds of {steps}, window {window}, season {season}, trainings: {trainings}",
                   len(result.folds)).format(
        target=c.target, folds=len(result.folds), steps=steps, window=c.window,
        season=c.season if result.seasonal else _("none"), trainings=result.trainings))
    names = [name for name in FORECASTERS if result.seasonal or name != "seasonal_naive"]
    short = {"model": _("model"), "naive": _("naive"), "seasonal_naive": _("seasonal"), "linear": _("linear")}
    heading = pad(_("fold"), 6) + pad(_("cutoff"), 12) + pad(_("rows"), 7) \
        + "".join(pad(_("{name} RMSE").format(name=short[n]), 15) for n in names) + _("seconds")
    print(heading)
    places = {n: decimals_for(fold.scores[n]["rmse"] for fold in result.folds) for n in names}
    for fold in result.folds:
        mark = "" if fold.retrained else "*"
        print(pad(f"{fold.fold}{mark}", 6) + pad(format_time(fold.cutoff), 12) + pad(str(fold.train_rows), 7)
              + "".join(pad(fmt(fold.scores[n]["rmse"], places[n]), 15) for n in names) + f"{fold.seconds:.1f}")
    if any(not fold.retrained for fold in result.folds):
        print("* " + reused_fold_sentence())  # the Backtest tab's words for the mark
    print(_("Pooled over every fold:"))
    print("  " + pad("", 10) + "".join(pad(metric, 12) for metric in ("RMSE", "MAE", "MAPE %", "R2", "MASE")))
    keys = ("rmse", "mae", "mape", "r2", "mase")
    pooled_places = {key: decimals_for(result.pooled.get(n, {}).get(key) for n in names) for key in keys}
    for name in names:
        m = result.pooled.get(name, {})
        print("  " + pad(short[name], 10) + "".join(pad(fmt(m.get(key), pooled_places[key]), 12) for key in keys))
    print(result.verdict()["sentence"])  # the conclusion, in the Backtest tab's words
    print(_("Wrote {folder}/{files}").format(folder=out, files="backtest.json, backtest.csv"))
