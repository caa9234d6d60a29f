"""How the window writes values: durations, scores, searched settings, and user text made safe for
rich-text labels and tooltips. Pure functions with no state; panels and widgets both use them, so
they live here rather than in one panel (panels may not import each other: pyproject.toml)."""

from __future__ import annotations

import html
import math
from typing import Any

from core.i18n import _
from core.settings.config import SETTINGS

SETTING_BY_NAME = {s.name: s for s in SETTINGS}


def escape(text: str) -> str:
    """User text (column and file names) shown as plain text inside a rich-text label. Quotes stay
    as they are: they are literal in an element's content."""
    return html.escape(text, quote=False)


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as written: Qt renders a tooltip as HTML whenever it looks like
    HTML, so a cell such as '<img src=x>' quoted in it would load an image. Escaped inside <p>, it
    is always rich text whose content is literal."""
    return f"<p>{escape(text)}</p>"


def duration(seconds: float) -> str:
    """'42 s', '3 min 05 s', '2 h 07 min'."""
    if seconds < 60:
        return _("{seconds:.0f} s").format(seconds=seconds)
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return _("{minutes} min {seconds:02d} s").format(minutes=minutes, seconds=secs)
    hours, minutes = divmod(minutes, 60)
    return _("{hours} h {minutes:02d} min").format(hours=hours, minutes=minutes)


def number_text(value: float) -> str:
    """A score or a real-valued setting, short: four significant digits."""
    return f"{value:.4g}"


def score_text(score: float | None) -> str:
    """A trial's score as the table, the chart's readers and the best line show it ('' for none)."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return ""
    return number_text(score)


def setting_text(name: str, value: Any) -> str:
    """A searched setting's value as the form would name it: choices by their label, booleans as
    yes/no, None as the setting's 'auto' word, numbers short."""
    s = SETTING_BY_NAME.get(name)
    if value is None:
        return _(s.auto_text) if s is not None else ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if s is not None and s.choices:
        return s.choice_text(value)
    if s is not None and s.special and value == s.low:
        return _(s.special)
    if isinstance(value, float):
        return number_text(value)
    return str(value)


def setting_label(name: str) -> str:
    s = SETTING_BY_NAME.get(name)
    return _(s.label) if s is not None else name


def settings_summary(settings: dict[str, Any]) -> str:
    """'Hidden units 64, Layers 2, …' in the settings table's order (plain text: one line)."""
    order = {s.name: i for i, s in enumerate(SETTINGS)}
    names = sorted(settings, key=lambda n: order.get(n, len(order)))
    return ", ".join(_("{setting} {value}").format(setting=setting_label(n), value=setting_text(n, settings[n]))
                     for n in names)
