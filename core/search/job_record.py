"""A study's job record checked like a model file before a worker uses it.

The record lives in a database that may be shared between machines: as untrusted as a file from
the internet. A wrong type, a size out of range or columns of unequal length is refused with one
line (SearchError) before anything is built from it; `train_end: 10^9` used to allocate 7.45 GiB
of window origins, and a space of hidden 2048-4096 x 8-16 layers drew networks of tens of GB.
"""

from __future__ import annotations

import json
import math
from typing import Any

from optuna.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution

from core.errors import ForecasterError
from core.i18n import _
from core.search.storage import SearchError
from core.settings.config import SETTINGS
from core.settings.requests import MAX_SEED

_BY_NAME = {s.name: s for s in SETTINGS}


def damaged(what: str) -> SearchError:
    return SearchError(_("The study's job record is damaged or was not written by this app ({what}); start a new "
                         "search.").format(what=what))


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse(text: str) -> dict[str, Any]:
    """The record's JSON object, its scalar fields checked."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise damaged(_("not JSON")) from None
    if not isinstance(data, dict):
        raise damaged(_("not a JSON object"))
    for key in ("settings", "train_end", "columns", "space", "deadline_utc", "trials", "seed"):
        if key not in data:
            raise damaged(_("no '{key}'").format(key=key))
    if not _whole(data.get("format", 1)) or data.get("format", 1) < 1:
        raise damaged("format")
    if not isinstance(data["settings"], dict):
        raise damaged("settings")
    if not (_number(data["deadline_utc"]) and math.isfinite(data["deadline_utc"])):
        raise damaged("deadline_utc")
    if not (data["trials"] is None or (_whole(data["trials"]) and data["trials"] >= 1)):
        raise damaged("trials")
    if not (_whole(data["seed"]) and 0 <= data["seed"] <= MAX_SEED):
        raise damaged("seed")
    if not isinstance(data["space"], str):
        raise damaged("space")
    return data


def columns(data: dict[str, Any], needed: tuple[str, ...]) -> dict[str, list]:
    """The rows as columns of numbers of one length, holding every column the settings use, with
    0 < train_end < rows."""
    cols = data["columns"]
    if not isinstance(cols, dict) or not cols:
        raise damaged("columns")
    lengths = set()
    for name, values in cols.items():
        if not isinstance(values, list) or not all(v is None or _number(v) for v in values):
            raise damaged(_("column '{column}'").format(column=name))
        lengths.add(len(values))
    if len(lengths) != 1:
        raise damaged(_("columns of different lengths"))
    missing = [name for name in needed if name not in cols]
    if missing:
        raise damaged(_("no column '{column}'").format(column=missing[0]))
    rows = lengths.pop()
    train_end = data["train_end"]
    if not (_whole(train_end) and 0 < train_end < rows):
        raise damaged("train_end")
    return cols


def space(distributions: dict[str, BaseDistribution]) -> dict[str, BaseDistribution]:
    """Each distribution a searchable setting's, inside the range the settings table searches."""
    for name, d in distributions.items():
        s = _BY_NAME.get(name)
        if s is None or not s.searchable:
            raise damaged(_("searched setting '{name}'").format(name=name))
        if isinstance(d, CategoricalDistribution):
            allowed = (False, True) if s.kind is bool else tuple(s.values or ())
            ok = all(any(type(c) is type(a) and c == a for a in allowed) for c in d.choices)
        elif isinstance(d, (IntDistribution, FloatDistribution)):
            low, high = s.search_range if s.search_range is not None else (s.low, s.high)
            ok = (low is not None and high is not None and s.kind in (int, float) and
                  (isinstance(d, FloatDistribution) or s.kind is int) and low <= d.low <= d.high <= high)
        else:
            ok = False
        if not ok:
            raise damaged(_("the range of '{name}'").format(name=name))
    return distributions


def checked(step: Any, what: str) -> Any:
    """`step()`, with anything but a refusal worded as damage to the record (`what`)."""
    try:
        return step()
    except ForecasterError:
        raise
    except Exception:  # a crafted record: TypeError, ValueError, KeyError ... from the converters
        raise damaged(what) from None
