"""Writes the workbooks of tests/data/workbooks (committed; run again only to change them):
`python tests/data/workbooks/make_workbooks.py`. Needs openpyxl (the test extra).

Each imitates what analysts send: a notes sheet before the data, a title and a unit line above the
column names, Chinese headers, dates as Excel serial numbers, merged header cells over two rows, error
cells, numbers stored as text, a Mac workbook in the 1904 date system, an .xlsm, an .ods written by hand
(openpyxl writes no OpenDocument), a password-protected and a damaged one.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HERE = Path(__file__).resolve().parent
# the app's self-test (gui/selftest.py, run by the packages) reads a copy of store_sales.xlsx
SAMPLES = HERE.parents[2] / "resources" / "samples"
START = dt.date(2024, 1, 1)


def sales(i: int) -> float:
    """A known value per row, so tests check numbers exactly."""
    return round(100 + 3 * i + (i % 7) * 1.5, 1)


def days(n: int) -> list[dt.date]:
    return [START + dt.timedelta(days=i) for i in range(n)]


def _fixed(path: Path) -> None:
    """Stable bytes: the zip's timestamps and openpyxl's created/modified dates pinned."""
    with zipfile.ZipFile(path) as src:
        parts = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts:
            if name == "docProps/core.xml":
                import re
                data = re.sub(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", b"2024-06-01T00:00:00Z", data)
            out.writestr(zipfile.ZipInfo(name, (2024, 6, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def save(book: openpyxl.Workbook, name: str) -> Path:
    path = HERE / name
    book.properties.creator = "analyst"
    book.save(path)
    _fixed(path)
    return path


def store_sales() -> None:
    """Three sheets: notes first ('说明'), the daily data ('数据', a title and a unit row above Chinese
    names, dates as date cells), a monthly summary ('汇总')."""
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "说明"
    for line in ("门店销售数据（2024年）", "来源：门店收银系统导出", "单位：元", "联系人：数据组"):
        notes.append([line])
    data = book.create_sheet("数据")
    data.append(["2024年门店日销售额"])
    data.append(["单位：元"])
    data.append(["日期", "销售额", "客流量", "气温"])
    for i, day in enumerate(days(40)):
        data.append([day, sales(i), 200 + i, round(5 + (i % 10) * 0.5, 1)])
        data.cell(row=data.max_row, column=1).number_format = "yyyy-mm-dd"
    summary = book.create_sheet("汇总")
    summary.append(["月份", "销售额合计"])
    for month, total in ((1, 3800.5), (2, 1200.0), (3, 0.0)):
        summary.append([dt.date(2024, month, 1), total])
        summary.cell(row=summary.max_row, column=1).number_format = "yyyy-mm"
    path = save(book, "store_sales.xlsx")
    (SAMPLES / "store_sales_zh.xlsx").write_bytes(path.read_bytes())


def two_sheets() -> None:
    """Two data sheets, for choosing the second: 'north' and 'south' hold different numbers."""
    book = openpyxl.Workbook()
    for k, title in enumerate(("north", "south")):
        sheet = book.active if k == 0 else book.create_sheet(title)
        sheet.title = title
        sheet.append(["date", "sales"])
        for i, day in enumerate(days(30)):
            sheet.append([day, sales(i) + 1000 * k])
            sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd"
    save(book, "two_sheets.xlsx")


def serial_dates() -> None:
    """Dates exported as bare serial numbers (no date format), as many systems write them."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "export"
    sheet.append(["Date", "Revenue"])
    for i in range(30):
        sheet.append([45292 + i, sales(i)])   # 45292 = 2024-01-01 in Excel's 1900 system
    save(book, "serial_dates.xlsx")


def mac_1904() -> None:
    """A Mac workbook in the 1904 date system: date cells, and bare serials counted from 1904."""
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["date", "orders"])
    for i, day in enumerate(days(20)):
        sheet.append([day, sales(i)])
        sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd"
    export = book.create_sheet("export")
    export.append(["日期", "订单数"])
    for i in range(20):
        export.append([43830 + i, sales(i)])   # 43830 = 2024-01-01 in the 1904 system (45292 in 1900's)
    save(book, "mac_1904.xlsx")


def merged_header() -> None:
    """Two header rows: '日期' merged down, '销售额' merged across '北京' and '上海'."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "区域"
    sheet.append(["分区域销售额"])
    sheet.merge_cells("A1:C1")
    sheet.append(["日期", "销售额", None])
    sheet.append([None, "北京", "上海"])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:C2")
    for i, day in enumerate(days(25)):
        sheet.append([day, sales(i), sales(i) / 2])
        sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd"
    save(book, "merged_header.xlsx")


def errors_and_text_numbers() -> None:
    """Error cells (#N/A, #DIV/0!, #VALUE!) and numbers stored as text, as a formula-heavy sheet has."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "report"
    sheet.append(["month", "units", "margin"])
    for i in range(24):
        units: object = 50 + i
        margin: object = round(0.1 + i / 100, 2)
        if i in (3, 11):
            units = f"{50 + i:,}" if i == 3 else "1,061"   # text, with a thousands separator on row 11
        if i == 5:
            margin = "#DIV/0!"
        if i == 8:
            margin = "#N/A"
        if i == 9:
            units = "#VALUE!"
        sheet.append([dt.date(2022 + i // 12, i % 12 + 1, 1), units, margin])
        sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm"
    save(book, "errors_text_numbers.xlsx")


def macro_book() -> None:
    """An .xlsm (the macros themselves are not needed to read it)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["Week", "Demand"])
    for i in range(12):
        sheet.append([dt.date(2024, 1, 1) + dt.timedelta(weeks=i), sales(i)])
        sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd"
    path = save(book, "weekly.xlsm")
    # an .xlsm declares the macro-enabled content type
    with zipfile.ZipFile(path) as src:
        parts = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts:
            if name == "[Content_Types].xml":
                data = data.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
            out.writestr(zipfile.ZipInfo(name, (2024, 6, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def opendocument() -> None:
    """A LibreOffice .ods, written by hand (a title row, then date, value)."""
    rows = ['<table:table-row><table:table-cell office:value-type="string"><text:p>Monthly rainfall</text:p>'
            '</table:table-cell></table:table-row>',
            '<table:table-row><table:table-cell office:value-type="string"><text:p>month</text:p></table:table-cell>'
            '<table:table-cell office:value-type="string"><text:p>rain_mm</text:p></table:table-cell>'
            '</table:table-row>']
    for i in range(18):
        day = dt.date(2023 + i // 12, i % 12 + 1, 1).isoformat()
        rows.append(f'<table:table-row><table:table-cell office:value-type="date" office:date-value="{day}">'
                    f'<text:p>{day}</text:p></table:table-cell><table:table-cell office:value-type="float" '
                    f'office:value="{sales(i)}"><text:p>{sales(i)}</text:p></table:table-cell></table:table-row>')
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="rain">'
               + "".join(rows) + '</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(HERE / "rainfall.ods", "w") as out:
        out.writestr(zipfile.ZipInfo("mimetype", (2024, 6, 1, 0, 0, 0)),
                     "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        for name, text in (("content.xml", content), ("META-INF/manifest.xml", manifest)):
            out.writestr(zipfile.ZipInfo(name, (2024, 6, 1, 0, 0, 0)), text, zipfile.ZIP_DEFLATED)


def password_protected() -> None:
    """What Excel writes for a workbook with a password to open: an OLE2 compound file holding
    'EncryptionInfo' and 'EncryptedPackage' streams instead of a zip (random bytes stand in for the
    cipher text)."""
    sector = 512
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<?xml version=\"1.0\"?><encryption/>"
    package = struct.pack("<Q", 6000) + bytes((i * 97 + 13) % 256 for i in range(6144))
    streams = [("EncryptionInfo", info.ljust(4096, b"\0")), ("EncryptedPackage", package)]
    fat = [0xFFFFFFFD, 0xFFFFFFFE]   # sector 0: the FAT, sector 1: the directory
    starts = []
    for _name, data in streams:
        count = -(-len(data) // sector)
        first = len(fat)
        starts.append(first)
        fat += [first + k + 1 for k in range(count - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF,
              right: int = 0xFFFFFFFF) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", 0xFFFFFFFF, right, child) + b"\0" * 16 + struct.pack("<I", 0)
                + b"\0" * 16 + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)
                 + entry(streams[0][0], 2, starts[0], len(info), right=2)
                 + entry(streams[1][0], 2, starts[1], len(package))).ljust(sector, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
              + struct.pack("<I", 0) + b"\xff" * (436 - 4))
    body = b"".join(data.ljust(-(-len(data) // sector) * sector, b"\0") for _name, data in streams)
    (HERE / "password.xlsx").write_bytes(header + struct.pack(f"<{sector // 4}I", *fat) + directory + body)


def damaged() -> None:
    """A workbook cut off in the middle (an interrupted download): the start of store_sales.xlsx."""
    data = (HERE / "store_sales.xlsx").read_bytes()
    (HERE / "damaged.xlsx").write_bytes(data[: len(data) // 2])


def bomb_header() -> None:
    """A small valid workbook whose zip directory declares a sheet of 3.5 GB (what a zip bomb declares):
    refused from the declared sizes, before anything is unpacked."""
    src = io.BytesIO((HERE / "two_sheets.xlsx").read_bytes())
    with zipfile.ZipFile(src) as book:
        parts = [(i.filename, book.read(i.filename)) for i in book.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts:
            book.writestr(zipfile.ZipInfo(name, (2024, 6, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    raw = bytearray(out.getvalue())
    at = raw.find(b"PK\x01\x02")
    # the central directory's 'uncompressed size' of its first entry (offset 24 in the record)
    struct.pack_into("<I", raw, at + 24, 3_500_000_000)
    (HERE / "bomb.xlsx").write_bytes(bytes(raw))


if __name__ == "__main__":
    store_sales()
    two_sheets()
    serial_dates()
    mac_1904()
    merged_header()
    errors_and_text_numbers()
    macro_book()
    opendocument()
    password_protected()
    damaged()
    bomb_header()
    print("written:", ", ".join(sorted(p.name for p in HERE.iterdir() if p.suffix != ".py")))
