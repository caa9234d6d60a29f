"""Guess the text encoding of a CSV file from its bytes.

Order of evidence: byte-order mark, then strict UTF-8, then byte statistics that tell
Chinese GBK/GB18030 from single-byte Western code pages, then charset-normalizer as a
last opinion. We never fall back to GB18030 blindly: it "decodes" almost any bytes
(cp1252 ``Köln`` comes out as ``K鰈n``), so it is chosen only when the high bytes
really pair up the way Chinese text does.
"""

from __future__ import annotations

import codecs
import re

from core.i18n import N_, _

# Friendly names for the notes in the import report.
_DESCRIPTIONS = {
    "utf-8": N_("UTF-8"),
    "utf-8-sig": N_("UTF-8 with a byte-order mark"),
    "utf-16": N_("UTF-16 (byte-order mark)"),
    "utf-16-le": N_("UTF-16 little-endian (no byte-order mark)"),
    "utf-16-be": N_("UTF-16 big-endian (no byte-order mark)"),
    "utf-32": N_("UTF-32 (byte-order mark)"),
    "gb18030": N_("GB18030 (Chinese)"),
    "cp1252": N_("Windows-1252 (Western European)"),
    "iso8859-1": N_("ISO-8859-1 (Latin-1)"),
    "big5": N_("Big5 (Traditional Chinese)"),
    "cp950": N_("Big5 (Traditional Chinese)"),
    "shift_jis": N_("Shift-JIS (Japanese)"),
    "cp932": N_("Shift-JIS (Japanese)"),
    "euc_jp": N_("EUC-JP (Japanese)"),
    "cp1250": N_("Windows-1250 (Central European)"),
    "cp1251": N_("Windows-1251 (Cyrillic)"),
    "cp1253": N_("Windows-1253 (Greek)"),
}

# Codecs that charset-normalizer reports for GBK-family files (it called a GBK file with a
# Chinese header "cp949"). They are only accepted when the bytes look like Chinese.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936", "cp949", "euc_kr", "johab", "iso2022_kr"}

_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
# a GB18030 four-byte code: high, digit, high, digit
_GB18030_FOUR = re.compile(rb"[\x81-\xfe][\x30-\x39][\x81-\xfe][\x30-\x39]")
# Control bytes that never appear in a text CSV (tab, LF, VT, FF, CR and SUB are allowed).
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x19\x1b-\x1f]")

_MAGIC = (
    # workbooks are read by their names (core/data/reader.py), so a renamed one only needs its name back
    (b"PK\x03\x04", N_("it looks like a ZIP archive or an Excel workbook; if it is a workbook, name it .xlsx "
                       "and open it again")),
    (b"\xd0\xcf\x11\xe0", N_("it looks like an old Excel workbook; name it .xls and open it again")),
    (b"%PDF", N_("it looks like a PDF document")),
    (b"\x89PNG", N_("it looks like a PNG image")),
    (b"\x1f\x8b", N_("it looks like a gzip archive; unpack it first")),
)


def describe(codec: str) -> str:
    """A human name for a Python codec name, e.g. 'gb18030' -> 'GB18030 (Chinese)'."""
    return _(_DESCRIPTIONS[codec]) if codec in _DESCRIPTIONS else codec.upper()


def canonical(name: str) -> str:
    """Python's canonical codec name (raises LookupError for an unknown encoding)."""
    info = codecs.lookup(name)
    if not getattr(info, "_is_text_encoding", True):  # rot13, zlib, base64: not for bytes -> text
        raise LookupError(f"{name} is not a text encoding")
    codec = info.name
    return {"utf-8-sig": "utf-8-sig", "latin-1": "iso8859-1"}.get(codec, codec)


def decodes(data: bytes, codec: str, complete: bool) -> bool:
    """True if ``data`` decodes strictly; a truncated last character is fine unless complete."""
    try:
        codecs.getincrementaldecoder(codec)(errors="strict").decode(data, final=complete)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def decode_sample(data: bytes, codec: str, complete: bool) -> str:
    """Decode ``data`` (strict), tolerating a character cut off at the end of a sample."""
    return codecs.getincrementaldecoder(codec)(errors="strict").decode(data, final=complete)


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` is not a text file, or None if it may be text (UTF-16/32 are text)."""
    for magic, why in _MAGIC:
        if data.startswith(magic):
            return _(why)
    if _utf16_or_32(data) is not None:
        return None
    if b"\x00" in data:
        return _("it contains binary data (NUL bytes, 0x00), not text")
    if data and len(_CONTROL.findall(data)) > max(2, len(data) // 200):
        return _("it contains binary data (control characters), not text")
    return None


def _utf16_or_32(data: bytes) -> str | None:
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # UTF-16 without a BOM: ASCII characters leave a zero byte in every other position.
    head = data[:4096]
    if len(head) >= 4:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
    return None


def _high_byte_stats(data: bytes) -> tuple[int, int, int, int]:
    """(high bytes, bytes in GB2312-zone pairs, pairs whose lead is a common hanzi, isolated).

    GB18030's four-byte codes (rare hanzi such as '𠮷': high, digit, high, digit) count as
    zone bytes; they are cut out first so the pairs around them still pair up.
    """
    data, fours = _GB18030_FOUR.subn(b" ", data)
    high = zone = 4 * fours
    common, isolated = 2 * fours, 0   # a four-byte code is as telling as two common pairs
    for match in _HIGH_RUN.finditer(data):
        run = match.group()
        n = len(run)
        high += n
        if n == 1:
            isolated += 1
        elif n % 2 == 0 and all(0xA1 <= b <= 0xFE for b in run):
            zone += n
            # GB2312 level-1 hanzi (the ~3,800 most common characters) have leads 0xB0-0xD7.
            common += sum(1 for b in run[0::2] if 0xB0 <= b <= 0xD7)
    return high, zone, common, isolated


def looks_chinese(data: bytes) -> bool:
    """Do the high bytes pair up like GBK Chinese text (both bytes 0xA1-0xFE, common leads)?"""
    high, zone, common, _count = _high_byte_stats(data)
    return high > 0 and zone >= 0.8 * high and common >= 0.5 * (zone // 2)


def looks_western(data: bytes) -> bool:
    """Are the high bytes mostly lone accented letters between ASCII (cp1252 style)?

    'Köln' has one high byte between ASCII letters; 'Größe' a run of two. Cyrillic or
    Greek words, and most CJK text, make longer runs.
    """
    runs = [len(m.group()) for m in _HIGH_RUN.finditer(data)]
    high = sum(runs)
    return high > 0 and sum(n for n in runs if n <= 2) >= 0.8 * high


def detect(data: bytes, complete: bool) -> tuple[str, str]:
    """Return (python codec name, plain-English note) for the bytes of a CSV file.

    ``data`` is the start of the file (or all of it when ``complete``). Raises ValueError
    if no encoding decodes it (the caller turns that into a DataError).
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", _("Encoding detected as UTF-8 (the file starts with a byte-order mark).")
    wide = _utf16_or_32(data)
    if wide is not None:
        return wide, _("Encoding detected as {encoding}.").format(encoding=describe(wide))
    if decodes(data, "utf-8", complete):
        if data.isascii():
            return "utf-8", _("Encoding detected as UTF-8 (the file is plain ASCII).")
        return "utf-8", _("Encoding detected as {encoding}.").format(encoding="UTF-8")
    if looks_chinese(data) and decodes(data, "gb18030", complete):
        return "gb18030", _("Encoding detected as {encoding}.").format(encoding=describe("gb18030"))
    if looks_western(data) and decodes(data, "cp1252", complete):
        return "cp1252", _("Encoding detected as {encoding}.").format(encoding=describe("cp1252"))
    guess = _charset_normalizer_guess(data)
    if guess is not None and guess not in _GB_FAMILY and decodes(data, guess, complete):
        return guess, _("Encoding detected as {encoding}.").format(encoding=describe(guess))
    if decodes(data, "cp1252", complete):
        return "cp1252", _("Encoding could not be identified with confidence; read as {encoding}. Choose the "
                           "encoding if text looks wrong.").format(encoding=describe("cp1252"))
    return "iso8859-1", _("Encoding could not be identified with confidence; read as {encoding}. Choose the "
                          "encoding if text looks wrong.").format(encoding=describe("iso8859-1"))


def _charset_normalizer_guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    best = from_bytes(data[:65536]).best()
    if best is None or not best.encoding:
        return None
    try:
        return canonical(best.encoding)
    except LookupError:
        return None
