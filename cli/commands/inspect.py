"""`inspect`: how a CSV or a workbook's sheet is read (encoding or sheet, columns, notes), as a table or as JSON."""

from __future__ import annotations

import argparse

from cli.exits import EXIT_OK
from cli.parser import add_reading_options, read_table
from cli.terminal import display_width, fmt, pad
from core.i18n import N_, _, ngettext
from core.numbers import decimals_for

KIND_WORDS = {"numeric": N_("numeric"), "datetime": N_("datetime"), "text": N_("text"), "empty": N_("empty")}
HANDLERS = {"inspect": "command_inspect"}  # subcommand -> function of this module


def add_parsers(commands) -> None:
    inspect = commands.add_parser("inspect", help=_("show how a CSV or a workbook sheet is read"))
    add_reading_options(inspect)
    inspect.add_argument("--json", action="store_true", help=_("print the import report as JSON"))


def command_inspect(args: argparse.Namespace) -> int:
    from core.files import dumps

    loaded = read_table(args)
    report = loaded.report.to_dict()
    if args.json:
        print(dumps(report))
        return EXIT_OK
    delimiter = {"\t": "tab"}.get(report["delimiter"], report["delimiter"])
    if report.get("sheet") is not None:
        print(ngettext("{file}: {rows} row from sheet '{sheet}' ({count} sheets: {sheets}), column names in row "
                       "{header_row}, date column {date_column}",
                       "{file}: {rows} rows from sheet '{sheet}' ({count} sheets: {sheets}), column names in row "
                       "{header_row}, date column {date_column}", report["rows"]).format(
            file=args.csv, rows=report["rows"], sheet=report["sheet"], count=len(report["sheets"]),
            sheets=", ".join(report["sheets"]), header_row=report["header_row"] or _("none"),
            date_column=report["date_column"] or _("none")))
    else:
        print(ngettext("{file}: {rows} row, encoding {encoding}, delimiter {delimiter!r}, decimal {decimal!r}, "
                       "date column {date_column}",
                       "{file}: {rows} rows, encoding {encoding}, delimiter {delimiter!r}, decimal {decimal!r}, "
                       "date column {date_column}", report["rows"]).format(
            file=args.csv, rows=report["rows"], encoding=report["encoding"], delimiter=delimiter,
            decimal=report["decimal"], date_column=report["date_column"] or _("none")))
    heading = _("column"), _("kind"), _("missing"), _("min"), _("max"), _("mean")
    width = max([display_width(str(c["name"])) for c in report["columns"]] + [display_width(heading[0]), 6])
    print("  " + pad(heading[0], width) + "  " + pad(heading[1], 8) + " "
          + " ".join(" " * max(0, w - display_width(h)) + h for h, w in zip(heading[2:], (7, 10, 10, 10))))
    for c in report["columns"]:
        kind = _(KIND_WORDS[c["kind"]]) if c["kind"] in KIND_WORDS else c["kind"]
        places = decimals_for([c["min"], c["max"], c["mean"]])  # one column of the file: one count of decimals
        print(f"  {pad(str(c['name']), width)}  {pad(kind, 8)} {c['missing']:>7} {fmt(c['min'], places):>10} "
              f"{fmt(c['max'], places):>10} {fmt(c['mean'], places):>10}"
              + (f"  ({c['reason']})" if c.get("reason") else ""))
    for note in report["notes"]:
        print(f"  - {note}")
    return EXIT_OK
