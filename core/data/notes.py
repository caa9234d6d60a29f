"""What the reader tells the user: the notes it collects, and the small helpers its sentences share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from core.errors import DataError
from core.i18n import ngettext


@dataclass
class Notes:
    """Every decision of one read, in order; `changes` are the ones that changed values or rows
    (filled, dropped, sorted, re-read numbers): what a user must hear about before training."""

    notes: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    def add(self, note: str) -> None:
        self.notes.append(note)

    def change(self, note: str) -> None:
        """A note about something that changed values or rows (also in `changes`)."""
        self.notes.append(note)
        self.changes.append(note)


def refuse(message: str) -> DataError:
    """The one-line DataError for a file the reader can't take (the message names the file)."""
    return DataError(" ".join(message.split()))


def short(value: object, limit: int = 30) -> str:
    """A value for a one-line message: whitespace collapsed, long text cut."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def one_line(exc: BaseException) -> str:
    """An exception's text on one line (its type's name when it has none)."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def quote_list(names: Iterable[object], limit: int = 8) -> str:
    """"'a', 'b', 'c'" with at most `limit` names, then a translated "and N more"."""
    names = list(names)
    shown = ", ".join(f"'{n}'" for n in names[:limit])
    if len(names) <= limit:
        return shown
    more = len(names) - limit
    return ngettext("{names} and {count} more", "{names} and {count} more", more).format(names=shown, count=more)
