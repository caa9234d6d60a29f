"""Translated messages for every face: one gettext catalog (domain `lstm_forecaster`).

The engine, the CLI and the GUI write their user-visible sentences through `_()` (and
`ngettext` for counts), as whole sentences with `{named}` placeholders filled by `.format`
after translation, so a translator sees the sentence and can reorder it:

    raise DataError(_("Column {column} has no numbers.").format(column=name))

Strings fixed at import time (setting labels, group titles, baseline names) are only
marked with `N_()` where declared and translated with `_()` where shown, so they follow the
language chosen at start-up. Translation always happens at call time against the current
catalog: `set_language` switches every later `_()` call.

Catalogs live in resources/locale/<lang>/LC_MESSAGES/lstm_forecaster.mo (compiled from the
.po beside it by tools/catalog.py; tests keep the two in step). Run time needs only the
standard library's gettext.
"""

from __future__ import annotations

import gettext as _gettext
import os
import sys
from pathlib import Path

DOMAIN = "lstm_forecaster"
ENGLISH = "en"
CHINESE = "zh_CN"
LANGUAGES = {ENGLISH: "English", CHINESE: "简体中文"}  # each language named in itself

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_language = ENGLISH


def locale_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)  # PyInstaller unpacks data files here
    base = Path(frozen) if frozen else Path(__file__).resolve().parents[1]
    return base / "resources" / "locale"


def normalize(lang: str | None) -> str:
    """A supported language for a locale name: zh, zh_CN, zh_TW.UTF-8, zh-Hans → zh_CN; else en."""
    if lang and lang.strip().lower().replace("-", "_").startswith("zh"):
        return CHINESE
    return ENGLISH


def system_language(environ: dict[str, str] | None = None) -> str:
    """The language the environment asks for, POSIX order: LC_ALL, LC_MESSAGES, LANG (LANGUAGE first
    when set, as GNU gettext does); en when none is set or the language isn't supported."""
    env = os.environ if environ is None else environ
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key)
        if value and value not in ("C", "POSIX"):
            return normalize(value.split(":")[0])
    return ENGLISH


def set_language(lang: str | None, localedir: Path | str | None = None) -> str:
    """Switch every later `_()` call to `lang` (None: the system's); returns the language used.

    `localedir` lets tests load another catalog (the pseudo-locale)."""
    global _translations, _language
    _language = normalize(lang) if lang is not None else system_language()
    if _language == ENGLISH and localedir is None:
        _translations = _gettext.NullTranslations()
    else:
        _translations = _gettext.translation(DOMAIN, str(localedir or locale_dir()), languages=[_language],
                                             fallback=True)
    return _language


def language() -> str:
    return _language


def _(message: str) -> str:
    # gettext("") is the catalog's header, never what an empty label means
    return _translations.gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """For a short word that means different things in different places ("auto", "none")."""
    return _translations.pgettext(context, message)


def N_(message: str) -> str:
    """Marks a string for extraction only; translate it with `_()` where it is shown."""
    return message


def take_language(argv: list[str]) -> tuple[str | None, list[str]]:
    """`--lang X` or `--lang=X` anywhere in argv (before or after a command), and argv without it."""
    rest, lang, i = [], None, 0
    while i < len(argv):
        if argv[i] == "--lang" and i + 1 < len(argv):
            lang, i = argv[i + 1], i + 2
            continue
        if argv[i].startswith("--lang="):
            lang = argv[i].split("=", 1)[1]
        else:
            rest.append(argv[i])
        i += 1
    return lang, rest
