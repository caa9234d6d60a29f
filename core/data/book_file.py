"""A workbook file before calamine reads it: the checks that refuse what can't be read safely (too big,
a zip bomb, a password, damage), and the facts calamine doesn't give: the 1904 date system and the
error cells (#N/A, #DIV/0!) that it hands back as empty.

Only ever opened for reading. Every refusal is a one-line DataError naming the file.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from core.data.notes import refuse
from core.i18n import _

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
ZIPPED_SUFFIXES = (".xlsx", ".xlsm", ".ods")
# The file on disk, and what its parts declare they unpack to: calamine holds a sheet's cells in
# memory, so past these the read is refused before it starts.
MAX_BOOK_BYTES = 256 << 20
MAX_UNPACKED_BYTES = 1 << 30
# A part that unpacks to more than this many times its packed size is not a spreadsheet's XML
# (real sheets pack 5-30 times) but a zip bomb.
MAX_RATIO = 400
MAX_CELLS = 30_000_000
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # OLE2: .xls, and Office's password-protected files
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_SCAN_CHUNK = 1 << 20


def is_workbook(path: str | Path) -> bool:
    """Whether the file's name says it is a workbook this app reads."""
    return Path(path).suffix.lower() in WORKBOOK_SUFFIXES


@dataclass
class BookFacts:
    """What the checks found: the date system, and per sheet name its worksheet part in the zip."""

    date1904: bool = False
    sheet_parts: dict[str, str] = field(default_factory=dict)


def check_book(path: Path) -> BookFacts:
    """Refuses a missing, huge, encrypted, damaged or bomb-like workbook; the facts of a good one."""
    if not path.exists():
        raise refuse(_("File '{file}' was not found ({path}).").format(file=path.name, path=path))
    if not path.is_file():
        raise refuse(_("'{file}' is not a workbook file.").format(file=path.name))
    size = path.stat().st_size
    if size == 0:
        raise refuse(_("'{file}' is empty.").format(file=path.name))
    if size > MAX_BOOK_BYTES:
        raise _too_big(path.name, size, MAX_BOOK_BYTES)
    with open(path, "rb") as fh:
        head = fh.read(len(_CFB_MAGIC))
        if head == _CFB_MAGIC:
            fh.seek(0)
            if _holds(fh, _ENCRYPTED):
                raise encrypted(path.name)
            return BookFacts()   # an .xls (also one saved under another suffix: calamine reads by content)
    if path.suffix.lower() not in ZIPPED_SUFFIXES:
        if head.startswith(b"PK\x03\x04"):   # an .xlsx named .xls
            return _zip_facts(path)
        raise damaged(path.name, _("it is not an Excel 97-2003 workbook"))
    return _zip_facts(path)


def _holds(fh, needle: bytes) -> bool:
    tail = b""
    while chunk := fh.read(_SCAN_CHUNK):
        if needle in tail + chunk:
            return True
        tail = chunk[-len(needle):]
    return False


def _zip_facts(path: Path) -> BookFacts:
    try:
        with zipfile.ZipFile(path) as book:
            infos = book.infolist()
            unpacked = sum(i.file_size for i in infos)
            if unpacked > MAX_UNPACKED_BYTES:
                raise _too_big(path.name, unpacked, MAX_UNPACKED_BYTES)
            for info in infos:
                if info.file_size > (64 << 20) and info.file_size > MAX_RATIO * max(1, info.compress_size):
                    raise refuse(_("Can't read '{file}': a part of it unpacks to {ratio:,} times its size, "
                                   "which no real workbook does (a zip bomb?).").format(
                        file=path.name, ratio=info.file_size // max(1, info.compress_size)))
            if any(i.flag_bits & 0x1 for i in infos):
                raise encrypted(path.name)
            names = {i.filename for i in infos}
            if "xl/workbook.xml" in names:
                return _xlsx_facts(book)
            if "content.xml" not in names:
                raise damaged(path.name, _("it is a ZIP archive without a workbook inside"))
            return BookFacts()
    except zipfile.BadZipFile as exc:
        raise damaged(path.name, _("it is cut short, or its ZIP structure is broken")) from exc


def _xlsx_facts(book: zipfile.ZipFile) -> BookFacts:
    workbook = book.read("xl/workbook.xml")[:4 << 20].decode("utf-8", "replace")
    date1904 = bool(re.search(r"<(?:\w+:)?workbookPr\b[^>]*\bdate1904=\"(?:1|true)\"", workbook))
    targets: dict[str, str] = {}
    try:
        rels = book.read("xl/_rels/workbook.xml.rels")[:4 << 20].decode("utf-8", "replace")
    except KeyError:
        rels = ""
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        rid, target = re.search(r'\bId="([^"]*)"', tag), re.search(r'\bTarget="([^"]*)"', tag)
        if rid and target:
            part = target.group(1).lstrip("/")
            targets[rid.group(1)] = part if part.startswith("xl/") else str(PurePosixPath("xl") / part)
    parts = {}
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        name, rid = re.search(r'\bname="([^"]*)"', tag), re.search(r'\br:id="([^"]*)"', tag)
        if name and rid and rid.group(1) in targets:
            parts[_unescape(name.group(1))] = targets[rid.group(1)]
    return BookFacts(date1904=date1904, sheet_parts=parts)


def _unescape(text: str) -> str:
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ERROR_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</")


def error_cells(path: Path, part: str | None) -> list[tuple[int, int, str]]:
    """(row, column, code) of each error cell of an .xlsx worksheet part, 0-based (calamine reads
    them as empty). Read in chunks, so memory stays bounded whatever the sheet's size."""
    if part is None:
        return []
    found: list[tuple[int, int, str]] = []
    try:
        with zipfile.ZipFile(path) as book, book.open(part) as fh:
            carry = b""
            while chunk := fh.read(_SCAN_CHUNK):
                data = carry + chunk
                cut = data.rfind(b"<c ")
                complete, carry = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
                if len(carry) > _SCAN_CHUNK:   # a cell bigger than a chunk is no error cell
                    complete, carry = data, b""
                found.extend(_errors_in(complete))
            found.extend(_errors_in(carry))
    except (KeyError, zipfile.BadZipFile, OSError):
        return found
    return found


def _errors_in(data: bytes) -> list[tuple[int, int, str]]:
    out = []
    start = 0
    while (at := data.find(b't="e"', start)) >= 0:
        start = at + 5
        open_tag = data.rfind(b"<c ", 0, at)
        end = data.find(b">", at)
        if open_tag < 0 or end < 0:
            continue
        ref = _CELL_REF.search(data, open_tag, end)
        if ref is None:
            continue
        value = _ERROR_VALUE.search(data, end, end + 400)
        out.append((int(ref.group(2)) - 1, _column_index(ref.group(1)), value.group(1).decode() if value else "#?"))
    return out


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def encrypted(file: str) -> Exception:
    return refuse(_("Can't read '{file}': the workbook is protected by a password. Save a copy without the "
                    "password (in Excel: File > Info > Protect Workbook) and open that.").format(file=file))


def damaged(file: str, problem: str) -> Exception:
    return refuse(_("Can't read '{file}': the workbook is damaged or not a workbook ({problem}).").format(
        file=file, problem=problem))


def _too_big(file: str, size: int, limit: int) -> Exception:
    return refuse(_("Can't read '{file}': it holds {size:,} MB of spreadsheet data, more than the {limit:,} MB "
                    "this app reads from a workbook; save the sheet as CSV and open that.").format(
        file=file, size=size >> 20, limit=limit >> 20))
