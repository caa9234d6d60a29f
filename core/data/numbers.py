"""Numbers as spreadsheets write them: which decimal mark and thousands separator a file uses, and
strings read into floats with them (also '(100.25)', '$100' and '9.6%'); a column's kind from its values."""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

import numpy as np
import pandas as pd

NA_TOKENS = ["", "NA", "N/A", "n/a", "na", "NaN", "nan", "-", "--", "null", "NULL", "Null",
             "None", "none", "#N/A", "#NA"]
NA_SET = frozenset(NA_TOKENS)
# Share of a column's values that must be numbers for it to count as numeric.
NUMERIC_SHARE = 0.75
# ... or this share, if the non-numbers are a few repeated placeholders ("n.a.", "?").
NUMERIC_SHARE_FEW_TOKENS = 0.5


_P = {name: re.compile(rx) for name, rx in {
    "comma_dec": r"^[-+]?\d+,(?:\d{1,2}|\d{4,})$",
    "comma_dec_grouped": r"^[-+]?\d{1,3}(?:\.\d{3})+,\d+$",
    "dot_groups_multi": r"^[-+]?\d{1,3}(?:\.\d{3}){2,}$",
    "zero_comma": r"^[-+]?0?,\d+$",
    "dot_dec": r"^[-+]?\d+\.(?:\d{1,2}|\d{4,})(?:[eE][-+]?\d+)?$",
    "dot_dec_grouped": r"^[-+]?\d{1,3}(?:,\d{3})+\.\d+$",
    "comma_groups_multi": r"^[-+]?\d{1,3}(?:,\d{3}){2,}$",
    "zero_dot": r"^[-+]?0?\.\d+(?:[eE][-+]?\d+)?$",
    "comma_amb": r"^[-+]?[1-9]\d{0,2},\d{3}$",
    "dot_amb": r"^[-+]?[1-9]\d{0,2}\.\d{3}$",
}.items()}


def detect_decimal(values: list[str], delimiter: str,
                   decimal: str | None = None) -> tuple[str, str | None, str, str]:
    """(decimal, thousands, example number, example with thousands) from sample values.

    Unambiguous shapes vote: '1234,5' or '1.234,5' for a decimal comma, '1234.5' or
    '1,234.5' for a decimal point. '1,500' alone is ambiguous: read as 1.5 in a
    semicolon-separated file (the European Excel convention), else as 1500.
    """
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for v in values:
        v = v.strip()
        if not v or len(v) > 40 or not v[-1].isdigit():
            continue
        for name, rx in _P.items():
            if rx.match(v):
                counts[name] += 1
                examples.setdefault(name, v)
    comma = (counts["comma_dec"] + counts["comma_dec_grouped"] + counts["dot_groups_multi"]
             + counts["zero_comma"])
    dot = (counts["dot_dec"] + counts["dot_dec_grouped"] + counts["comma_groups_multi"]
           + counts["zero_dot"])
    if decimal is None:
        if comma > dot:
            decimal = ","
        elif dot > comma:
            decimal = "."
        else:
            only_commas = counts["comma_amb"] and not counts["dot_amb"]
            decimal = "," if (only_commas and delimiter == ";") else "."
    if decimal == ",":
        grouped = ("comma_dec_grouped", "dot_groups_multi", "dot_amb")
        evidence = ("comma_dec", "zero_comma", "comma_dec_grouped", "comma_amb")
    else:
        grouped = ("dot_dec_grouped", "comma_groups_multi", "comma_amb")
        evidence = ("dot_dec", "zero_dot", "dot_dec_grouped")
    thousands = ("." if decimal == "," else ",") if any(counts[k] for k in grouped) else None
    example = next((examples[k] for k in evidence + grouped if k in examples), "")
    thousands_example = next((examples[k] for k in grouped if k in examples), "")
    return decimal, thousands, example, thousands_example


def number_pattern(decimal: str, thousands: str | None) -> str:
    """Regex for a plain number written with these separators ('1.234,5', '-3e4', ',5')."""
    d = re.escape(decimal)
    whole = (rf"(?:\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+|\d+)" if thousands
             else r"\d+")
    return rf"^[-+]?(?:{whole}(?:{d}\d*)?|{d}\d+)(?:[eE][-+]?\d+)?$"


def to_numbers(values: pd.Series, decimal: str, thousands: str | None) -> pd.Series:
    """Strings -> floats (NaN where not a number), honouring the separators.

    Only well-formed, finite numbers count: with '.' as thousands separator the date
    '01.02.2024' is not a number (pandas alone would make it 1022024), nor is 'inf'.
    """
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) not in (
            "string", "empty"):
        # pandas infers types per chunk: a column can mix parsed floats with strings.
        is_str = np.fromiter((isinstance(v, str) for v in values), dtype=bool,
                             count=len(values))
        out = pd.Series(np.nan, index=values.index, dtype="float64")
        out[~is_str] = pd.to_numeric(values[~is_str], errors="coerce")
        if is_str.any():
            out[is_str] = to_numbers(values[is_str].astype(str), decimal, thousands)
        return out.where(np.isfinite(out))
    if thousands is None:
        # Fast path (C speed): only the values pandas can't read get the strict check.
        text = values if decimal == "." else values.str.replace(decimal, ".", regex=False)
        out = pd.to_numeric(text, errors="coerce").astype("float64")
        out = out.where(np.isfinite(out))
        retry = out.isna() & values.notna()
        if retry.any():
            out[retry] = to_numbers_strict(values[retry], decimal, thousands)
        return out
    return to_numbers_strict(values, decimal, thousands)


def to_numbers_strict(values: pd.Series, decimal: str, thousands: str | None) -> pd.Series:
    s = values.astype(str).str.strip()
    ok = s.str.match(number_pattern(decimal, thousands)).fillna(False).astype(bool)
    ok &= values.notna()
    if thousands:
        s = s.str.replace(thousands, "", regex=False)
    if decimal != ".":
        s = s.str.replace(decimal, ".", regex=False)
    out = pd.to_numeric(s.where(ok), errors="coerce").astype("float64")
    return out.where(np.isfinite(out))


_CURRENCY = "$€£¥"


def _number_body(decimal: str, thousands: str | None) -> str:
    """An unsigned number written with these separators, unanchored (see number_pattern)."""
    d = re.escape(decimal)
    whole = (rf"(?:\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+|\d+)" if thousands else r"\d+")
    return rf"(?:{whole}(?:{d}\d*)?|{d}\d+)(?:[eE][-+]?\d+)?"


def decorated_numbers(values: pd.Series, decimal: str,
                      thousands: str | None) -> tuple[pd.Series, dict[str, pd.Series]]:
    """Numbers in accounting parentheses '(100.25)', with a currency symbol '$100', '-€5',
    '100 €', or a percent sign '9.6%': (numbers, {kind: mask}). Only unambiguous shapes: one
    pair of parentheses and no sign inside them, one currency symbol, one sign."""
    cur = re.escape(_CURRENCY)
    pattern = (rf"^(?P<open>\()?\s*(?P<sign>[-+])?\s*(?P<cur>[{cur}])?\s*(?P<sign2>[-+])?\s*"
               rf"(?P<num>{_number_body(decimal, thousands)})\s*(?P<pct>%)?\s*(?P<cur2>[{cur}])?"
               rf"\s*(?P<close>\))?$")
    # '(1,200.50)' in a file that has no other grouped number: grouping is plain once a
    # decimal mark follows it, so the other separator is accepted as thousands here
    thousands = thousands or ("," if decimal == "." else ".")
    pattern = pattern.replace(_number_body(decimal, None), _number_body(decimal, thousands))
    m = values.astype(str).str.strip().str.extract(pattern)
    paren = m["open"].notna() & m["close"].notna()
    has_sign = m["sign"].notna() | m["sign2"].notna()
    currency = m["cur"].notna() | m["cur2"].notna()
    valid = (m["num"].notna() & (m["open"].isna() == m["close"].isna())
             & ~(paren & has_sign) & ~(m["sign"].notna() & m["sign2"].notna())
             & ~(m["cur"].notna() & m["cur2"].notna()) & ~(currency & m["pct"].notna()))
    decorated = valid & (paren | currency | m["pct"].notna()) & values.notna()
    number = to_numbers_strict(m["num"].where(decorated), decimal, thousands)
    negative = paren | (m["sign"] == "-") | (m["sign2"] == "-")
    number = number.where(~negative, -number).where(decorated)
    masks = {"parentheses": paren & decorated, "currency": currency & decorated,
             "percent": m["pct"].notna() & decorated}
    return number, masks


class Classified(NamedTuple):
    """What a column of strings holds: `numbers` and the `bad`-token mask only when numeric."""

    kind: str                             # "numeric" | "text" | "empty"
    numbers: pd.Series | None
    bad: pd.Series | None
    decorated: dict[str, pd.Series]       # kind of decoration -> mask of the values read that way


def classify(values: pd.Series, decimal: str, thousands: str | None) -> Classified:
    """('numeric' | 'text' | 'empty', numbers, bad-token mask, decorated) for a column of strings.

    Blank values and NA tokens (also with spaces around them) are missing, not bad. Numbers in
    accounting parentheses, with a currency symbol or a percent sign are numbers; `decorated`
    maps each of those kinds to the mask of values read that way (empty when there are none).
    """
    present = values.notna().to_numpy().copy()
    if not present.any():
        return Classified("empty", None, None, {})
    nums = to_numbers(values, decimal, thousands)
    decorated: dict[str, pd.Series] = {}
    leftover = present & nums.isna().to_numpy()
    if leftover.any():
        extra, masks = decorated_numbers(values[leftover], decimal, thousands)
        if extra.notna().any():
            nums = nums.copy()
            nums[extra.index[extra.notna()]] = extra[extra.notna()]
            decorated = {kind: mask.reindex(values.index, fill_value=False)
                         for kind, mask in masks.items() if mask.any()}
            leftover = present & nums.isna().to_numpy()
    if leftover.any():
        rest = values[leftover].astype(str).str.strip()
        blank = ((rest == "") | rest.isin(NA_SET)).to_numpy()
        present[np.flatnonzero(leftover)[blank]] = False
        if not present.any():
            return Classified("empty", None, None, {})
    bad = pd.Series(present & nums.isna().to_numpy(), index=values.index)
    share = 1.0 - bad.sum() / present.sum()
    few_tokens = values[bad].astype(str).str.strip().nunique() <= 3
    if share >= NUMERIC_SHARE or (share >= NUMERIC_SHARE_FEW_TOKENS and few_tokens):
        return Classified("numeric", nums, bad, decorated)
    return Classified("text", None, None, {})

