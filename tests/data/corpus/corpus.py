"""The corpus of odd and broken CSVs: how each file is made, and what it must read as.

`python tests/data/corpus/corpus.py` (re)writes the files next to this script. Every file is
small and made here byte for byte, so tests/core/test_corpus.py checks the committed files
against `corpus()` and then reads each one through the engine, the CLI and the GUI:

- READ: the file is read, and these are the values it must give (not just its shape);
- REFUSED: the file is refused with one line holding the file's name and these words.

Nothing here imports the app; the tests load this module by path and share `check_table`.
"""

from __future__ import annotations

import random
import zipfile
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent


def text(*rows: str, nl: str = "\n") -> str:
    return nl.join(rows) + nl


def days(n: int, start: int = 1) -> list[str]:
    return [f"2024-01-{d:02d}" for d in range(start, start + n)]


def _xlsx() -> bytes:
    """A real (tiny) zip, as an .xlsx saved with a .csv name is."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in (("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), body)
    return buffer.getvalue()


def corpus() -> dict[str, bytes]:
    rng = random.Random(20240101)
    sales = [100 + 3 * i + (i % 4) for i in range(12)]  # 100, 104, 108, 112, 112, ...
    files: dict[str, bytes] = {}

    # --- refused: nothing to read, or not a CSV at all
    files["empty.csv"] = b""
    files["whitespace_only.csv"] = b"  \r\n\n\t\n \n"
    files["header_only.csv"] = b"date,sales,temperature\r\n"
    files["header_only_bom.csv"] = b"\xef\xbb\xbfdate;sales\r\n\r\n"
    files["binary_junk.csv"] = bytes(rng.randrange(256) for _ in range(4096))
    files["xlsx_renamed.csv"] = _xlsx()
    files["pdf_renamed.csv"] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    files["nul_bytes.csv"] = b"date,sales\n" + b"\x00\x01\x02".join(
        f"{d},{v}\n".encode() for d, v in zip(days(12), sales))
    files["too_few_rows.csv"] = text("date,sales", "2024-01-01,1", "2024-01-02,2").encode()
    files["ragged_rows.csv"] = text("date,sales", "2024-01-01,1", "2024-01-02,2",
                                    "2024-01-03,3,oops,4", "2024-01-04,4").encode()
    files["unclosed_quote.csv"] = text("date,sales,comment", "2024-01-01,1,ok",
                                       '2024-01-02,2,"never closed', "2024-01-03,3,fine",
                                       "2024-01-04,4,fine").encode()

    # --- shapes
    files["one_column.csv"] = text("sales", *map(str, sales)).encode()
    files["no_header.csv"] = text(*(f"{i + 1},{v},{v / 10}" for i, v in enumerate(sales))).encode()
    files["all_text.csv"] = text("name,city,comment", "Alice,Paris,good", "Bob,Berlin,fine",
                                 "Chen,Beijing,great", "Dana,Oslo,ok").encode()
    files["dates_only.csv"] = text("date", *days(6)).encode()
    files["constant_columns.csv"] = text(
        "date,sales,flag,level",
        *(f"{d},{v},1,5.0" for d, v in zip(days(12), sales))).encode()
    files["all_missing_column.csv"] = text(
        "date,sales,empty", *(f"{d},{v}," for d, v in zip(days(6), sales))).encode()
    files["inf_and_huge.csv"] = text(
        "date,value,huge",
        "2024-01-01,1.5,1e300", "2024-01-02,inf,-1e300", "2024-01-03,2.5,1.7976931348623157e308",
        "2024-01-04,-inf,1e-300", "2024-01-05,3.5,1e309", "2024-01-06,Infinity,2e300").encode()
    files["short_for_window.csv"] = text(
        "date,sales", *(f"{d},{v}" for d, v in zip(days(8), sales))).encode()
    files["duplicate_names.csv"] = text(
        "date,sales,sales,Sales,sales_2",
        *(f"{d},{i},{10 * i},{100 * i},{1000 * i}" for i, d in enumerate(days(4), 1))).encode()
    files["short_rows.csv"] = text("date,sales,temperature", "2024-01-01,1,10", "2024-01-02,2",
                                   "2024-01-03,3,30", "2024-01-04,4,40").encode()
    files["trailing_delimiter.csv"] = text(
        "date,sales", *(f"{d},{v}," for d, v in zip(days(4), sales))).encode()
    files["excel_trailing_empty_columns.csv"] = text(
        "date,sales,,,", *(f"{d},{v},,," for d, v in zip(days(4), sales)), nl="\r\n").encode()
    files["spaces_in_header.csv"] = text(
        "  date , sales  ,\ttemperature ",
        *(f"{d},{v},{i}" for i, (d, v) in enumerate(zip(days(4), sales)))).encode()
    files["blank_lines.csv"] = (b"date,sales\n\n2024-01-01,1\n\n\n2024-01-02,2\n ,\n"
                                b"2024-01-03,3\n\n")
    files["wide_500_columns.csv"] = text(
        ",".join(["date"] + [f"c{j}" for j in range(500)]),
        *(",".join([d] + [str(i * 1000 + j) for j in range(500)])
          for i, d in enumerate(days(5)))).encode()

    # --- quoting
    files["quoted_delimiters_newlines.csv"] = (
        b'date,comment,sales\n'
        b'2024-01-01,"plain",1\n'
        b'2024-01-02,"with, commas, inside",2\n'
        b'2024-01-03,"two\nlines",3\n'
        b'2024-01-04,"say ""hi""; then\r\nleave",4\n')
    files["thousands_quoted.csv"] = text(
        "date,revenue", '2024-01-01,"1,234.50"', '2024-01-02,"12,345.25"',
        '2024-01-03,"1,234,567.00"', '2024-01-04,"-2,000.75"').encode()

    # --- numbers
    files["na_tokens.csv"] = text(
        "date,sales", "2024-01-01,10", "2024-01-02,NA", "2024-01-03,n/a", "2024-01-04,#N/A",
        "2024-01-05,-", "2024-01-06,", "2024-01-07,70", "2024-01-08,null").encode()
    files["stray_tokens.csv"] = text(
        "date,sales", *(f"{d},{v}" for d, v in zip(days(6), [1, 2, "n.a.", 4, "?", 6]))).encode()
    files["semicolon_decimal_comma.csv"] = text(
        "Datum;Umsatz (€);Temperatur", "01.02.2024;1.234,5;-3,25", "02.02.2024;1.300,0;-1,5",
        "03.02.2024;987,25;0,5", "04.02.2024;1.001,75;2,0", nl="\r\n").encode("cp1252")

    # --- delimiters and line endings
    files["tab_separated.tsv"] = text(
        "date\tsales\ttemperature", *(f"{d}\t{v}\t{i / 2}" for i, (d, v) in
                                      enumerate(zip(days(5), sales)))).encode()
    files["pipes.csv"] = text(
        "date|sales|temperature", *(f"{d}|{v}|{-i}" for i, (d, v) in
                                    enumerate(zip(days(5), sales)))).encode()
    files["excel_sep_line.csv"] = text(
        "sep=;", "date;sales", *(f"{d};{v}" for d, v in zip(days(4), sales))).encode()
    files["cr_line_endings.csv"] = text(
        "date,sales", *(f"{d},{v}" for d, v in zip(days(4), sales)), nl="\r").encode()

    # --- dates
    files["mixed_date_formats.csv"] = text(
        "date,sales", "2024/1/5,1", "2024-01-06,2", "2024-01-07 00:00:00,3", "2024/01/08,4",
        "2024-1-9,5").encode()
    files["day_first_dates.csv"] = text(
        "date,sales", "11/01/2024,1", "12/01/2024,2", "13/01/2024,3", "14/01/2024,4",
        "01/02/2024,5").encode()
    files["time_zones.csv"] = text(
        "timestamp,load", "2024-03-30T23:00:00+01:00,1", "2024-03-31T00:00:00+01:00,2",
        "2024-03-31T03:00:00+02:00,3", "2024-03-31T02:00:00Z,4").encode()
    files["unsorted_duplicates.csv"] = text(
        "date,sales", "2024-01-03,3", "2024-01-01,1", "2024-01-02,2", "2024-01-04,4",
        "2024-01-02,22").encode()
    files["integer_years.csv"] = text(
        "year,output", *(f"{y},{y - 1900}" for y in range(1990, 2002))).encode()

    # --- encodings
    zh = text("日期,销售额,温度,门店", *(f"{d},{v},{i / 2},北京店" for i, (d, v) in
                                       enumerate(zip(days(5), sales))))
    files["gbk.csv"] = zh.encode("gbk")
    # '𠮷' (U+20BB7) is a four-byte GB18030 code, outside GBK; '€' is A2E3 (GBK has 80)
    files["gb18030.csv"] = text("日期,销售额,备注", *(f"{d},{v},吉𠮷€" for d, v in
                                                    zip(days(5), sales))).encode("gb18030")
    files["utf8_bom.csv"] = ("\ufeff" + text("Datum,Umsatz (€),Stadt",
                                             *(f"{d},{v},Köln" for d, v in
                                               zip(days(4), sales)), nl="\r\n")).encode("utf-8")
    files["utf16_le_bom_tab.txt"] = ("\ufeff" + text(
        "date\tsales\tcity", *(f"{d}\t{v}\tZürich" for d, v in zip(days(4), sales)),
        nl="\r\n")).encode("utf-16-le")
    files["utf16_be_bom.csv"] = ("\ufeff" + text(
        "date,sales", *(f"{d},{v}" for d, v in zip(days(4), sales)))).encode("utf-16-be")
    # --- values written for people (issue 15): read as the numbers they show, never dropped
    files["accounting_negatives.csv"] = text(
        "date,profit", "2024-01-01,100.25", "2024-01-02,(100.25)", "2024-01-03,50",
        '2024-01-04,"(1,200.50)"', "2024-01-05,75").encode()
    files["currency_and_percent.csv"] = text(
        "date,price,rate", "2024-01-01,$100,9.6%", "2024-01-02,101,9.7%", "2024-01-03,$102.50,9.8%",
        "2024-01-04,-$3,10%", "2024-01-05,104,10.5%").encode()
    files["repeated_header.csv"] = text(
        "sales,temperature", "1,10", "2,20", "3,30", "sales,temperature", "4,40", "5,50").encode()
    files["mixed_time_zones.csv"] = text(
        "timestamp,load", "2024-03-30T23:00:00+01:00,1", "2024-03-31T00:00:00,2",
        "2024-03-31T01:00:00+01:00,3", "2024-03-31T02:00:00,4").encode()
    files["cp1252.csv"] = text("Datum,Umsatz €,Straße", *(f"{d},{v},Königsallee" for d, v in
                                                        zip(days(4), sales))).encode("cp1252")
    return files


SALES = [100.0, 104.0, 108.0, 112.0, 112.0, 116.0, 120.0, 124.0, 124.0, 128.0, 132.0, 136.0]
DAYS = [f"2024-01-{d:02d}" for d in range(1, 13)]

# name -> the words of the one-line refusal (the file's name is always in it too)
REFUSED = {
    "empty.csv": "is empty",
    "whitespace_only.csv": "is empty",
    "header_only.csv": "has column names but no data rows",
    "header_only_bom.csv": "has column names but no data rows",
    "binary_junk.csv": "binary data",
    "xlsx_renamed.csv": "Excel workbook",
    "pdf_renamed.csv": "PDF document",
    "nul_bytes.csv": "binary data",
    "too_few_rows.csv": "at least 3 are needed",
    "ragged_rows.csv": "line 4 has 4 fields but the header has 2",
    "unclosed_quote.csv": "starting on line 3 is never closed",
    "mixed_time_zones.csv": "mixes times with a time zone",
}

# name -> what reading it must give. Keys: encoding, delimiter, decimal, date (the date
# column or None), rows, columns (all, in order), dates (first values of the date column),
# values (numeric columns: every value, after filling), text (text columns: every value),
# unusable (numeric column -> reason), notes (fragments that must appear in the notes).
READ = {
    "one_column.csv": dict(delimiter=",", date=None, rows=12, columns=["sales"],
                           values={"sales": SALES}, notes=["single column"]),
    "no_header.csv": dict(date=None, rows=12, columns=["column_1", "column_2", "column_3"],
                          values={"column_1": [float(i) for i in range(1, 13)], "column_2": SALES,
                                  "column_3": [v / 10 for v in SALES]},
                          notes=["not column names"]),
    "all_text.csv": dict(date=None, rows=4, columns=["name", "city", "comment"], values={},
                         text={"name": ["Alice", "Bob", "Chen", "Dana"],
                               "city": ["Paris", "Berlin", "Beijing", "Oslo"]}),
    "dates_only.csv": dict(date="date", rows=6, columns=["date"], dates=DAYS[:6], values={}),
    "constant_columns.csv": dict(date="date", rows=12, dates=DAYS,
                                 values={"sales": SALES, "flag": [1.0] * 12, "level": [5.0] * 12}),
    "all_missing_column.csv": dict(rows=6, columns=["date", "sales", "empty"],
                                   values={"sales": SALES[:6]}, unusable={"empty": "no values"}),
    "inf_and_huge.csv": dict(rows=6, values={
        "value": [1.5, 2.0, 2.5, 3.0, 3.5, 3.5],  # inf, -inf, Infinity: missing, then filled
        "huge": [1e300, -1e300, 1.7976931348623157e308, 1e-300, 1e300, 2e300]},
        notes=["Column 'value': treated 3 infinite values",
               "Column 'huge': treated 1 infinite value ('inf', or a number past 1.8e308)"]),
    "short_for_window.csv": dict(rows=8, dates=DAYS[:8], values={"sales": SALES[:8]}),
    "duplicate_names.csv": dict(rows=4, columns=["date", "sales", "sales_3", "Sales", "sales_2"],
                                values={"sales": [1.0, 2.0, 3.0, 4.0],
                                        "sales_3": [10.0, 20.0, 30.0, 40.0],
                                        "Sales": [100.0, 200.0, 300.0, 400.0],
                                        "sales_2": [1000.0, 2000.0, 3000.0, 4000.0]},
                                notes=["'sales' -> 'sales_3'"]),
    "short_rows.csv": dict(rows=4, values={"sales": [1.0, 2.0, 3.0, 4.0],
                                           "temperature": [10.0, 20.0, 30.0, 40.0]},
                           notes=["Filled 1 missing value in 'temperature'"]),
    "trailing_delimiter.csv": dict(rows=4, columns=["date", "sales"], values={"sales": SALES[:4]},
                                   notes=["extra delimiter at the end"]),
    "excel_trailing_empty_columns.csv": dict(rows=4, columns=["date", "sales"],
                                             values={"sales": SALES[:4]},
                                             notes=["Dropped 3 empty columns without a name"]),
    "spaces_in_header.csv": dict(rows=4, columns=["date", "sales", "temperature"],
                                 values={"sales": SALES[:4], "temperature": [0.0, 1.0, 2.0, 3.0]},
                                 notes=["Removed spaces around 3 column names"]),
    "blank_lines.csv": dict(rows=3, dates=DAYS[:3], values={"sales": [1.0, 2.0, 3.0]}),
    "wide_500_columns.csv": dict(rows=5, values={
        "c0": [0.0, 1000.0, 2000.0, 3000.0, 4000.0],
        "c499": [499.0, 1499.0, 2499.0, 3499.0, 4499.0]}, width=501),
    "quoted_delimiters_newlines.csv": dict(
        rows=4, columns=["date", "comment", "sales"], values={"sales": [1.0, 2.0, 3.0, 4.0]},
        text={"comment": ["plain", "with, commas, inside", "two\nlines",
                          'say "hi"; then\r\nleave']}),
    "thousands_quoted.csv": dict(rows=4, values={"revenue": [1234.5, 12345.25, 1234567.0,
                                                             -2000.75]},
                                 notes=["',' as a thousands separator"]),
    "na_tokens.csv": dict(rows=8, values={"sales": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0,
                                                    70.0]},
                          notes=["Filled 6 missing values in 'sales'"]),
    "stray_tokens.csv": dict(rows=6, values={"sales": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]},
                             notes=["treated 2 values that are not a number as missing"]),
    "semicolon_decimal_comma.csv": dict(
        encoding="cp1252", delimiter=";", decimal=",", date="Datum", rows=4,
        dates=["2024-02-01", "2024-02-02", "2024-02-03", "2024-02-04"],
        values={"Umsatz (€)": [1234.5, 1300.0, 987.25, 1001.75],
                "Temperatur": [-3.25, -1.5, 0.5, 2.0]}),
    "tab_separated.tsv": dict(delimiter="\t", rows=5, values={
        "sales": SALES[:5], "temperature": [0.0, 0.5, 1.0, 1.5, 2.0]}),
    "pipes.csv": dict(delimiter="|", rows=5, values={
        "sales": SALES[:5], "temperature": [0.0, -1.0, -2.0, -3.0, -4.0]}),
    "excel_sep_line.csv": dict(delimiter=";", rows=4, values={"sales": SALES[:4]},
                               notes=["'sep=;'"]),
    "cr_line_endings.csv": dict(rows=4, dates=DAYS[:4], values={"sales": SALES[:4]}),
    "mixed_date_formats.csv": dict(rows=5, dates=DAYS[4:9],
                                   values={"sales": [1.0, 2.0, 3.0, 4.0, 5.0]}),
    "day_first_dates.csv": dict(rows=5, dates=["2024-01-11", "2024-01-12", "2024-01-13",
                                               "2024-01-14", "2024-02-01"],
                                values={"sales": [1.0, 2.0, 3.0, 4.0, 5.0]},
                                notes=["day-first"]),
    "time_zones.csv": dict(date="timestamp", rows=4,
                           dates=["2024-03-30 22:00", "2024-03-30 23:00", "2024-03-31 01:00",
                                  "2024-03-31 02:00"],
                           values={"load": [1.0, 2.0, 3.0, 4.0]}, notes=["converted them to UTC"]),
    "unsorted_duplicates.csv": dict(rows=4, dates=DAYS[:4], values={"sales": [1.0, 22.0, 3.0, 4.0]},
                                    notes=["Sorted the 5 rows by date",
                                           "Dropped 1 row with duplicate timestamps"]),
    "integer_years.csv": dict(date="year", rows=12,
                              dates=[f"{y}-01-01" for y in range(1990, 2002)],
                              values={"output": [float(y) for y in range(90, 102)]}),
    "gbk.csv": dict(encoding="gb18030", date="日期", rows=5,
                    columns=["日期", "销售额", "温度", "门店"],
                    values={"销售额": SALES[:5], "温度": [0.0, 0.5, 1.0, 1.5, 2.0]},
                    text={"门店": ["北京店"] * 5}),
    "gb18030.csv": dict(encoding="gb18030", date="日期", rows=5, values={"销售额": SALES[:5]},
                        text={"备注": ["吉𠮷€"] * 5}),
    "utf8_bom.csv": dict(encoding="utf-8-sig", date="Datum", rows=4,
                         values={"Umsatz (€)": SALES[:4]}, text={"Stadt": ["Köln"] * 4}),
    "utf16_le_bom_tab.txt": dict(encoding="utf-16", delimiter="\t", rows=4,
                                 values={"sales": SALES[:4]}, text={"city": ["Zürich"] * 4}),
    "utf16_be_bom.csv": dict(encoding="utf-16", rows=4, values={"sales": SALES[:4]}),
    "accounting_negatives.csv": dict(rows=5, values={"profit": [100.25, -100.25, 50.0, -1200.5, 75.0]},
                                     notes=["read 2 values in parentheses as negative numbers"]),
    "currency_and_percent.csv": dict(rows=5, values={"price": [100.0, 101.0, 102.5, -3.0, 104.0],
                                                     "rate": [9.6, 9.7, 9.8, 10.0, 10.5]},
                                     notes=["read 3 values with a currency symbol",
                                            "read 5 values with '%' as numbers of percent"]),
    "repeated_header.csv": dict(date=None, rows=5, values={"sales": [1.0, 2.0, 3.0, 4.0, 5.0],
                                                           "temperature": [10.0, 20.0, 30.0, 40.0, 50.0]},
                                notes=["Dropped 1 row that repeats the column names (line 5)"]),
    "cp1252.csv": dict(encoding="cp1252", date="Datum", rows=4, values={"Umsatz €": SALES[:4]},
                       text={"Straße": ["Königsallee"] * 4}),
}
DEFAULTS = dict(encoding="utf-8", delimiter=",", decimal=".", date="date")


def expected(name: str) -> dict:
    """READ[name] with the defaults filled in."""
    return DEFAULTS | READ[name]


def check_table(loaded, name: str) -> None:
    """Asserts that `loaded` (a LoadedTable) holds what READ says for `name`."""
    import numpy as np
    import pandas as pd
    import pytest

    want = expected(name)
    report, frame = loaded.report, loaded.frame
    assert report.encoding == want["encoding"]
    assert report.delimiter == want["delimiter"]
    assert report.decimal == want["decimal"]
    assert report.date_column == want["date"]
    assert report.rows == want["rows"] == len(frame)
    if "columns" in want:
        assert list(frame.columns) == want["columns"]
    if "width" in want:
        assert frame.shape[1] == want["width"]
    if want["date"] is not None:
        stamps = [pd.Timestamp(t) for t in want.get("dates", [])]
        assert list(frame[want["date"]].iloc[:len(stamps)]) == stamps
    for column, values in want["values"].items():
        assert frame[column].dtype == np.float64, column
        assert frame[column].tolist() == pytest.approx(values, rel=1e-12), column
    if "width" not in want:  # all numeric columns are listed, except in the 500-column file
        assert sorted(report.numeric_columns()) == sorted(want["values"])
    for column, values in want.get("text", {}).items():
        assert report.column(column).kind == "text"
        assert frame[column].tolist() == values, column
    for column, reason in want.get("unusable", {}).items():
        info = report.column(column)
        assert not info.usable and reason in info.reason
    notes = " | ".join(report.notes)
    for fragment in want.get("notes", []):
        assert fragment in notes, (fragment, notes)


def main() -> None:
    for name, data in corpus().items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(corpus())} files to {HERE}")


if __name__ == "__main__":
    main()
