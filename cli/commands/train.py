"""`train`: a model trained and scored against the baselines, its outputs written as one set
(locked, staged, never over the input: core.outputs.run_folder), then a summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.commands.model import FORECAST_COLUMNS, write_csv
from cli.crashlog import log_unexpected
from cli.exits import EXIT_INTERRUPTED, EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE
from cli.parser import add_future_options, add_reading_options, read_table
from cli.settings_args import add_setting_arguments, choose_target, config_from_args
from cli.terminal import ProgressLine, display_width, fmt, interruptible, pad
from core.errors import ForecasterError
from core.i18n import N_, _
from core.numbers import decimals_for
from core.outputs.summary import (
    credit_lines,
    duration,
    progress_step,
    run_heading,
    run_lines,
    time_estimate_sentence,
    time_left,
)

PREDICTION_COLUMNS = ["time", "step", "actual", "predicted", "split"]
TRAIN_OUTPUTS = ["model", "model.lstmf", "predictions.csv", "forecast.csv", "plot.png", "report.html",
                 "metrics.json"]
ROW_NAMES = {"model": N_("model"), "naive": N_("naive"), "seasonal_naive": N_("seasonal naive"),
             "linear": N_("linear")}
HANDLERS = {"train": "command_train"}  # subcommand -> function of this module


def add_parsers(commands) -> None:
    train = commands.add_parser("train", help=_("train a model and evaluate it against baselines"))
    add_reading_options(train)
    add_setting_arguments(train)
    add_future_options(train)
    train.add_argument("--out", required=True, help=_("output folder (created if missing)"))
    train.add_argument("--resume", metavar="BUNDLE",
                       help=_("train the networks saved in this model (.lstmf or folder) --epochs more, on the same "
                              "data, with its columns and settings"))


class TerminalProgress(ProgressLine):
    """Network, epoch, a bar, the losses, the best epoch and an upper bound of the time left."""

    def __call__(self, p) -> None:
        if not self.enabled:
            return
        step, steps = progress_step(p)
        done = step / steps
        bar = "#" * int(24 * done) + "." * (24 - int(24 * done))
        left = duration(time_left(self.elapsed(), step, steps))
        parts = []
        if p.networks > 1 or p.refit:
            which = _("refit {network}/{networks}") if p.refit else _("net {network}/{networks}")
            parts.append(which.format(network=p.network, networks=p.networks))
        parts += [_("epoch {epoch}/{epochs}").format(epoch=p.epoch, epochs=p.epochs), f"[{bar}]",
                  _("train {loss:.4g}").format(loss=p.train_loss)]
        if p.val_loss is not None:
            parts.append(_("val {loss:.4g}").format(loss=p.val_loss))
        parts.append(_("best {epoch}").format(epoch=p.best_epoch))
        self.show(" ".join(parts) + "  " + _("ETA <= {left}").format(left=left) + " ")


def command_train(args: argparse.Namespace) -> int:
    from core.files import file_sha256, write_json
    from core.model.bundle import save_bundle
    from core.model.training import CANCELLED, DIVERGED
    from core.outputs.plotting import save_report_png
    from core.outputs.run_folder import RunFolder
    from core.pipeline import plan_run, run_experiment
    from core.report import from_result
    from core.report.output import write_report

    loaded = read_table(args)
    report = loaded.report
    saved = None
    if args.resume:  # the model's columns and settings; only --epochs (how many more) is read
        from core.pipeline.more import saved_networks

        saved = saved_networks(loaded.frame, args.resume)
        config = saved.config
    elif not choose_target(args, loaded):
        return EXIT_USAGE
    else:
        config = config_from_args(args, date_column=report.date_column)
    plan = plan_run(loaded.frame, config)
    future = read_future_for(args, loaded, plan.config) if args.future else None  # refused before training
    estimate = plan.time_estimate() if saved is None else None  # the plan is cheap: said before training
    if estimate is not None:
        print(time_estimate_sentence(estimate), flush=True)
    # the folder is locked and checked against the input before training starts; outputs are
    # staged inside it and moved into place together when everything is written
    with RunFolder(args.out, TRAIN_OUTPUTS, inputs=[p for p in (args.csv, args.future) if p]) as run:
        with interruptible() as cancel:  # first Ctrl+C: stop after this batch, keep the best model
            progress = TerminalProgress()
            try:
                if saved is not None:
                    from core.pipeline.more import continue_experiment

                    result = continue_experiment(loaded.frame, saved, args.epochs, progress, cancel,
                                                 loaded.source_info(args.csv), future)
                    result.resumed_from = str(args.resume)
                else:
                    result = run_experiment(loaded.frame, config, progress, cancel, loaded.source_info(args.csv),
                                            future=future)
            finally:
                progress.close()

        metrics = result.metrics_dict()
        metrics["data"]["import_notes"] = report.notes
        metrics["run_id"] = run.run_id
        checksum = loaded.sha256 or file_sha256(args.csv)
        # the model first: nothing after it (a chart, a CSV) can cost it
        save_bundle(result, run.stage("model"), data_sha256=checksum, run_id=run.run_id)
        save_bundle(result, run.stage("model.lstmf"), data_sha256=checksum, run_id=run.run_id)
        write_predictions(result.scored, run.stage("predictions.csv"))
        if result.forecast is not None:
            anchor = result.credit.forecast if result.credit is not None else None
            if anchor is not None and len(anchor) == len(result.forecast):  # the anchor's own, beside it
                write_csv(result.forecast.assign(anchor=anchor), run.stage("forecast.csv"),
                          [*FORECAST_COLUMNS, "anchor"])
            else:
                write_csv(result.forecast, run.stage("forecast.csv"), FORECAST_COLUMNS)
        drawn = {"plot.png": lambda path: save_report_png(result, path),
                 "report.html": lambda path: write_report(from_result(
                     result, source=args.csv, import_report=report, checksum=checksum, run_id=run.run_id), path)}
        failed = {}  # file -> the exception that stopped drawing it
        for name, draw in drawn.items():
            try:
                draw(run.stage(name))
            except ForecasterError:
                raise
            except Exception as exc:  # a bug in drawing: the run is kept without that file
                failed[name] = exc
        write_json(run.stage("metrics.json"), metrics)
        run.commit()

    for note in report.changes:  # what reading changed in the data the model was trained on
        print(_("Changed while reading: {note}").format(note=note))
    print_summary(result, Path(args.out), drawn=[name for name in drawn if name not in failed])
    for name, exc in failed.items():
        path = log_unexpected(exc)
        kind = type(exc).__name__
        if path:
            print(_("error: {file} could not be drawn ({kind}); the model and the other outputs are saved; "
                    "details are in {log}").format(file=name, kind=kind, log=path), file=sys.stderr)
        else:
            print(_("error: {file} could not be drawn ({kind}); the model and the other outputs are saved").format(
                file=name, kind=kind), file=sys.stderr)
    if failed:
        return EXIT_UNEXPECTED
    if result.history.status == DIVERGED:
        print(result.history.message, file=sys.stderr)
        return EXIT_USAGE
    if result.history.status == CANCELLED:
        print(_("Training was cancelled; the best model so far was evaluated and saved."), file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


def write_predictions(scored, path: Path) -> None:
    """predictions.csv from the run's compact windows, 100,000 windows at a time: the table of a
    million windows is never whole (`scored`: core.pipeline.result.ScoredWindows; `path`: staged)."""
    from core.outputs.export import csv_date_format, write_csv_pieces

    try:
        date_format = csv_date_format(scored.times())
    except ValueError:  # sub-second times: pandas picks their digits from the whole column
        write_csv(scored.table(), path, PREDICTION_COLUMNS)
        return
    write_csv_pieces(path, scored.chunks(), PREDICTION_COLUMNS, date_format)


def read_future_for(args: argparse.Namespace, loaded, config):
    """`--future`'s values checked against the training data's end and the planned forecast steps
    (core.prep.future.FutureFeatures); DataError saying what to change."""
    from core.prep.future import read_future
    from core.prep.timeindex import TimeIndex

    report = loaded.report
    index = TimeIndex.of(loaded.frame, report.date_column, report.date_is_year)
    return read_future(args.future, list(config.features), index, config.forecast_steps or config.horizon,
                       report.date_column, args.future_sheet)


def print_summary(result, out: Path, drawn: list[str] | tuple[str, ...] = ("plot.png", "report.html")) -> None:
    """What was trained, the test scores against the baselines, the verdict, coverage, the forecast."""
    from core.evaluation.metrics import coverage_warnings

    print(run_heading(result))
    heading = [(_("test"), 16), ("RMSE", 12), ("MAE", 12), ("MAPE %", 10), ("R2", 9), ("MASE", 8)]
    if result.test_metrics:
        print("".join(pad(text, width) if i == 0 else " " * max(0, width - display_width(text)) + text
                      for i, (text, width) in enumerate(heading)))
    places = {key: decimals_for(m.get(key) for m in result.test_metrics.values())  # each column its own
              for key in ("rmse", "mae", "mape", "r2", "mase")}
    for name, m in result.test_metrics.items():
        label = _(ROW_NAMES[name]) if name in ROW_NAMES else name
        cell = {key: fmt(m[key], places[key]) for key in places}
        print(f"{pad(label, 16)}{cell['rmse']:>12}{cell['mae']:>12}{cell['mape']:>10}"
              f"{cell['r2']:>9}{cell['mase']:>8}")
    verdict = result.verdict()
    if verdict["beats_best_baseline"] is False:
        print(_("Warning: {sentence}").format(sentence=verdict["sentence"]))
    else:
        print(verdict["sentence"])
    if result.credit is not None:  # what the network added to its anchor (the verdict named what made it)
        for line in credit_lines(result.credit, made_by=False):
            print(line)
    for line in run_lines(result):  # the same sentences as the Results tab
        print(line)
    for sentence in coverage_warnings(result.scored.table(split="test"), result.config.interval_level):
        print(_("Warning: {sentence}").format(sentence=sentence))
    written = ["metrics.json", "predictions.csv"] + ["forecast.csv"] * (result.forecast is not None) \
        + list(drawn) + ["model/", "model.lstmf"]
    print(_("Wrote {folder}/{files}").format(folder=out, files=", ".join(written)))
