"""Tables and typed records as plain JSON, read back with every value's type checked.

A project keeps what the Results tab showed (core keeps it Qt-free: the record's dataclass is the
face's). Writing walks the dataclass's fields; reading checks each value against the field's type
hint, so a crafted file can put no string where a number is drawn and no object where a table is.
Nothing here evaluates or unpickles anything: JSON in, plain values and DataFrames out.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from typing import Any

import numpy as np
import pandas as pd

from core.errors import DamagedValue
from core.i18n import _

MAX_TABLE_ROWS = 5_000_000  # a results table of more rows than this is not one we wrote
MAX_TABLE_COLUMNS = 64
MAX_TEXT = 100_000  # characters in one text value (a verdict, a note)
MAX_ITEMS = 10_000  # items in a list of texts or numbers, entries in a mapping
# numeric dtypes a table column may name: the dtype is restored exactly, nothing else is accepted
DATE_DTYPES = ("datetime64[s]", "datetime64[ms]", "datetime64[us]", "datetime64[ns]")  # time zones are not ours
NUMBER_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64")


def damaged(reason: str) -> DamagedValue:
    """A translated phrase saying what is wrong; the reader words it into one sentence naming the file."""
    return DamagedValue(reason)


# ---------------------------------------------------------------- tables
def table_to_json(frame: pd.DataFrame) -> dict[str, Any]:
    """A DataFrame (default index) as columns with their kind: numbers keep their dtype, dates are
    ISO text, categories keep their order, anything else is text."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        column: dict[str, Any] = {"name": str(name)}
        if isinstance(series.dtype, pd.CategoricalDtype):
            column |= {"kind": "category", "categories": [str(c) for c in series.cat.categories],
                       "values": [None if pd.isna(v) else str(v) for v in series]}
        elif pd.api.types.is_bool_dtype(series.dtype):
            column |= {"kind": "bool", "values": [bool(v) for v in series]}
        elif pd.api.types.is_datetime64_any_dtype(series.dtype):
            column |= {"kind": "datetime", "dtype": str(series.dtype),
                       "values": [None if pd.isna(v) else pd.Timestamp(v).isoformat() for v in series]}
        elif pd.api.types.is_numeric_dtype(series.dtype) and str(series.dtype) in NUMBER_DTYPES:
            column |= {"kind": "number", "dtype": str(series.dtype), "values": series.tolist()}
        else:
            column |= {"kind": "text", "values": [None if _missing(v) else str(v) for v in series]}
        columns.append(column)
    return {"rows": len(frame), "columns": columns}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def table_from_json(data: Any) -> pd.DataFrame:
    """The table `table_to_json` wrote; DamagedValue for anything it would not have written."""
    if not isinstance(data, dict) or not isinstance(data.get("columns"), list):
        raise damaged(_("a table is not a list of columns"))
    rows = data.get("rows")
    if not _is_int(rows) or not 0 <= rows <= MAX_TABLE_ROWS:
        raise damaged(_("a table's number of rows is not a count up to {limit:,}").format(limit=MAX_TABLE_ROWS))
    if len(data["columns"]) > MAX_TABLE_COLUMNS:
        raise damaged(_("a table has more than {limit} columns").format(limit=MAX_TABLE_COLUMNS))
    out: dict[str, Any] = {}
    for column in data["columns"]:
        if not isinstance(column, dict) or not isinstance(column.get("name"), str):
            raise damaged(_("a table's column has no name"))
        name, values = column["name"], column.get("values")
        if name in out:
            raise damaged(_("a table has the column {name!r} twice").format(name=name[:80]))
        if not isinstance(values, list) or len(values) != rows:
            raise damaged(_("the column {name!r} does not hold one value per row").format(name=name[:80]))
        out[name] = _column(name, column, values)
    return pd.DataFrame(out, index=pd.RangeIndex(rows))


def _column(name: str, column: dict[str, Any], values: list) -> Any:
    kind = column.get("kind")
    wrong = damaged(_("the column {name!r} holds a value of the wrong type").format(name=name[:80]))
    if kind == "number":
        dtype = column.get("dtype")
        if dtype not in NUMBER_DTYPES:
            raise damaged(_("the column {name!r} names no known number type").format(name=name[:80]))
        whole = np.dtype(dtype).kind in "iu"
        if not all(_is_int(v) if whole else (v is None or _is_number(v)) for v in values):
            raise wrong
        try:
            return np.array([math.nan if v is None else v for v in values], dtype=dtype)
        except (OverflowError, ValueError):
            raise wrong from None
    if kind == "bool":
        if not all(isinstance(v, bool) for v in values):
            raise wrong
        return np.array(values, dtype=bool)
    if kind in ("text", "category", "datetime"):
        if not all(v is None or (isinstance(v, str) and len(v) <= MAX_TEXT) for v in values):
            raise wrong
        if kind == "text":
            return pd.Series(values)  # the text dtype pandas gives such a column where the engine makes it
        if kind == "datetime":
            dtype = column.get("dtype", DATE_DTYPES[-1])
            if dtype not in DATE_DTYPES:
                raise damaged(_("the column {name!r} names no known date type").format(name=name[:80]))
            try:
                return pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601").astype(dtype)
            except (ValueError, TypeError, OverflowError):
                raise damaged(_("the column {name!r} holds a date that can't be read").format(name=name[:80])) from None
        categories = column.get("categories")
        if (not isinstance(categories, list) or not all(isinstance(c, str) for c in categories)
                or len(set(categories)) != len(categories) or not set(values) - {None} <= set(categories)):
            raise damaged(_("the column {name!r} has categories that don't match its values").format(name=name[:80]))
        return pd.Categorical(values, categories=categories)
    raise damaged(_("the column {name!r} is of no known kind").format(name=name[:80]))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# ---------------------------------------------------------------- typed records
def record_to_json(record: Any) -> dict[str, Any]:
    """A dataclass's fields as JSON values (tables through `table_to_json`, tuples as lists)."""
    out: dict[str, Any] = {}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if isinstance(value, pd.DataFrame):
            value = table_to_json(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[field.name] = value
    return out


def record_from_json(cls: type, data: Any) -> Any:
    """An instance of the dataclass `cls` from `record_to_json`'s output, each value checked against
    the field's type hint; a missing field takes its default, an unknown one is left out."""
    if not isinstance(data, dict):
        raise damaged(_("the results are not a set of named values"))
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        if field.name not in data:
            if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                raise damaged(_("the results lack {name!r}").format(name=field.name))
            continue
        try:
            values[field.name] = _typed(hints[field.name], data[field.name])
        except _Wrong:
            raise damaged(_("the results' {name!r} is not of the right type").format(name=field.name)) from None
    return cls(**values)


class _Wrong(Exception):
    """A value that does not fit its hint (worded by the caller, which knows the field)."""


def _typed(hint: Any, value: Any) -> Any:
    """`value` checked (and converted: lists to tuples, tables to DataFrames) against `hint`."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"unsupported hint {hint!r}")  # a programming error, not a file's
        return _typed(inner[0], value)
    if hint is pd.DataFrame:
        return table_from_json(value)
    if hint is str:
        if isinstance(value, str) and len(value) <= MAX_TEXT:
            return value
    elif hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if _is_int(value):
            return value
    elif hint is float:
        if _is_number(value):
            return float(value)
    elif origin in (tuple, list):
        item = args[0]
        if isinstance(value, list) and len(value) <= MAX_ITEMS:
            # a NaN among numbers was written as null (core.files.dumps)
            items = [math.nan if v is None and item is float else _typed(item, v) for v in value]
            return tuple(items) if origin is tuple else items
    elif origin is dict:
        key, item = args
        if isinstance(value, dict) and len(value) <= MAX_ITEMS:
            return {_typed(key, k): _typed(item, v) for k, v in value.items()}
    else:
        raise TypeError(f"unsupported hint {hint!r}")
    raise _Wrong
