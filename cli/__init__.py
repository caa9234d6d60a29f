"""The headless command line: `inspect` and `train` over the same engine as the GUI.

Contract: bad input or usage -> exit 2 and one line on stderr naming what is wrong;
an unexpected error -> exit 1, with the traceback in a log file whose path is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
import threading
import time
import traceback
import unicodedata
from pathlib import Path
from typing import Any

from cli.backtest_command import add_backtest_parser, command_backtest
from cli.settings_args import add_setting_arguments, config_from_args
from core import __version__
from core.errors import ForecasterError
from core.files import file_sha256
from core.i18n import LANGUAGES, N_, _, ngettext, set_language, take_language
from core.prep.timeindex import format_time

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
PROG = "lstm-forecaster"


class UsageError(ForecasterError):
    """A command-line usage problem (argparse's errors, re-raised as one line)."""


def _argparse_problem(message: str) -> str:
    """argparse's own (English) messages, as whole sentences of our catalog."""
    import re

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


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line instead of usage + message
        raise UsageError(_("{program}: {problem} (see --help)").format(program=self.prog,
                                                                       problem=_argparse_problem(message)))


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a whole number, got {text!r}").format(text=text)) from None


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a number, got {text!r}").format(text=text)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description=_("Time-series forecasting with LSTM/GRU/RNN networks."))
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--lang", choices=list(LANGUAGES), metavar="en|zh_CN",
                        help=_("the language of messages (default: from LANG/LC_ALL); also after the command"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add_reading_options(p: argparse.ArgumentParser, csv_required: bool = True) -> None:
        if csv_required:
            p.add_argument("csv", metavar="CSV", help=_("the CSV file (never written to)"))
        else:
            p.add_argument("csv", metavar="CSV", nargs="?",
                           help=_("continue after the last row of this CSV (default: the training data)"))
        p.add_argument("--encoding", help=_("override the detected encoding, e.g. gb18030, cp1252"))
        p.add_argument("--delimiter", help=_("override the detected delimiter: , ; tab |"))
        p.add_argument("--decimal", choices=[".", ","], help=_("override the detected decimal mark"))
        p.add_argument("--date-column", help=_("the date/time column ('none' for none); detected by default"))

    inspect = commands.add_parser("inspect", help=_("show how a CSV is read"))
    add_reading_options(inspect)
    inspect.add_argument("--json", action="store_true", help=_("print the import report as JSON"))

    train = commands.add_parser("train", help=_("train a model and evaluate it against baselines"))
    add_reading_options(train)
    add_setting_arguments(train)
    train.add_argument("--out", required=True, help=_("output folder (created if missing)"))

    predict = commands.add_parser("predict", help=_("apply a saved model to a CSV with the same columns"))
    predict.add_argument("--model", required=True, help=_("a saved model: .lstmf file or model folder"))
    add_reading_options(predict)
    predict.add_argument("--forecast-steps", type=_int, help=_("future steps after the last row"))
    predict.add_argument("--out", required=True, help=_("CSV to write: time, step, actual, predicted, lower, upper"))

    forecast = commands.add_parser("forecast", help=_("forecast past the end with a saved model"))
    forecast.add_argument("--model", required=True, help=_("a saved model: .lstmf file or model folder"))
    add_reading_options(forecast, csv_required=False)
    forecast.add_argument("--steps", type=_int, help=_("steps to forecast (default: as trained)"))
    forecast.add_argument("--out", required=True, help=_("CSV to write: time, step, predicted, lower, upper"))

    from cli.search_command import add_search_commands

    add_search_commands(commands, add_reading_options, _float, _int)
    add_backtest_parser(commands, add_reading_options)
    return parser


def _read(args: argparse.Namespace):
    from core.data.csv_reader import AUTO, read_csv

    date_column: str | None = AUTO
    if args.date_column is not None:
        date_column = None if args.date_column.lower() == "none" else args.date_column
    delimiter = {"tab": "\t", "\\t": "\t"}.get(args.delimiter, args.delimiter) if args.delimiter else None
    return read_csv(args.csv, encoding=args.encoding, delimiter=delimiter, decimal=args.decimal,
                    date_column=date_column)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _display_width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _display_width(text))


def command_inspect(args: argparse.Namespace) -> int:
    from core.files import dumps

    loaded = _read(args)
    report = loaded.report.to_dict()
    if args.json:
        print(dumps(report))
        return EXIT_OK
    delimiter = {"\t": "tab"}.get(report["delimiter"], report["delimiter"])
    print(ngettext("{file}: {rows} row, encoding {encoding}, delimiter {delimiter!r}, decimal {decimal!r}, "
                   "date column {date_column}",
                   "{file}: {rows} rows, encoding {encoding}, delimiter {delimiter!r}, decimal {decimal!r}, "
                   "date column {date_column}", report["rows"]).format(
        file=args.csv, rows=report["rows"], encoding=report["encoding"], delimiter=delimiter,
        decimal=report["decimal"], date_column=report["date_column"] or _("none")))
    heading = _("column"), _("kind"), _("missing"), _("min"), _("max"), _("mean")
    width = max([_display_width(str(c["name"])) for c in report["columns"]] + [_display_width(heading[0]), 6])
    print("  " + _pad(heading[0], width) + "  " + _pad(heading[1], 8) + " "
          + " ".join(" " * max(0, w - _display_width(h)) + h for h, w in zip(heading[2:], (7, 10, 10, 10))))
    for c in report["columns"]:
        kind = _(KIND_WORDS[c["kind"]]) if c["kind"] in KIND_WORDS else c["kind"]
        print(f"  {_pad(str(c['name']), width)}  {_pad(kind, 8)} {c['missing']:>7} {_fmt(c['min']):>10} "
              f"{_fmt(c['max']):>10} {_fmt(c['mean']):>10}"
              + (f"  ({c['reason']})" if c.get("reason") else ""))
    for note in report["notes"]:
        print(f"  - {note}")
    return EXIT_OK


class TerminalProgress:
    """A one-line progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, stream=None) -> None:
        self.stream = sys.stderr if stream is None else stream  # the current one, not import time's
        self.enabled = self.stream.isatty()
        self.started = time.perf_counter()

    def __call__(self, p) -> None:
        if not self.enabled:
            return
        step, steps = (p.step, p.steps) if p.steps else (p.epoch, p.epochs)
        done = step / steps
        bar = "#" * int(24 * done) + "." * (24 - int(24 * done))
        elapsed = time.perf_counter() - self.started
        eta = elapsed / step * (steps - step)
        val = f" val {p.val_loss:.4g}" if p.val_loss is not None else ""
        which = f"refit {p.network}/{p.networks} " if p.refit else f"net {p.network}/{p.networks} "
        self.stream.write(f"\r{which if p.networks > 1 or p.refit else ''}epoch {p.epoch}/{p.epochs} "
                          f"[{bar}] train {p.train_loss:.4g}{val} "
                          f"best {p.best_epoch}  ETA <= {eta:.0f}s ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _config_from_args(args: argparse.Namespace, date_column: str | None):
    return config_from_args(args, date_column=date_column)


PREDICTION_COLUMNS = ["time", "step", "actual", "predicted", "split"]
FORECAST_COLUMNS = ["time", "step", "predicted", "lower", "upper"]


def write_csv(frame, path: Path, columns: list[str]) -> None:
    """UTF-8 CSV, written atomically so a crash never leaves half a file."""
    from core.outputs.export import write_bytes

    write_bytes(path, frame[columns].to_csv(index=False).encode("utf-8"))


TRAIN_OUTPUTS = ["model", "model.lstmf", "predictions.csv", "forecast.csv", "plot.png", "metrics.json"]


def command_train(args: argparse.Namespace) -> int:
    from core.files import write_json
    from core.model.bundle import save_bundle
    from core.model.training import CANCELLED, DIVERGED
    from core.outputs.plotting import save_report_png
    from core.outputs.run_folder import RunFolder
    from core.pipeline import run_experiment

    loaded = _read(args)
    report = loaded.report
    config = _config_from_args(args, report.date_column)
    # the folder is locked and checked against the input before training starts; outputs are
    # staged inside it and moved into place together when everything is written
    with RunFolder(args.out, TRAIN_OUTPUTS, inputs=[args.csv]) as run:
        cancel = threading.Event()
        previous = signal.getsignal(signal.SIGINT)

        def on_interrupt(signum, frame):  # first Ctrl+C: stop after this batch, keep the best model
            cancel.set()
            signal.signal(signal.SIGINT, previous)

        signal.signal(signal.SIGINT, on_interrupt)
        progress = TerminalProgress()
        try:
            result = run_experiment(loaded.frame, config, progress, cancel, loaded.source_info(args.csv))
        finally:
            progress.close()
            signal.signal(signal.SIGINT, previous)

        metrics = result.metrics_dict()
        metrics["data"]["import_notes"] = report.notes
        metrics["run_id"] = run.run_id
        checksum = loaded.sha256 or file_sha256(args.csv)
        # the model first: nothing after it (a chart, a CSV) can cost it
        save_bundle(result, run.stage("model"), data_sha256=checksum, run_id=run.run_id)
        save_bundle(result, run.stage("model.lstmf"), data_sha256=checksum, run_id=run.run_id)
        write_csv(result.predictions, run.stage("predictions.csv"), PREDICTION_COLUMNS)
        if result.forecast is not None:
            write_csv(result.forecast, run.stage("forecast.csv"), FORECAST_COLUMNS)
        try:
            save_report_png(result, run.stage("plot.png"))
            drawing_failed = None
        except ForecasterError:
            raise
        except Exception as exc:  # a bug in drawing: the run is kept without its chart
            drawing_failed = exc
        write_json(run.stage("metrics.json"), metrics)
        run.commit()

    for note in report.changes:  # what reading changed in the data the model was trained on
        print(_("Changed while reading: {note}").format(note=note))
    _print_summary(result, Path(args.out), chart=drawing_failed is None)
    if drawing_failed is not None:
        path = _log_unexpected(drawing_failed)
        kind = type(drawing_failed).__name__
        if path:
            print(_("error: plot.png could not be drawn ({kind}); the model and the other outputs are saved; "
                    "details are in {log}").format(kind=kind, log=path), file=sys.stderr)
        else:
            print(_("error: plot.png could not be drawn ({kind}); the model and the other outputs are saved").format(
                kind=kind), file=sys.stderr)
        return EXIT_UNEXPECTED
    if result.history.status == DIVERGED:
        print(result.history.message, file=sys.stderr)
        return EXIT_USAGE
    if result.history.status == CANCELLED:
        print(_("Training was cancelled; the best model so far was evaluated and saved."), file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


def command_predict(args: argparse.Namespace) -> int:
    from core.apply import OUTPUT_COLUMNS, predict_table
    from core.files import refuse_overwriting_input
    from core.model.bundle import load_bundle

    refuse_overwriting_input([args.out], [args.csv, args.model])
    bundle = load_bundle(args.model)
    loaded = _read(args)
    table = predict_table(bundle, loaded.frame, loaded.report.date_column, loaded.report.date_is_year,
                          source=Path(args.csv).name, forecast_steps=args.forecast_steps)
    write_csv(table, Path(args.out), OUTPUT_COLUMNS)
    known = int(table["actual"].notna().sum())
    future = len(table) - known
    print(_("Wrote {file}: {predictions} and {future}.").format(
        file=args.out,
        predictions=ngettext("{count} prediction with a known actual value",
                             "{count} predictions with known actual values", known).format(count=known),
        future=ngettext("{count} future step", "{count} future steps", future).format(count=future)),
        bundle.predictor.assumption(args.forecast_steps))
    return EXIT_OK


def command_forecast(args: argparse.Namespace) -> int:
    from core.apply import forecast_table
    from core.files import refuse_overwriting_input
    from core.model.bundle import load_bundle

    refuse_overwriting_input([args.out], [p for p in (args.csv, args.model) if p])
    bundle = load_bundle(args.model)
    if args.csv:
        loaded = _read(args)
        table = forecast_table(bundle, loaded.frame, loaded.report.date_column, loaded.report.date_is_year,
                               source=Path(args.csv).name, steps=args.steps)
    else:
        table = forecast_table(bundle, steps=args.steps)
    write_csv(table, Path(args.out), FORECAST_COLUMNS)
    print(ngettext("Wrote {file}: {count} step from {start}.", "Wrote {file}: {count} steps from {start}.",
                   len(table)).format(file=args.out, count=len(table), start=format_time(table["time"].iloc[0])),
          bundle.predictor.assumption(args.steps))
    return EXIT_OK


KIND_WORDS = {"numeric": N_("numeric"), "datetime": N_("datetime"), "text": N_("text"), "empty": N_("empty")}
STATUS_WORDS = {"completed": N_("completed"), "early_stopped": N_("early stopped"), "cancelled": N_("cancelled"),
                "diverged": N_("diverged")}
ROW_NAMES = {"model": N_("model"), "naive": N_("naive"), "seasonal_naive": N_("seasonal naive"),
             "linear": N_("linear")}


def _print_summary(result, out: Path, chart: bool = True) -> None:
    c, h = result.config, result.history
    status = STATUS_WORDS.get(h.status)
    if result.plan.forecast_only:
        print(_("{target}: forecast only (too few rows to train and score); horizon {horizon}, season {season}")
              .format(target=c.target, horizon=c.horizon, season=c.season or _("none")))
    elif h.epochs_run == 0 and h.status == "completed":
        print(_("{target}: no network trained (exponential smoothing alone); window {window}, horizon {horizon}, "
                "season {season}").format(target=c.target, window=c.window, horizon=c.horizon,
                                          season=c.season or _("none")))
    else:
        print(ngettext("{target}: {status} after {epochs} epoch, best epoch {best}; window {window}, "
                       "horizon {horizon}, season {season}",
                       "{target}: {status} after {epochs} epochs, best epoch {best}; window {window}, "
                       "horizon {horizon}, season {season}", h.epochs_run).format(
            target=c.target, status=_(status) if status else h.status, epochs=h.epochs_run, best=h.best_epoch,
            window=c.window, horizon=c.horizon, season=c.season or _("none")))
    heading = [(_("test"), 16), ("RMSE", 12), ("MAE", 12), ("MAPE %", 10), ("R2", 9), ("MASE", 8)]
    if result.test_metrics:
        print("".join(_pad(text, width) if i == 0 else " " * max(0, width - _display_width(text)) + text
                      for i, (text, width) in enumerate(heading)))
    for name, m in result.test_metrics.items():
        label = _(ROW_NAMES[name]) if name in ROW_NAMES else name
        print(f"{_pad(label, 16)}{_fmt(m['rmse']):>12}{_fmt(m['mae']):>12}{_fmt(m['mape']):>10}"
              f"{_fmt(m['r2']):>9}{_fmt(m['mase']):>8}")
    verdict = result.verdict()
    if verdict["beats_best_baseline"] is False:
        print(_("Warning: {sentence}").format(sentence=verdict["sentence"]))
    else:
        print(verdict["sentence"])
    print(result.models_sentence())
    coverage = result.coverage["overall"]
    if coverage is not None:
        print(_("{level:.0%} intervals covered {coverage:.0%} of the test values.").format(
            level=c.interval_level, coverage=coverage))
    if result.forecast is not None:
        f = result.forecast
        values = ", ".join(f"{v:.4g}" for v in f["predicted"].iloc[:5]) + (" ..." if len(f) > 5 else "")
        print(ngettext("Forecast: {count} step from {start}: {values}",
                       "Forecast: {count} steps from {start}: {values}", len(f)).format(
            count=len(f), start=format_time(f["time"].iloc[0]), values=values))
    written = ["metrics.json", "predictions.csv"] + ["forecast.csv"] * (result.forecast is not None) \
        + ["plot.png"] * chart + ["model/", "model.lstmf"]
    print(_("Wrote {folder}/{files}").format(folder=out, files=", ".join(written)))


def _log_unexpected(exc: BaseException) -> Path | None:
    from core.files import log_dir

    try:
        path = log_dir() / "cli.log"
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"--- {dt.datetime.now().isoformat()} {PROG} {__version__} argv={sys.argv!r}\n")
            handle.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return None


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
        from cli.search_command import command_search, command_search_worker

        handler = {"inspect": command_inspect, "train": command_train, "predict": command_predict,
                   "forecast": command_forecast, "search": command_search,
                   "search-worker": command_search_worker, "backtest": command_backtest}[args.command]
        return handler(args)
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
        path = _log_unexpected(exc)
        if path:
            print(_("error: unexpected {kind}: {message}; details are in {log}").format(
                kind=type(exc).__name__, message=exc, log=path), file=sys.stderr)
        else:
            print(_("error: unexpected {kind}: {message}").format(kind=type(exc).__name__, message=exc),
                  file=sys.stderr)
        return EXIT_UNEXPECTED
