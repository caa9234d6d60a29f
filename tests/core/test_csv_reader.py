"""core.data.csv_reader: CSVs as they come from Excel and other tools.

Most files are written inside the tests (so encodings are exact); the real series are
small copies in tests/data.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.data.csv_reader import AUTO, MIN_ROWS, detect_decimal, detect_delimiter, read_csv
from core.data.options import ReadOptions
from core.errors import DataError, ForecasterError

CSV_DIR = Path(__file__).resolve().parents[1] / "data"


def write(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def col(frame: pd.DataFrame, name: str) -> list:
    return frame[name].tolist()


# --------------------------------------------------------------------------- real files


def test_lynx_integer_year_column_becomes_dates():
    loaded = read_csv(CSV_DIR / "lynx.csv")
    report, frame = loaded.report, loaded.frame
    assert report.date_column == "year"
    assert report.date_is_year is True
    assert report.rows == report.rows_read == 114
    assert frame["year"].iloc[0] == ts("1821-01-01")
    assert frame["year"].iloc[-1] == ts("1934-01-01")
    assert frame["trappings"].iloc[:3].tolist() == [269.0, 321.0, 585.0]
    assert report.numeric_columns() == ["trappings"]
    year = report.columns[0]
    assert (year.kind, year.usable, year.reason) == ("datetime", False, "the date column")


def test_heartrate_integer_counter_is_not_a_date():
    loaded = read_csv(CSV_DIR / "heartrate.csv")
    report = loaded.report
    assert report.date_column is None
    assert report.date_is_year is False
    assert report.numeric_columns() == ["t_half_seconds", "bpm"]
    assert loaded.frame["t_half_seconds"].iloc[:3].tolist() == [0.0, 1.0, 2.0]
    assert loaded.frame["bpm"].iloc[2] == pytest.approx(84.0619)
    assert any("No date column found" in n for n in report.notes)


def test_ausbeer_quarter_dates_and_missing_last_value_takes_nearest():
    loaded = read_csv(CSV_DIR / "ausbeer.csv")
    report, frame = loaded.report, loaded.frame
    assert report.date_column == "quarter"
    assert frame["quarter"].iloc[1] == ts("1956-04-01")
    assert frame["quarter"].iloc[-1] == ts("2008-10-01")
    # the file's last row has no value: the edge takes the nearest one (2008-07-01: 410.0)
    assert frame["megalitres"].iloc[-1] == 410.0
    assert report.filled == {"megalitres": 1}
    assert report.column("megalitres").missing == 1


def test_frame_shape_and_dtypes():
    frame = read_csv(CSV_DIR / "ausbeer.csv").frame
    assert isinstance(frame.index, pd.RangeIndex)
    assert frame.index[0] == 0 and frame.index[-1] == len(frame) - 1
    assert pd.api.types.is_datetime64_dtype(frame["quarter"])
    assert frame["quarter"].dt.tz is None
    assert frame["megalitres"].dtype == np.float64
    assert frame["megalitres"].notna().all()


# --------------------------------------------------------------------------- encodings

GBK_TEXT = (
    "日期,销售额,地区\n"
    "2024-01-01,100.5,北京\n"
    "2024-01-02,101.25,上海\n"
    "2024-01-03,99.75,广州\n"
    "2024-01-04,102.0,深圳\n"
)


def test_gbk_file_with_chinese_header_and_values(tmp_path):
    path = write(tmp_path, GBK_TEXT, "销售.csv", encoding="gbk")
    loaded = read_csv(path)
    report, frame = loaded.report, loaded.frame
    assert report.encoding == "gb18030"
    assert list(frame.columns) == ["日期", "销售额", "地区"]
    assert frame["销售额"].iloc[0] == 100.5
    assert col(frame, "地区") == ["北京", "上海", "广州", "深圳"]
    assert report.date_column == "日期"
    assert "Encoding detected as GB18030 (Chinese)." in report.notes
    assert report.numeric_columns() == ["销售额"]
    assert report.column("地区").reason == "text values such as '北京'"
    # Chinese names survive the JSON report
    assert json.loads(json.dumps(report.to_dict(), ensure_ascii=False))["date_column"] == "日期"


def test_cp1252_file_is_not_mistaken_for_chinese(tmp_path):
    text = (
        "Datum;Stadt;Umsatz;Währung\n"
        "01.02.2024;Köln;1.234,5;€\n"
        "02.02.2024;Zürich;2.000,25;€\n"
        "03.02.2024;München;999,5;€\n"
        "04.02.2024;Düsseldorf;1.500;€\n"
    )
    loaded = read_csv(write(tmp_path, text, encoding="cp1252"))
    report, frame = loaded.report, loaded.frame
    assert report.encoding == "cp1252"
    assert list(frame.columns) == ["Datum", "Stadt", "Umsatz", "Währung"]
    assert col(frame, "Stadt") == ["Köln", "Zürich", "München", "Düsseldorf"]
    assert frame["Währung"].iloc[0] == "€"
    assert (report.delimiter, report.decimal, report.thousands) == (";", ",", ".")
    assert col(frame, "Umsatz") == [1234.5, 2000.25, 999.5, 1500.0]
    # '.'-separated dates are read as dates, not as the number 1022024
    assert col(frame, "Datum") == [ts("2024-02-01"), ts("2024-02-02"), ts("2024-02-03"),
                                   ts("2024-02-04")]


CITIES = "date,value,city\n2024-01-01,1,Zürich\n2024-01-02,2,Genève\n2024-01-03,3,Bern\n"
# (text, encoding written, encoding reported, delimiter, columns, the column checked, its values)
ENCODED = {
    "utf8_with_bom": (CITIES, "utf-8-sig", "utf-8-sig", ",", ["date", "value", "city"], "city",
                      ["Zürich", "Genève", "Bern"]),
    "utf8_without_bom": (CITIES, "utf-8", "utf-8", ",", ["date", "value", "city"], "city",
                         ["Zürich", "Genève", "Bern"]),
    # Excel's "Unicode text" export: UTF-16 with BOM, tab-separated
    "utf16_with_bom_tab_separated": ("日期\t销售额\n2024-01-01\t10.5\n2024-01-02\t11.5\n2024-01-03\t12.5\n",
                                     "utf-16", "utf-16", "\t", ["日期", "销售额"], "销售额", [10.5, 11.5, 12.5]),
    "utf16_without_bom": ("date\tv\n2024-01-01\t1\n2024-01-02\t2\n2024-01-03\t3\n", "utf-16-le", "utf-16-le",
                          "\t", ["date", "v"], "v", [1.0, 2.0, 3.0]),
}


@pytest.mark.parametrize("case", sorted(ENCODED))
def test_unicode_encodings(tmp_path, case):
    text, written, reported, delimiter, columns, checked, values = ENCODED[case]
    loaded = read_csv(write(tmp_path, text, encoding=written))
    assert loaded.report.encoding == reported
    assert loaded.report.delimiter == delimiter
    assert list(loaded.frame.columns) == columns
    assert loaded.report.date_column == columns[0]
    assert col(loaded.frame, checked) == values


def test_decode_error_past_the_sample_triggers_redetection(tmp_path):
    # 64 KB+ of plain ASCII, then cp1252 bytes: the sample says UTF-8, the full read fails,
    # so the whole file is re-detected and read again.
    lines = ["date,city,value"]
    start = pd.Timestamp("2000-01-01")
    for i in range(4000):
        lines.append(f"{(start + pd.Timedelta(days=i)).date()},Bern,{i}")
    lines.append(f"{(start + pd.Timedelta(days=4000)).date()},Köln,4000")
    path = write(tmp_path, "\n".join(lines) + "\n", encoding="cp1252")
    assert path.stat().st_size > 70_000
    loaded = read_csv(path)
    assert loaded.report.encoding == "cp1252"
    assert loaded.frame["city"].iloc[-1] == "Köln"
    assert loaded.frame["value"].iloc[-1] == 4000.0
    assert any("later bytes" in n for n in loaded.report.notes)


def test_user_encoding_override(tmp_path):
    path = write(tmp_path, "a;b\n1;Köln\n2;Zürich\n3;Bern\n", encoding="latin-1")
    loaded = read_csv(path, encoding="latin-1")
    assert loaded.report.encoding == "iso8859-1"
    assert loaded.frame["b"].iloc[0] == "Köln"
    assert any("your choice" in n for n in loaded.report.notes)


def test_wrong_user_encoding_is_a_data_error(tmp_path):
    path = write(tmp_path, GBK_TEXT, "gbk.csv", encoding="gbk")
    with pytest.raises(DataError, match="gbk.csv"):
        read_csv(path, encoding="utf-8")
    with pytest.raises(DataError, match="Unknown encoding"):
        read_csv(path, encoding="no-such-codec")


# --------------------------------------------------------------------------- delimiters & numbers


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(tmp_path, delimiter):
    rows = [["date", "sales", "region"], ["2024-01-01", "1.5", "north"],
            ["2024-01-02", "2.5", "south"], ["2024-01-03", "3.5", "east"]]
    text = "\n".join(delimiter.join(r) for r in rows) + "\n"
    loaded = read_csv(write(tmp_path, text))
    assert loaded.report.delimiter == delimiter
    assert list(loaded.frame.columns) == ["date", "sales", "region"]
    assert col(loaded.frame, "sales") == [1.5, 2.5, 3.5]
    assert loaded.report.column("region").reason == "text values such as 'north'"


def test_one_column_file_is_not_split_on_a_letter(tmp_path):
    text = "consumption\n" + "".join(f"{v}\n" for v in [10, 12, 11, 13, 14])
    loaded = read_csv(write(tmp_path, text))
    assert loaded.report.delimiter == ","
    assert list(loaded.frame.columns) == ["consumption"]
    assert col(loaded.frame, "consumption") == [10.0, 12.0, 11.0, 13.0, 14.0]
    assert detect_delimiter("name\nnnn\nann\nnan n\n") is None


def test_semicolon_decimal_comma_thousands_dot(tmp_path):
    text = ("datum;wert\n01.02.2024;1.234,5\n02.02.2024;-0,25\n03.02.2024;12\n"
            "04.02.2024;1.000.000,75\n")
    loaded = read_csv(write(tmp_path, text))
    report = loaded.report
    assert (report.delimiter, report.decimal, report.thousands) == (";", ",", ".")
    assert col(loaded.frame, "wert") == [1234.5, -0.25, 12.0, 1000000.75]
    assert report.date_column == "datum"
    assert loaded.frame["datum"].iloc[0] == ts("2024-02-01")


def test_thousands_separators_in_quoted_numbers(tmp_path):
    text = ('date,sales,units\n2024-01-01,"1,234.5",3\n2024-01-02,"12,000.25",4\n'
            '2024-01-03,"987.5",5\n2024-01-04,"1,000,000",6\n')
    loaded = read_csv(write(tmp_path, text))
    assert (loaded.report.decimal, loaded.report.thousands) == (".", ",")
    assert col(loaded.frame, "sales") == [1234.5, 12000.25, 987.5, 1000000.0]
    assert col(loaded.frame, "units") == [3.0, 4.0, 5.0, 6.0]


def test_user_decimal_and_delimiter_override(tmp_path):
    # '1,500' alone is ambiguous; the user says it's a decimal comma
    text = "x|y\n1,500|a\n2,250|b\n3,125|c\n"
    loaded = read_csv(write(tmp_path, text), delimiter="|", decimal=",", date_column=None)
    assert (loaded.report.delimiter, loaded.report.decimal) == ("|", ",")
    assert col(loaded.frame, "x") == [1.5, 2.25, 3.125]


def test_detect_decimal_votes():
    assert detect_decimal(["1,5", "2,25", "3"], ";")[:2] == (",", None)
    assert detect_decimal(["1.5", "2.25", "3"], ",")[:2] == (".", None)
    assert detect_decimal(["1.234,5", "7"], ";")[:2] == (",", ".")
    assert detect_decimal(["1,234.5", "7"], ",")[:2] == (".", ",")
    assert detect_decimal(["01.02.2024", "2024-01-01"], ";")[:2] == (".", None)


def test_sep_line_from_excel(tmp_path):
    text = "sep=;\nday;value\n2024-01-01;1\n2024-01-02;2\n2024-01-03;3\n"
    loaded = read_csv(write(tmp_path, text))
    assert loaded.report.delimiter == ";"
    assert list(loaded.frame.columns) == ["day", "value"]
    assert col(loaded.frame, "value") == [1.0, 2.0, 3.0]


def test_stray_token_past_the_sample_in_a_decimal_comma_file(tmp_path):
    # the sample (first 64 KB) is clean; the stray token comes later, so pandas returns
    # the column as strings and the reader converts it with the file's separators
    start = pd.Timestamp("2020-01-01")
    lines = ["zeit;wert"]
    for i in range(6000):
        value = "kaputt" if i == 5000 else f"{i},5"
        lines.append(f"{(start + pd.Timedelta(hours=i)):%Y-%m-%d %H:%M};{value}")
    path = write(tmp_path, "\n".join(lines) + "\n")
    assert path.stat().st_size > 70_000
    loaded = read_csv(path)
    frame, report = loaded.frame, loaded.report
    assert (report.delimiter, report.decimal) == (";", ",")
    assert frame["wert"].iloc[4999] == 4999.5
    assert frame["wert"].iloc[5000] == pytest.approx(5000.5)   # interpolated in time
    assert frame["wert"].iloc[5001] == 5001.5
    assert report.filled == {"wert": 1}
    assert any("Column 'wert': treated 1 value that is not a number as missing (e.g. 'kaputt')"
               in n for n in report.notes)


def test_file_without_header_row(tmp_path):
    loaded = read_csv(write(tmp_path, "1821,269\n1822,321\n1823,585\n"))
    assert list(loaded.frame.columns) == ["column_1", "column_2"]
    assert loaded.report.date_column == "column_1" and loaded.report.date_is_year
    assert col(loaded.frame, "column_2") == [269.0, 321.0, 585.0]


# --------------------------------------------------------------------------- missing values


def test_na_tokens_become_missing_and_are_filled_by_time(tmp_path):
    # dates are unevenly spaced, so time-weighted interpolation differs from by-row
    text = (
        "date,a,b\n"
        "2024-01-01,10,0\n"
        "2024-01-02,,NA\n"
        "2024-01-04,N/A,n/a\n"
        "2024-01-05,50,-\n"
        "2024-01-06,null,8\n"
        "2024-01-10,100,9\n"
    )
    loaded = read_csv(write(tmp_path, text))
    report, frame = loaded.report, loaded.frame
    # a: 10 on Jan 1 and 50 on Jan 5 -> 10 per day; Jan 6 lies between 50 (5th) and 100 (10th)
    assert col(frame, "a") == pytest.approx([10, 20, 40, 50, 60, 100])
    # b: 0 on Jan 1 and 8 on Jan 6 -> 1.6 per day
    assert col(frame, "b") == pytest.approx([0, 1.6, 4.8, 6.4, 8, 9])
    assert report.filled == {"a": 3, "b": 3}
    assert report.column("a").missing == 3
    assert "Filled 3 missing values in 'a' by time-weighted interpolation." in report.notes
    # statistics describe the values before filling
    assert report.column("a").mean == pytest.approx((10 + 50 + 100) / 3)
    assert (report.column("a").min, report.column("a").max) == (10.0, 100.0)


def test_missing_values_at_the_edges_take_the_nearest_value(tmp_path):
    text = "date,v\n2024-01-01,\n2024-01-02,5\n2024-01-03,\n2024-01-04,7\n2024-01-05,NA\n"
    loaded = read_csv(write(tmp_path, text))
    assert col(loaded.frame, "v") == [5.0, 5.0, 6.0, 7.0, 7.0]
    assert loaded.report.filled == {"v": 3}
    assert any("1 by time-weighted interpolation, 2 at the start or end" in n
               for n in loaded.report.notes)


def test_without_date_column_filling_is_linear_by_row(tmp_path):
    text = "x,y\n1,label\n,label\n,label\n7,label\n"
    loaded = read_csv(write(tmp_path, text))
    assert loaded.report.date_column is None
    assert col(loaded.frame, "x") == [1.0, 3.0, 5.0, 7.0]
    assert loaded.report.filled == {"x": 2}


def test_stray_tokens_in_numeric_column_are_missing_and_reported(tmp_path):
    rows = [f"2024-01-{d:02d},{v},{t}" for d, v, t in
            [(1, "1", "north"), (2, "2", "south"), (3, "error", "east"), (4, "4", "west"),
             (5, "5", "north"), (6, "6", "south"), (7, "?", "east"), (8, "8", "west")]]
    loaded = read_csv(write(tmp_path, "date,sales,region\n" + "\n".join(rows) + "\n"))
    report, frame = loaded.report, loaded.frame
    assert col(frame, "sales") == [1, 2, 3, 4, 5, 6, 7, 8]
    assert report.column("sales").kind == "numeric"
    assert report.column("sales").missing == 2
    note = next(n for n in report.notes if n.startswith("Column 'sales'"))
    assert "2 values" in note and "'error'" in note
    assert report.column("region").kind == "text"
    assert report.column("region").usable is False
    assert report.numeric_columns() == ["sales"]


def test_entirely_missing_column_is_numeric_without_values(tmp_path):
    text = "date,v,empty\n2024-01-01,1,\n2024-01-02,2,NA\n2024-01-03,3,\n"
    loaded = read_csv(write(tmp_path, text))
    info = loaded.report.column("empty")
    assert (info.kind, info.usable, info.reason, info.missing) == ("numeric", False, "no values", 3)
    assert loaded.report.numeric_columns() == ["v"]
    assert loaded.frame["empty"].isna().all()


# --------------------------------------------------------------------------- dates


def test_day_first_from_the_data(tmp_path):
    text = "date,v\n12/01/2024,1\n13/01/2024,2\n14/01/2024,3\n15/01/2024,4\n"
    loaded = read_csv(write(tmp_path, text))
    assert col(loaded.frame, "date") == [ts("2024-01-12"), ts("2024-01-13"), ts("2024-01-14"),
                                         ts("2024-01-15")]
    assert any("day-first" in n for n in loaded.report.notes)


def test_month_first_from_the_data(tmp_path):
    text = "date,v\n01/12/2024,1\n01/13/2024,2\n01/14/2024,3\n"
    loaded = read_csv(write(tmp_path, text))
    assert col(loaded.frame, "date") == [ts("2024-01-12"), ts("2024-01-13"), ts("2024-01-14")]


def test_ambiguous_day_month_keeps_rows_in_sequence(tmp_path):
    # every value fits both orders; only day-first keeps the rows in sequence
    text = "date,v\n11/01/2024,1\n12/01/2024,2\n01/02/2024,3\n02/02/2024,4\n"
    loaded = read_csv(write(tmp_path, text))
    assert col(loaded.frame, "date") == [ts("2024-01-11"), ts("2024-01-12"), ts("2024-02-01"),
                                         ts("2024-02-02")]
    assert col(loaded.frame, "v") == [1.0, 2.0, 3.0, 4.0]
    assert loaded.report.sorted_by_date is False
    assert any("keeps the rows in sequence" in n for n in loaded.report.notes)


def test_mixed_date_formats(tmp_path):
    text = "date,v\n2024/1/5,1\n2024-01-06,2\n2024-01-07 00:00:00,3\n2024/01/08,4\n"
    loaded = read_csv(write(tmp_path, text))
    assert col(loaded.frame, "date") == [ts("2024-01-05"), ts("2024-01-06"), ts("2024-01-07"),
                                         ts("2024-01-08")]


def test_unsorted_rows_are_sorted_with_their_values(tmp_path):
    text = "date,v,tag\n2024-01-03,3,c\n2024-01-01,1,a\n2024-01-04,4,d\n2024-01-02,2,b\n"
    loaded = read_csv(write(tmp_path, text))
    frame = loaded.frame
    assert loaded.report.sorted_by_date is True
    assert col(frame, "date") == [ts(f"2024-01-0{d}") for d in (1, 2, 3, 4)]
    assert col(frame, "v") == [1.0, 2.0, 3.0, 4.0]
    assert col(frame, "tag") == ["a", "b", "c", "d"]
    assert isinstance(frame.index, pd.RangeIndex) and list(frame.index) == [0, 1, 2, 3]
    assert any(n.startswith("Sorted the 4 rows by date because 2 rows were out of order")
               for n in loaded.report.notes)


def test_duplicate_timestamps_keep_the_last(tmp_path):
    text = ("date,v\n2024-01-01,1\n2024-01-02,2\n2024-01-02,20\n2024-01-03,3\n"
            "2024-01-03,30\n2024-01-04,4\n")
    loaded = read_csv(write(tmp_path, text))
    report = loaded.report
    assert report.duplicates_dropped == 2
    assert report.rows == 4 and report.rows_read == 6
    assert col(loaded.frame, "v") == [1.0, 20.0, 30.0, 4.0]
    assert any("Dropped 2 rows with duplicate timestamps (kept the last of each" in n
               for n in report.notes)


def test_duplicates_after_sorting_keep_the_last_in_the_file(tmp_path):
    text = "date,v\n2024-01-02,2\n2024-01-01,1\n2024-01-02,22\n2024-01-03,3\n"
    loaded = read_csv(write(tmp_path, text))
    assert col(loaded.frame, "v") == [1.0, 22.0, 3.0]
    assert loaded.report.duplicates_dropped == 1


def test_time_zones_are_converted_to_utc_and_dropped(tmp_path):
    text = ("timestamp,v\n2024-01-01T10:00:00+01:00,1\n2024-01-01T11:00:00+01:00,2\n"
            "2024-01-01T10:00:00Z,3\n2024-01-01T12:30:00+01:00,4\n")
    loaded = read_csv(write(tmp_path, text))
    frame = loaded.frame
    assert frame["timestamp"].dt.tz is None
    assert col(frame, "timestamp") == [ts("2024-01-01 09:00"), ts("2024-01-01 10:00"),
                                       ts("2024-01-01 11:30")]
    # rows 2 and 3 are the same instant: the later row wins
    assert col(frame, "v") == [1.0, 3.0, 4.0]
    assert any("converted them to UTC" in n for n in loaded.report.notes)


def test_quarter_labels_and_chinese_dates(tmp_path):
    quarters = read_csv(write(tmp_path, "period,v\n1990 Q1,1\n1990 Q2,2\n1990 Q3,3\n", "q.csv"))
    assert col(quarters.frame, "period") == [ts("1990-01-01"), ts("1990-04-01"), ts("1990-07-01")]
    chinese = read_csv(write(tmp_path, "日期,销售额\n2024年1月5日,1\n2024年1月6日,2\n2024年1月7日,3\n",
                             "zh.csv"))
    assert chinese.report.date_column == "日期"
    assert chinese.frame["日期"].iloc[0] == ts("2024-01-05")


def test_date_column_without_a_telling_name(tmp_path):
    text = "when,v\n2024-03-01,1\n2024-03-02,2\n2024-03-03,3\n"
    assert read_csv(write(tmp_path, text)).report.date_column == "when"


def test_year_named_column_and_first_column_years(tmp_path):
    named = read_csv(write(tmp_path, "v,Year\n1,2001\n2,2003\n3,2002\n", "a.csv"))
    assert named.report.date_column == "Year" and named.report.date_is_year
    assert col(named.frame, "v") == [1.0, 3.0, 2.0]   # sorted by year
    first = read_csv(write(tmp_path, "t,v\n1990,1\n1991,2\n1992,3\n1993,4\n", "b.csv"))
    assert first.report.date_column == "t" and first.report.date_is_year
    counter = read_csv(write(tmp_path, "t,v\n1,1\n2,2\n3,3\n4,4\n", "c.csv"))
    assert counter.report.date_column is None


def test_date_column_choice_by_the_user(tmp_path):
    text = ("start,end,v\n2024-01-01,2024-02-01,1\n2024-01-02,2024-01-15,2\n"
            "2024-01-03,2024-01-10,3\n")
    path = write(tmp_path, text, "two_dates.csv")
    assert read_csv(path).report.date_column == "start"
    chosen = read_csv(path, date_column="end")
    assert chosen.report.date_column == "end"
    assert col(chosen.frame, "v") == [3.0, 2.0, 1.0]
    assert chosen.report.column("start").kind == "text"
    none = read_csv(path, date_column=None)
    assert none.report.date_column is None and col(none.frame, "v") == [1.0, 2.0, 3.0]
    with pytest.raises(DataError, match=r"two_dates\.csv.*no column named 'missing'"):
        read_csv(path, date_column="missing")


def test_user_date_column_that_is_not_dates(tmp_path):
    path = CSV_DIR / "heartrate.csv"
    with pytest.raises(DataError, match=r"heartrate\.csv.*doesn't hold dates"):
        read_csv(path, date_column="bpm")
    text = "name,v\nnorth,1\nsouth,2\neast,3\n"
    with pytest.raises(DataError, match=r"words\.csv"):
        read_csv(write(tmp_path, text, "words.csv"), date_column="name")


def test_rows_with_unreadable_dates_are_dropped_with_a_note(tmp_path):
    lines = [f"2024-01-{d:02d},{d}" for d in range(1, 21)] + ["soon,21", ",22"]
    loaded = read_csv(write(tmp_path, "date,v\n" + "\n".join(lines) + "\n"))
    assert loaded.report.rows == 20 and loaded.report.rows_read == 22
    assert loaded.report.column("date").missing == 2
    assert any("could not be read (e.g. 'soon')" in n for n in loaded.report.notes)
    assert any(n == "Dropped 1 row with no date." for n in loaded.report.notes)


# --------------------------------------------------------------------------- columns


def test_excel_trailing_empty_columns_are_dropped(tmp_path):
    text = "date;v;;;\n2024-01-01;1;;;\n2024-01-02;2;;;\n2024-01-03;3;;;\n"
    loaded = read_csv(write(tmp_path, text))
    assert list(loaded.frame.columns) == ["date", "v"]
    assert any("Dropped 3 empty columns without a name" in n for n in loaded.report.notes)


def test_column_names_are_stripped_and_made_unique(tmp_path):
    text = " date , sales ,sales,sales\n2024-01-01,1,2,3\n2024-01-02,4,5,6\n2024-01-03,7,8,9\n"
    loaded = read_csv(write(tmp_path, text))
    assert list(loaded.frame.columns) == ["date", "sales", "sales_2", "sales_3"]
    assert col(loaded.frame, "sales_3") == [3.0, 6.0, 9.0]
    assert any("Renamed duplicate column names" in n for n in loaded.report.notes)
    assert any("Removed spaces around 2 column names" in n for n in loaded.report.notes)


def test_mostly_text_column_is_text(tmp_path):
    text = "date,code\n2024-01-01,A1\n2024-01-02,B2\n2024-01-03,7\n2024-01-04,C3\n"
    loaded = read_csv(write(tmp_path, text))
    info = loaded.report.column("code")
    assert (info.kind, info.usable) == ("text", False)
    assert col(loaded.frame, "code") == ["A1", "B2", "7", "C3"]


def test_report_to_dict_is_json_and_complete(tmp_path):
    text = "date,v,empty\n2024-01-01,1,\n2024-01-02,,\n2024-01-03,3,\n"
    report = read_csv(write(tmp_path, text)).report
    d = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    for key in ("path", "encoding", "delimiter", "decimal", "thousands", "date_column",
                "date_is_year", "rows", "rows_read", "columns", "notes", "duplicates_dropped",
                "sorted_by_date", "filled"):
        assert key in d
    assert d["date_column"] == "date"
    assert d["rows"] == 3
    empty = next(c for c in d["columns"] if c["name"] == "empty")
    assert empty == {"name": "empty", "kind": "numeric", "missing": 3, "min": None,
                     "max": None, "mean": None, "usable": False, "reason": "no values"}
    v = next(c for c in d["columns"] if c["name"] == "v")
    assert (v["min"], v["max"], v["mean"], v["missing"]) == (1.0, 3.0, 2.0, 1)
    assert d["filled"] == {"v": 1}


def test_every_decision_is_in_the_notes(tmp_path):
    text = "datum;wert\n01.02.2024;1,5\n03.02.2024;\n02.02.2024;2,5\n02.02.2024;3,5\n"
    notes = read_csv(write(tmp_path, text)).report.notes
    joined = " ".join(notes)
    for fragment in ("Encoding detected", "Delimiter detected as ';'", "Decimal separator",
                     "'datum' as the date column", "Sorted", "duplicate timestamps", "Filled"):
        assert fragment in joined


# --------------------------------------------------------------------------- bad files


def _bad(tmp_path, name, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


BAD_FILES = {
    "empty.csv": b"",
    "blank.csv": b"  \n\n \r\n",
    "header_only.csv": b"date,value\n",
    "header_only_bom.csv": b"\xef\xbb\xbfdate,value\r\n\r\n",
    "junk.csv": bytes(range(256)) * 8,
    "workbook.csv": b"PK\x03\x04" + bytes(200),
    "too_few.csv": b"date,value\n2024-01-01,1\n2024-01-02,2\n",
    "ragged.csv": b"a,b\n1,2\n3,4,5,6\n7,8\n",
    "bad_dates.csv": b"date,v\n2024-01-01,1\nfoo,2\nbar,3\nbaz,4\n",
    "open_quote.csv": b'a,b\n1,2\n3,"4\n5,6\n',
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_raise_a_data_error_naming_the_file(tmp_path, name):
    path = _bad(tmp_path, name, BAD_FILES[name])
    kwargs = {"date_column": "date"} if name == "bad_dates.csv" else {}
    with pytest.raises(DataError) as info:
        read_csv(path, **kwargs)
    message = str(info.value)
    assert name in message
    assert "\n" not in message
    assert isinstance(info.value, ForecasterError)


SPECIFIC_MESSAGES = {
    "empty.csv": "is empty",
    "header_only.csv": "no data rows",
    "workbook.csv": "Excel",
    "too_few.csv": f"at least {MIN_ROWS}",
    "ragged.csv": "line 3 has 4 fields but the header has 2",
    "junk.csv": "binary",
    "open_quote.csv": "line 3 is never closed",
}


@pytest.mark.parametrize("name", sorted(SPECIFIC_MESSAGES))
def test_specific_messages(tmp_path, name):
    with pytest.raises(DataError, match=SPECIFIC_MESSAGES[name]):
        read_csv(_bad(tmp_path, name, BAD_FILES[name]))


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(DataError, match="nowhere.csv"):
        read_csv(tmp_path / "nowhere.csv")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(DataError, match="folder.csv"):
        read_csv(tmp_path / "folder.csv")


def test_bad_override_values(tmp_path):
    path = write(tmp_path, "a,b\n1,2\n3,4\n5,6\n", "ok.csv")
    with pytest.raises(DataError, match="ok.csv"):
        read_csv(path, decimal=";")
    with pytest.raises(DataError, match="ok.csv"):
        read_csv(path, delimiter=",,")


# --------------------------------------------------------------------------- safety


def test_random_bytes_only_ever_raise_data_error(tmp_path):
    rng = np.random.default_rng(7)
    pieces = ["date", "v", ",", ";", "\t", "\n", '"', "2024-01-0", "13/01/2024", "1,5", "NA",
              "Köln", "北京", "1e5", "inf", "TRUE", "+01:00", "sep=;", "1821", " "]
    for i in range(150):
        text = "date,v\n" + "".join(rng.choice(pieces) for _ in range(rng.integers(0, 120)))
        data = text.encode(["utf-8", "gbk", "utf-16", "cp1252"][i % 4], errors="replace")
        if i % 10 == 0:
            data = rng.bytes(int(rng.integers(1, 400)))
        path = tmp_path / f"fuzz{i}.csv"
        path.write_bytes(data)
        try:
            loaded = read_csv(path)
        except DataError as exc:
            assert path.name in str(exc) and "\n" not in str(exc)
            continue
        json.dumps(loaded.report.to_dict(), allow_nan=False)
        for name in loaded.report.numeric_columns():
            assert loaded.frame[name].notna().all()


def test_the_source_file_is_never_written(tmp_path):
    text = "date;v\n03.01.2024;1,5\n01.01.2024;\n02.01.2024;2,5\n02.01.2024;3\n"
    path = write(tmp_path, text, encoding="cp1252")
    path.chmod(0o444)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    read_csv(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]


def test_auto_sentinel_and_path_types(tmp_path):
    path = write(tmp_path, "date,v\n2024-01-01,1\n2024-01-02,2\n2024-01-03,3\n")
    assert AUTO == "auto"
    assert read_csv(str(path), date_column=AUTO).report.path == str(path)


# --------------------------------------------------------------------------- options and the stages


def test_read_options_read_as_the_keywords_do_and_a_keyword_overrides_its_field(tmp_path):
    path = write(tmp_path, "x|y\n1,500|a\n2,250|b\n3,125|c\n")
    chosen = ReadOptions(delimiter="|", decimal=",", date_column=None)
    by_options = read_csv(path, chosen)
    by_keywords = read_csv(path, delimiter="|", decimal=",", date_column=None)
    assert by_options.report.to_dict() == by_keywords.report.to_dict()
    assert col(by_options.frame, "x") == [1.5, 2.25, 3.125]
    # a keyword given beside the options wins over that field only
    overridden = read_csv(path, chosen, decimal=".")
    assert (overridden.report.delimiter, overridden.report.decimal) == ("|", ".")
    assert col(overridden.frame, "x") == [1500.0, 2250.0, 3125.0]
    assert overridden.report.date_column is None


def test_the_plan_is_made_on_the_sample_and_frozen(tmp_path):
    import dataclasses

    from core.data.notes import Notes
    from core.data.plan import sniff
    from core.data.source import open_source

    path = write(tmp_path, "sep=;\nday;value;;note\n2024-01-02;1,5;;a\n2024-01-01;2,5;;b\n2024-01-03;3;;c\n")
    notes = Notes()
    plan = sniff(open_source(path), ReadOptions(), notes)
    assert (plan.delimiter, plan.decimal, plan.skip_rows, plan.has_header) == (";", ",", 1, True)
    assert plan.names == ("day", "value", "Unnamed: 2", "note") and plan.unnamed == {"Unnamed: 2"}
    # one known date format: pandas parses the dates while reading, so only 'note' is read as text
    assert plan.date_column == "day" and plan.date_format is not None and plan.text_columns == ["note"]
    assert any("sep=;" in n for n in notes.notes) and notes.changes == []
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.delimiter = ","


@pytest.mark.parametrize(("typed", "char"), [("tab", "\t"), ("TAB", "\t"), ("\\t", "\t"), ("Comma", ","),
                                             ("semicolon", ";"), ("pipe", "|"), ("space", " "), ("#", "#"),
                                             ("\t", "\t"), ("two", "two")])
def test_delimiter_from_text(typed, char):
    from core.data.dialect import delimiter_from_text, is_delimiter

    assert delimiter_from_text(typed) == char
    assert is_delimiter(char) is (len(char) == 1)


def test_one_delimiter_table_for_names_pickers_and_detection():
    from core.data.dialect import DELIMITER_TABLE, DELIMITERS, delimiter_choices, delimiter_name, show_delimiter
    from core.i18n import set_language

    assert DELIMITERS == (",", ";", "\t", "|")   # what detection tries, in this order
    assert delimiter_choices() == [("comma ,", ","), ("semicolon ;", ";"), ("tab", "\t"), ("pipe |", "|")]
    assert [delimiter_name(d.char) for d in DELIMITER_TABLE] == ["comma", "semicolon", "tab", "vertical bar",
                                                                "space"]
    assert delimiter_name("#") == "#" and show_delimiter("#") == "'#'"
    assert show_delimiter("\t") == "'\\t' (tab)"
    try:
        set_language("zh_CN")
        assert delimiter_name(";") not in ("", "semicolon")
        assert show_delimiter(";").startswith("';' (") and "semicolon" not in show_delimiter(";")
    finally:
        set_language("en")


def test_a_typed_delimiter_name_reads_the_file(tmp_path):
    loaded = read_csv(write(tmp_path, "a\tb\n1\t2\n3\t4\n5\t6\n"), ReadOptions(delimiter="Tab"))
    assert loaded.report.delimiter == "\t"
    assert "Delimiter set to '\\t' (tab) (your choice)." in loaded.report.notes


def test_a_long_list_of_names_ends_in_a_translated_count(tmp_path):
    from core.data.notes import quote_list
    from core.i18n import set_language

    assert quote_list(["a", "b"]) == "'a', 'b'"
    assert quote_list(range(10)) == "'0', '1', '2', '3', '4', '5', '6', '7' and 2 more"
    path = write(tmp_path, ",".join(f"c{i}" for i in range(12)) + "\n" + "1,2,3,4,5,6,7,8,9,10,11,12\n" * 3)
    with pytest.raises(DataError, match=r"'c7' and 4 more\)"):
        read_csv(path, date_column="when")
    try:
        set_language("zh_CN")
        chinese = quote_list(range(10))
        assert chinese.startswith("'0', '1'") and "and 2 more" not in chinese and "2" in chinese[-8:]
    finally:
        set_language("en")


def test_column_names_are_unique_and_blank_ones_made_up():
    from core.data.header import column_names
    from core.data.notes import Notes

    notes = Notes()
    named = column_names([" v", "v", "", "v_2"], [["1", "2", "3", "4"]], notes, has_header=True)
    assert named.names == ["v", "v_3", "Unnamed: 2", "v_2"]
    assert named.unnamed == {"Unnamed: 2"} and named.raw_names == ["v", "v", "", "v_2"]
    assert notes.notes == ["Removed spaces around 1 column name.",
                           "Renamed duplicate column names so each is unique: 'v' -> 'v_3'."]


def test_read_options_from_the_command_lines_flags():
    from argparse import Namespace

    flags = Namespace(encoding="gb18030", delimiter="tab", decimal=",", date_column="None")
    assert ReadOptions.from_args(flags) == ReadOptions("gb18030", "tab", ",", None)
    unset = Namespace(encoding=None, delimiter=None, decimal=None, date_column=None)
    assert ReadOptions.from_args(unset) == ReadOptions() and ReadOptions().date_column == AUTO
    assert ReadOptions.from_args(Namespace(encoding=None, delimiter="", decimal=None, date_column="when")) \
        == ReadOptions(date_column="when")
