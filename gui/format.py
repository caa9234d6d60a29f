"""How the window writes values: durations, scores, searched settings, and user text made safe for
rich-text labels and tooltips. Pure functions with no state; panels and widgets both use them, so
they live here rather than in one panel (panels may not import each other: pyproject.toml)."""

from __future__ import annotations

import html
from typing import Any

from core.i18n import _
from core.outputs.summary import duration, number_text, score_text  # one implementation, both faces
from core.settings.config import SETTINGS

SETTING_BY_NAME = {s.name: s for s in SETTINGS}
__all__ = ["duration", "escape", "number_text", "plain_tooltip", "score_text", "setting_label", "setting_text",
           "settings_summary"]


def escape(text: str) -> str:
    """User text (column and file names) shown as plain text inside a rich-text label. Quotes stay
    as they are: they are literal in an element's content."""
    return html.escape(text, quote=False)


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as written: Qt renders a tooltip as HTML whenever it looks like
    HTML, so a cell such as '<img src=x>' quoted in it would load an image. Escaped inside <p>, it
    is always rich text whose content is literal."""
    return f"<p>{escape(text)}</p>"


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
