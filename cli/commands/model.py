"""`predict` and `forecast`: a saved model applied to a CSV, or run past the end of its data."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.exits import EXIT_OK
from cli.parser import add_future_options, add_reading_options, read_table, whole_number
from core.i18n import _, ngettext

FORECAST_COLUMNS = ["time", "step", "predicted", "lower", "upper"]
HANDLERS = {"predict": "command_predict", "forecast": "command_forecast"}  # subcommand -> function


def add_parsers(commands) -> None:
    predict = commands.add_parser("predict", help=_("apply a saved model to a CSV with the same columns"))
    predict.add_argument("--model", required=True, help=_("a saved model: .lstmf file or model folder"))
    add_reading_options(predict)
    predict.add_argument("--forecast-steps", type=whole_number, help=_("future steps after the last row"))
    predict.add_argument("--out", required=True, help=_("CSV to write: time, step, actual, predicted, lower, upper"))

    forecast = commands.add_parser("forecast", help=_("forecast past the end with a saved model"))
    forecast.add_argument("--model", required=True, help=_("a saved model: .lstmf file or model folder"))
    add_reading_options(forecast, csv_required=False)
    forecast.add_argument("--steps", type=whole_number, help=_("steps to forecast (default: as trained)"))
    add_future_options(forecast)
    forecast.add_argument("--out", required=True, help=_("CSV to write: time, step, predicted, lower, upper"))


def write_csv(frame, path: Path, columns: list[str]) -> None:
    """UTF-8 CSV, written atomically so a crash never leaves half a file."""
    from core.files import atomic_write_bytes

    atomic_write_bytes(path, frame[columns].to_csv(index=False).encode("utf-8"))


def command_predict(args: argparse.Namespace) -> int:
    from core.apply import OUTPUT_COLUMNS, predict_table
    from core.files import refuse_overwriting_input
    from core.model.bundle import load_bundle

    refuse_overwriting_input([args.out], [args.csv, args.model])
    bundle = load_bundle(args.model)
    loaded = read_table(args)
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
    from core.apply import forecast_table, future_for
    from core.files import refuse_overwriting_input
    from core.model.bundle import load_bundle
    from core.prep.timeindex import format_time

    refuse_overwriting_input([args.out], [p for p in (args.csv, args.model, args.future) if p])
    bundle = load_bundle(args.model)
    where: dict = {}
    if args.csv:
        loaded = read_table(args)
        where = {"frame": loaded.frame, "date_column": loaded.report.date_column,
                 "date_is_year": loaded.report.date_is_year}
    future = future_for(bundle, args.future, steps=args.steps, sheet=args.future_sheet, **where) \
        if args.future else None
    table = forecast_table(bundle, source=Path(args.csv).name if args.csv else None, steps=args.steps,
                           future=future, **where)
    write_csv(table, Path(args.out), FORECAST_COLUMNS)
    for note in future.notes if future is not None else ():
        print(note)
    print(ngettext("Wrote {file}: {count} step from {start}.", "Wrote {file}: {count} steps from {start}.",
                   len(table)).format(file=args.out, count=len(table), start=format_time(table["time"].iloc[0])),
          bundle.predictor.assumption(args.steps, future))
    return EXIT_OK
