"""`report`: one HTML or PDF file from a saved model, scored on a CSV when one is given."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.exits import EXIT_OK
from cli.parser import add_reading_options, read_table
from core.i18n import _

HANDLERS = {"report": "command_report"}  # subcommand -> function of this module


def add_parsers(commands) -> None:
    report = commands.add_parser("report", help=_("write a report (HTML or PDF) of a saved model"))
    report.add_argument("--model", required=True, help=_("a saved model: .lstmf file or model folder"))
    add_reading_options(report, csv_required=False)
    for action in report._actions:  # the CSV means something else here than for `forecast`
        if action.dest == "csv":
            action.help = _("score the model on this CSV and forecast after its last row (default: what the "
                            "model file holds)")
    report.add_argument("--out", required=True,
                        help=_("the report to write: .html (one self-contained file) or .pdf"))


def command_report(args: argparse.Namespace) -> int:
    from core.files import file_sha256, refuse_overwriting_input
    from core.model.bundle import load_bundle
    from core.report import check_suffix, from_bundle
    from core.report.output import write_report

    check_suffix(Path(args.out).suffix)  # before the model is read: a wrong name costs nothing
    refuse_overwriting_input([args.out], [p for p in (args.csv, args.model) if p])
    bundle = load_bundle(args.model)
    if args.csv:
        loaded = read_table(args)
        content = from_bundle(bundle, args.model, loaded, args.csv, loaded.sha256 or file_sha256(args.csv))
    else:
        content = from_bundle(bundle, args.model)
    write_report(content, args.out)
    print(_("Wrote {file}.").format(file=args.out))
    return EXIT_OK
