"""Workbooks (.xlsx, .xlsm, .ods) read into the same table and report as a CSV: the corpus in
tests/data/workbooks (written by its make_workbooks.py), each read with its values checked or refused
with one line; the CLI's --sheet and inspect --json."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.data import book_file
from core.data.options import ReadOptions
from core.data.reader import read_table
from core.errors import DataError
from tests.factories import run_cli

BOOKS = Path(__file__).resolve().parents[1] / "data" / "workbooks"


def sales(i: int) -> float:   # make_workbooks.py's values
    return round(100 + 3 * i + (i % 7) * 1.5, 1)


def expected_sales(n: int, plus: float = 0.0) -> list[float]:
    return [sales(i) + plus for i in range(n)]


def test_the_first_sheet_with_data_is_read_past_a_notes_sheet_and_a_title():
    loaded = read_table(BOOKS / "store_sales.xlsx")
    r, frame = loaded.report, loaded.frame
    assert (r.sheet, r.sheets, r.header_row) == ("数据", ["说明", "数据", "汇总"], 3)
    assert list(frame.columns) == ["日期", "销售额", "客流量", "气温"]
    assert r.date_column == "日期" and frame["日期"].dtype == "datetime64[us]"
    assert frame["日期"].iloc[0] == pd.Timestamp("2024-01-01") and frame["日期"].iloc[-1] == pd.Timestamp("2024-02-09")
    assert frame["销售额"].tolist() == expected_sales(40)
    assert frame["客流量"].tolist() == [200.0 + i for i in range(40)]
    assert r.numeric_columns() == ["销售额", "客流量", "气温"]
    assert any("'数据'" in n and "'说明'" in n for n in r.notes)
    assert any("Skipped 2 rows above the column names" in n for n in r.notes)


@pytest.mark.parametrize("sheet", ["south", "South ", "2"])
def test_a_sheet_is_chosen_by_name_or_by_position_from_one(sheet):
    loaded = read_table(BOOKS / "two_sheets.xlsx", ReadOptions(sheet=sheet))
    assert loaded.report.sheet == "south"
    assert loaded.frame["sales"].tolist() == expected_sales(30, 1000)


def test_summary_sheet_months_are_dates():
    loaded = read_table(BOOKS / "store_sales.xlsx", ReadOptions(sheet="汇总"))
    assert loaded.frame["月份"].tolist() == [pd.Timestamp(f"2024-0{m}-01") for m in (1, 2, 3)]
    assert loaded.frame["销售额合计"].tolist() == [3800.5, 1200.0, 0.0]


def test_excel_date_serials_under_a_date_name_are_dates_from_1899_12_30():
    loaded = read_table(BOOKS / "serial_dates.xlsx")
    frame = loaded.frame
    assert loaded.report.date_column == "Date"
    assert frame["Date"].tolist() == list(pd.date_range("2024-01-01", periods=30, freq="D"))
    assert frame["Revenue"].tolist() == expected_sales(30)
    assert any("30 Excel date numbers" in n and "1899-12-30" in n for n in loaded.report.notes)


def test_a_1904_workbook_reads_its_date_cells_and_its_serials_from_1904():
    cells = read_table(BOOKS / "mac_1904.xlsx")
    assert cells.frame["date"].iloc[0] == pd.Timestamp("2024-01-01")
    serials = read_table(BOOKS / "mac_1904.xlsx", ReadOptions(sheet="export"))
    assert serials.report.date_column == "日期"
    assert serials.frame["日期"].tolist() == list(pd.date_range("2024-01-01", periods=20, freq="D"))
    assert any("1904-01-01" in n for n in serials.report.notes)
    assert serials.frame["订单数"].tolist() == expected_sales(20)


def test_merged_header_cells_name_the_columns_from_both_rows():
    loaded = read_table(BOOKS / "merged_header.xlsx")
    assert list(loaded.frame.columns) == ["日期", "销售额 北京", "销售额 上海"]
    assert loaded.report.header_row == 2 and loaded.report.rows == 25
    assert loaded.frame["销售额 上海"].tolist() == [s / 2 for s in expected_sales(25)]


def test_error_cells_are_missing_and_counted_and_text_numbers_are_numbers():
    loaded = read_table(BOOKS / "errors_text_numbers.xlsx")
    r, frame = loaded.report, loaded.frame
    assert r.error_cells == {"units": 1, "margin": 2}
    assert r.filled == {"units": 1, "margin": 2}
    assert frame["units"].iloc[3] == 53.0 and frame["units"].iloc[11] == 1061.0   # stored as text
    assert frame["units"].iloc[8] < frame["units"].iloc[9] < frame["units"].iloc[10]   # #VALUE! filled between
    assert frame["margin"].iloc[4] == 0.14 and frame["margin"].iloc[6] == 0.16
    assert any("2 numbers stored as text" in n for n in r.notes)
    assert any("'margin': treated 2 error cells" in n for n in r.changes)
    assert r.to_dict()["error_cells"] == {"units": 1, "margin": 2}


def test_an_xlsm_and_an_ods_are_read():
    weekly = read_table(BOOKS / "weekly.xlsm")
    assert weekly.frame["Week"].diff().dropna().unique().tolist() == [pd.Timedelta(weeks=1)]
    assert weekly.frame["Demand"].tolist() == expected_sales(12)
    rain = read_table(BOOKS / "rainfall.ods")
    assert rain.report.header_row == 2 and rain.report.date_column == "month"
    assert rain.frame["rain_mm"].tolist() == expected_sales(18)
    assert rain.frame["month"].iloc[-1] == pd.Timestamp("2024-06-01")


def test_the_header_row_override_and_the_date_column_choice():
    loaded = read_table(BOOKS / "store_sales.xlsx", ReadOptions(sheet="数据", header_row=3, date_column="日期"))
    assert loaded.report.header_row == 3 and any("row 3 (your choice)" in n for n in loaded.report.notes)
    none = read_table(BOOKS / "serial_dates.xlsx", ReadOptions(date_column=None))
    assert none.report.date_column is None and none.frame["Date"].iloc[0] == 45292.0


@pytest.mark.parametrize("name, words", [
    ("password.xlsx", "protected by a password"),
    ("damaged.xlsx", "damaged or not a workbook"),
    ("bomb.xlsx", "more than the 1,024 MB"),
])
def test_bad_workbooks_are_refused_in_one_line(name, words):
    with pytest.raises(DataError) as caught:
        read_table(BOOKS / name)
    message = str(caught.value)
    assert words in message and f"'{name}'" in message and "\n" not in message


def test_sheet_and_header_row_that_do_not_exist_are_refused(tmp_path):
    with pytest.raises(DataError, match=r"no sheet 'east' \(sheets: 'north', 'south'\)"):
        read_table(BOOKS / "two_sheets.xlsx", ReadOptions(sheet="east"))
    with pytest.raises(DataError, match="no row 99"):
        read_table(BOOKS / "two_sheets.xlsx", ReadOptions(header_row=99))
    junk = tmp_path / "notes.xlsx"
    junk.write_bytes(b"just some text, saved with the wrong name")
    with pytest.raises(DataError, match="damaged or not a workbook"):
        read_table(junk)


def test_a_zip_without_a_workbook_and_a_part_that_unpacks_like_a_bomb(tmp_path):
    plain = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(DataError, match="ZIP archive without a workbook"):
        read_table(plain)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (80 << 20))   # 80 MB of zeros pack to ~80 KB
    with pytest.raises(DataError, match="zip bomb"):
        read_table(bomb)


def test_the_workbook_is_never_written(tmp_path):
    book = tmp_path / "store_sales.xlsx"
    shutil.copy(BOOKS / "store_sales.xlsx", book)
    before, mtime = hashlib.sha256(book.read_bytes()).hexdigest(), book.stat().st_mtime_ns
    book.chmod(0o444)
    read_table(book)
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before and book.stat().st_mtime_ns == mtime


def test_the_error_cell_scan_reads_positions_in_chunks(monkeypatch):
    monkeypatch.setattr(book_file, "_SCAN_CHUNK", 97)   # cells cut at every chunk edge
    facts = book_file.check_book(BOOKS / "errors_text_numbers.xlsx")
    cells = book_file.error_cells(BOOKS / "errors_text_numbers.xlsx", facts.sheet_parts["report"])
    assert sorted(cells) == [(6, 2, "#DIV/0!"), (9, 2, "#N/A"), (10, 1, "#VALUE!")]


def test_cli_inspect_json_adds_sheet_and_sheets_and_a_csv_has_neither(tmp_path):
    out = run_cli("inspect", BOOKS / "two_sheets.xlsx", "--sheet", "south", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert (report["sheet"], report["sheets"], report["rows"]) == ("south", ["north", "south"], 30)
    assert report["encoding"] is None and [c["name"] for c in report["columns"]] == ["date", "sales"]
    csv = tmp_path / "t.csv"
    csv.write_text("date,v\n2024-01-01,1\n2024-01-02,2\n2024-01-03,3\n")
    plain = json.loads(run_cli("inspect", csv, "--json").stdout)
    assert "sheet" not in plain and "sheets" not in plain
    refused = run_cli("inspect", csv, "--sheet", "2")
    assert refused.returncode != 0 and "has no sheets" in refused.stderr and refused.stdout == ""


def test_cli_header_row_and_every_reading_command_takes_sheet():
    out = run_cli("inspect", BOOKS / "store_sales.xlsx", "--sheet", "数据", "--header-row", "3", "--json")
    report = json.loads(out.stdout)
    assert report["header_row"] == 3 and report["sheet"] == "数据"
    assert any("row 3 (your choice)" in n for n in report["notes"])
    wrong = run_cli("inspect", BOOKS / "store_sales.xlsx", "--sheet", "数据", "--header-row", "1", "--json")
    assert wrong.returncode != 0 or json.loads(wrong.stdout)["columns"][0]["name"] != "日期"
    for command in ("train", "backtest", "search", "predict", "forecast"):
        helped = run_cli(command, "--help")
        assert "--sheet NAME|INDEX" in helped.stdout and "--header-row N" in helped.stdout, command


def test_a_workbook_whose_only_sheet_holds_numbers_as_text_is_still_read(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["date", "value"])
    for i in range(5):
        sheet.append([f"2024-01-0{i + 1}", f"{10 + i}"])
    book.save(tmp_path / "text.xlsx")
    loaded = read_table(tmp_path / "text.xlsx")
    assert loaded.frame["value"].tolist() == [10.0, 11.0, 12.0, 13.0, 14.0]
    assert loaded.frame["date"].iloc[-1] == pd.Timestamp("2024-01-05")
    empty = openpyxl.Workbook()
    empty.save(tmp_path / "empty.xlsx")
    with pytest.raises(DataError, match="only empty sheets"):
        read_table(tmp_path / "empty.xlsx")


def test_cli_inspect_says_which_sheet_it_read_and_refuses_in_one_line():
    out = run_cli("inspect", BOOKS / "store_sales.xlsx")
    assert out.returncode == 0
    assert out.stdout.splitlines()[0].endswith(
        "40 rows from sheet '数据' (3 sheets: 说明, 数据, 汇总), column names in row 3, date column 日期")
    bad = run_cli("inspect", BOOKS / "password.xlsx")
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1 and "password" in bad.stderr


def test_cli_train_on_a_sheet(tmp_path):
    out = run_cli("train", BOOKS / "two_sheets.xlsx", "--sheet", "south", "--target", "sales", "--window", "4",
                  "--horizon", "1", "--hidden", "4", "--epochs", "1", "--out", tmp_path / "run")
    assert out.returncode == 0, out.stderr
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["data"]["sheet"] == "south" and metrics["data"]["rows"] == 30
    assert np.isfinite(metrics["test"]["model"]["rmse"])


@pytest.mark.parametrize("name, extra", [
    ("store_sales.xlsx", []), ("mac_1904.xlsx", ["--sheet", "export"]), ("merged_header.xlsx", []),
    ("password.xlsx", []), ("damaged.xlsx", []), ("bomb.xlsx", []),
])
def test_cli_inspect_of_a_workbook_in_chinese_has_no_english_words(name, extra):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from english_words import english_words

    done = run_cli("--lang", "zh_CN", "inspect", BOOKS / name, *extra)
    # names of products, formats and units stay as they are in Chinese text
    assert english_words(done.stdout + done.stderr, keep=[str(BOOKS / name), name, "export", "Sheet1"],
                         allowed={"Excel", "ZIP", "MB", "XML"}) == []
    assert ("工作表" in done.stdout) if done.returncode == 0 else ("无法读取" in done.stderr)


def test_a_sheet_past_the_cell_limit_is_refused_before_its_cells_become_python(monkeypatch):
    monkeypatch.setattr(book_file, "MAX_CELLS", 100)   # store_sales' data sheet: 43 rows x 4 columns
    with pytest.raises(DataError, match=r"sheet '数据' has 172 cells, more than the 100"):
        read_table(BOOKS / "store_sales.xlsx", ReadOptions(sheet="数据"))


def test_a_sheet_without_column_names_gets_numbered_columns(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    for i in range(6):
        book.active.append([i + 1, sales(i)])
    book.save(tmp_path / "bare.xlsx")
    loaded = read_table(tmp_path / "bare.xlsx")
    assert list(loaded.frame.columns) == ["column_1", "column_2"] and loaded.report.header_row is None
    assert loaded.frame["column_2"].tolist() == expected_sales(6)
