"""The file's bytes: where they come from (a file, or a stream read once), the head the decisions are
made on, the checks that refuse what is not a table, the encoding, and the decoded sample."""

from __future__ import annotations

import io
import os
import re
import select
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple

import numpy as np

from core.data import encoding as enc
from core.data.notes import Notes, one_line, refuse
from core.i18n import _

SAMPLE_BYTES = 64 * 1024
# A line longer than this is not a row of a table (a file without line breaks, a dump): refused
# before pandas would tokenise it, which costs many times its size in memory.
MAX_LINE_BYTES = 4 << 20
SCAN_CHUNK_BYTES = 16 << 20
# a pipe or FIFO can be read only once, so it is read into memory: up to this much
MAX_STREAM_BYTES = 2 << 30
STREAM_WAIT_S = 30  # for a stream's first bytes

_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f]")
_SEP_LINE = re.compile(rb"^\s*sep=.\s*$", re.IGNORECASE)  # Excel's first line (core.data.dialect)


@dataclass(frozen=True)
class Source:
    """A file to read; `data` holds all of it when it can be read only once (a pipe, /dev/stdin)."""

    path: Path
    data: bytes | None = None

    @property
    def name(self) -> str:
        return self.path.name

    def opened(self) -> Path | BinaryIO:
        """What pandas reads: the path, or the bytes already in memory."""
        return io.BytesIO(self.data) if self.data is not None else self.path

    def all_bytes(self) -> bytes:
        return self.data if self.data is not None else self.path.read_bytes()


def open_source(path: Path) -> Source:
    """The file, after refusing what isn't one; a stream is read into memory, its lines checked."""
    if not path.exists():
        raise refuse(_("File '{file}' was not found ({path}).").format(file=path.name, path=path))
    if path.is_dir():
        raise refuse(_("'{file}' is a folder, not a CSV file.").format(file=path.name))
    if not path.is_file():   # a pipe, a FIFO, /dev/stdin: one read only
        return Source(path, _read_once(path))
    return Source(path)


class Head(NamedTuple):
    """The first SAMPLE_BYTES of the file, and whether they are all of it."""

    file: str
    data: bytes
    complete: bool


def read_head(source: Source) -> Head:
    """The head, after refusing an empty or binary file and one with a line too long to be a row."""
    if source.data is not None:
        size = _head_size(source.data[:MAX_LINE_BYTES + SAMPLE_BYTES])
        head, complete = source.data[:size], len(source.data) <= size
    else:
        with open(source.path, "rb") as fh:
            head = fh.read(SAMPLE_BYTES)
            complete = fh.read(1) == b""
            if not complete:
                fh.seek(0)
                _check_lines(iter(lambda: fh.read(SCAN_CHUNK_BYTES), b""), source.name)
                fh.seek(0)
                size = _head_size(fh.read(MAX_LINE_BYTES + SAMPLE_BYTES))
                if size > SAMPLE_BYTES:
                    fh.seek(0)
                    head = fh.read(size)
                    complete = fh.read(1) == b""
        if complete:
            _check_lines([head], source.name)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise refuse(_("'{file}' is empty.").format(file=source.name))
    reason = enc.binary_reason(head)
    if reason:
        raise refuse(_("Can't read '{file}': {reason}.").format(file=source.name, reason=reason))
    return Head(source.name, head, complete)


def _head_size(start: bytes) -> int:
    """SAMPLE_BYTES, or more when the header line (after a 'sep=' line) is longer: the header
    whole and, after it, as many bytes as it has (at least SAMPLE_BYTES) for the first data
    rows. A header cut at the sample's end dropped and truncated columns (issue 27 N5)."""
    end = start.find(b"\n")
    if end >= 0 and _SEP_LINE.match(start[:end]):
        end = start.find(b"\n", end + 1)
    if end < 0 or end < SAMPLE_BYTES // 2:
        return SAMPLE_BYTES
    return end + 1 + max(SAMPLE_BYTES, end + 1)


def _open_stream(path: Path) -> BinaryIO:
    """The stream, opened once something writes to it: a FIFO nobody writes to blocked `open` (and
    the app) for ever. Waits up to STREAM_WAIT_S for the first bytes (or the writer's end)."""
    if not hasattr(os, "O_NONBLOCK"):  # Windows: no FIFOs of this kind
        return open(path, "rb")  # the caller's `with` closes it
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # returns at once, writer or not
    try:
        ready, _w, _x = select.select([fd], [], [], STREAM_WAIT_S)
        if not ready:
            raise refuse(_("Nothing was written to '{file}' within {seconds} s (a pipe or FIFO that no program "
                           "writes to?).").format(file=path.name, seconds=STREAM_WAIT_S))
        os.set_blocking(fd, True)  # data or the writer's end: read the rest as it comes
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_once(path: Path) -> bytes:
    """All of a stream, in memory, with its lines checked as it arrives."""
    chunks: list[bytes] = []
    total = 0

    def arriving() -> Iterator[bytes]:
        nonlocal total
        with _open_stream(path) as fh:
            while chunk := fh.read(1 << 20):
                total += len(chunk)
                if total > MAX_STREAM_BYTES:
                    raise refuse(_("'{file}' is a stream of more than {size} GB; save it to a file "
                                   "first.").format(file=path.name, size=MAX_STREAM_BYTES >> 30))
                chunks.append(chunk)
                yield chunk

    _check_lines(arriving(), path.name)
    return b"".join(chunks)


def _check_lines(chunks: Iterable[bytes], file: str) -> None:
    """Refuses a line longer than MAX_LINE_BYTES, reading chunk by chunk (bounded memory)."""
    longest = run = 0
    for chunk in chunks:
        data = np.frombuffer(chunk, dtype=np.uint8)
        breaks = np.flatnonzero((data == 10) | (data == 13))
        if len(breaks) == 0:
            run += len(chunk)
        else:
            longest = max(longest, run + int(breaks[0]))
            if len(breaks) > 1:
                longest = max(longest, int(np.diff(breaks).max()) - 1)
            run = len(chunk) - int(breaks[-1]) - 1
        if max(longest, run) > MAX_LINE_BYTES:
            raise refuse(_("Can't read '{file}': it has a line longer than {size} MB, so it is not a "
                           "table of rows (a file without line breaks?).").format(
                file=file, size=MAX_LINE_BYTES >> 20))


class Redetected(NamedTuple):
    """The encoding found on the whole file after the one found on the head failed, and the note."""

    codec: str
    note: str


def choose_encoding(head: Head, wanted: str | None, notes: Notes, redetected: Redetected | None = None) -> str:
    """The re-detected encoding, else the user's, else the one detected on the head."""
    if redetected is not None:
        notes.add(redetected.note)
        return redetected.codec
    if wanted is not None:
        try:
            codec = enc.canonical(wanted)
        except LookupError as exc:
            if "text encoding" in str(exc):
                problem = _("Unknown encoding '{encoding}' for '{file}' (not a text encoding).")
            else:
                problem = _("Unknown encoding '{encoding}' for '{file}'.")
            raise refuse(problem.format(encoding=wanted, file=head.file)) from None
        if codec == "utf-8" and head.data.startswith(b"\xef\xbb\xbf"):
            codec = "utf-8-sig"
        notes.add(_("Encoding set to {encoding} (your choice).").format(encoding=enc.describe(codec)))
        return codec
    codec, note = enc.detect(head.data, head.complete)
    notes.add(note)
    return codec


def redetect(source: Source, codec: str, exc: UnicodeDecodeError) -> Redetected:
    """The encoding of the whole file, when the head's `codec` failed past the head."""
    new_codec, _note = enc.detect(source.all_bytes(), complete=True)
    if new_codec == codec:
        raise refuse(_("Can't decode '{file}' as {encoding}: {problem}").format(
            file=source.name, encoding=enc.describe(codec), problem=one_line(exc))) from exc
    note = _("Encoding detected as {encoding} (the start of the file looked like {first_guess}, but later "
             "bytes don't fit it).").format(encoding=enc.describe(new_codec), first_guess=enc.describe(codec))
    return Redetected(new_codec, note)


def decode_sample(head: Head, codec: str) -> str:
    """The head as text, cut at its last line break when the file goes on, checked to be text."""
    try:
        text = enc.decode_sample(head.data, codec, head.complete)
    except UnicodeDecodeError as exc:
        raise refuse(_("Can't decode '{file}' as {encoding}: byte {byte} can't be read; choose another "
                       "encoding.").format(file=head.file, encoding=enc.describe(codec),
                                           byte=_bad_byte(exc))) from exc
    text = text.lstrip("\ufeff")
    if not head.complete:
        cut = text.rfind("\n")
        if cut > 0:
            text = text[:cut + 1]
    if not text.strip():
        raise refuse(_("'{file}' is empty.").format(file=head.file))
    if len(_CONTROL_TEXT.findall(text)) > max(2, len(text) // 200):
        raise refuse(_("Can't read '{file}': it contains binary data, not text.").format(file=head.file))
    return text


def _bad_byte(exc: UnicodeDecodeError) -> str:
    try:
        return _("0x{byte:02X} at position {position}").format(byte=exc.object[exc.start], position=exc.start)
    except (AttributeError, IndexError, TypeError):
        return _("a byte")
