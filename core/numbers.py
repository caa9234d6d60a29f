"""How both faces write a number for a reader: fixed notation (never '1.021e+04'), thousands
grouped, and one count of decimals for a whole column, chosen from the column's magnitude, so
'18.00' sits beside '18.47' instead of '18' (which looks rounded).

Display only: files (CSV, JSON) and the clipboard keep every digit. Qt-free, so the window and
the terminal print the same text for the same value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from core.i18n import CHINESE, ENGLISH, language

SIGNIFICANT = 4  # digits the largest value of a column shows
MAX_DECIMALS = 6  # fixed notation of a tiny value stops here rather than print a long row of zeros
# (thousands separator, decimal mark) of each interface language: both write 24,490.5
MARKS = {ENGLISH: (",", "."), CHINESE: (",", ".")}
EMPTY = "–"  # a cell with no value


def _finite(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # numpy scalars too
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _is_inf(value: object) -> bool:
    try:
        return math.isinf(float(value))  # numpy's infinities too
    except (TypeError, ValueError):
        return False


def decimals_for(values: Iterable[object], significant: int = SIGNIFICANT) -> int:
    """Decimals that give the column's largest value `significant` digits (0 for 24,490; 2 for
    18.47; 4 for 0.9312), capped at MAX_DECIMALS; empty and non-finite values are skipped."""
    sizes = [abs(n) for n in map(_finite, values) if n]
    if not sizes:
        return 0
    digits = math.floor(math.log10(max(sizes))) + 1  # digits before the decimal mark (≤ 0 below 1)
    return min(MAX_DECIMALS, max(0, significant - digits))


def number_text(value: object, decimals: int | None = None, empty: str = "") -> str:
    """`value` in fixed notation, grouped, with `decimals` (default: chosen from the value alone)
    in the interface language's marks; `empty` for None and NaN, '∞' for an infinity."""
    number = _finite(value)
    if number is None:
        infinite = value is not None and not isinstance(value, (bool, str)) and _is_inf(value)
        return ("∞" if float(value) > 0 else "-∞") if infinite else empty
    places = decimals_for([number]) if decimals is None else decimals
    text = f"{number:,.{places}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # -0.00: a tiny negative rounds to zero, not to a signed zero
    group, point = MARKS.get(language(), MARKS[ENGLISH])
    if (group, point) != (",", "."):
        text = text.translate(str.maketrans({",": group, ".": point}))
    return text


def column_texts(values: Iterable[object], empty: str = EMPTY, significant: int = SIGNIFICANT) -> list[str]:
    """A column's values as its cells show them: one count of decimals for all of them."""
    values = list(values)
    places = decimals_for(values, significant)
    return [number_text(v, places, empty) for v in values]


class Figure(float):
    """A number for a translated sentence: a `.4g` field in the message (kept, so that no
    translation changes) writes it with 4 significant digits in grouped fixed notation and keeps
    its trailing zeros ('18.00', '10,210'); other format specs behave as for a float."""

    def __format__(self, spec: str) -> str:
        if spec.endswith("g") and spec[:-1].lstrip(".").isdigit():
            return number_text(float(self), decimals_for([float(self)], int(spec[:-1].lstrip("."))))
        return float.__format__(self, spec)


def figures(**values: float | None) -> dict[str, object]:
    """Keyword arguments for a sentence's .format(): each number made a Figure (None stays None)."""
    return {k: (Figure(v) if _finite(v) is not None else v) for k, v in values.items()}
