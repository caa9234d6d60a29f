"""Settings that persist between runs, in one INI file in the app's data folder.

An explicit INI file (not the platform registry) keeps every platform alike and lets tests
isolate it by pointing LSTM_FORECASTER_DATA_DIR at a temp folder. QSettings' INI quirks: a
one-item list reads back as str and a bool as 'true', so reads name their type.

The last-used settings are one key per setting of the settings table, under [last_used],
written as text and read back with the setting's declared type.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from core.files import user_data_dir
from core.settings.config import SETTINGS
from core.settings.requests import BacktestRequest
from core.settings.table import Setting, settings_of

MAX_RECENT = 8
MAX_REMEMBERED_FILES = 50  # files whose target and ticked features are remembered
COLUMNS_BY_FILE = "columns_by_file"  # one JSON object: file path -> {"target": ..., "features": [...]}
LAST_USED = "last_used"
BACKTEST = "backtest_request"  # one JSON object: the Backtest tab's form
SEARCH_FORM = "search_form"  # one JSON object: the Search tab's fields
LEGACY_LAST_SETTINGS = "last_settings"  # one JSON string, written by versions before the table


def _as_text(value: Any) -> str:
    if value is None:
        return "auto"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ",".join(str(v) for v in value)
    return str(value)


def _from_stored(s: Setting, stored: Any) -> Any:
    """The stored value with the declared type; ValueError when it isn't a valid value."""
    if isinstance(stored, list):  # QSettings splits an unquoted "a, b" into a list
        stored = ",".join(str(v) for v in stored)
    value = s.from_text(str(stored))
    if s.problem(value) is not None:
        raise ValueError(s.problem(value))
    return value


class AppSettings:
    def __init__(self) -> None:
        folder = user_data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        self._settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)

    def path(self) -> str:
        return self._settings.fileName()

    def recent_files(self) -> list[str]:
        value = self._settings.value("recent_files", [], type=list)
        return [str(v) for v in value if v]

    def add_recent_file(self, path: str) -> list[str]:
        files = [path] + [p for p in self.recent_files() if p != path]
        self._settings.setValue("recent_files", files[:MAX_RECENT])
        return files[:MAX_RECENT]

    def clear_recent_files(self) -> None:
        self._settings.setValue("recent_files", [])

    def recent_projects(self) -> list[str]:
        value = self._settings.value("recent_projects", [], type=list)
        return [str(v) for v in value if v]

    def add_recent_project(self, path: str) -> list[str]:
        projects = ([path] + [p for p in self.recent_projects() if p != path])[:MAX_RECENT]
        self._settings.setValue("recent_projects", projects)
        return projects

    def clear_recent_projects(self) -> None:
        self._settings.setValue("recent_projects", [])

    def language(self) -> str | None:
        """The language chosen in View > Language; None until the user chooses one."""
        value = self._settings.value("language", "", type=str)
        return str(value) or None

    def set_language(self, lang: str) -> None:
        self._settings.setValue("language", lang)

    def last_directory(self) -> str:
        return str(self._settings.value("last_directory", str(Path.home()), type=str))

    def set_last_directory(self, folder: str) -> None:
        self._settings.setValue("last_directory", folder)

    def bytes_value(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) else None

    def set_bytes_value(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(key, value)

    def form_values(self) -> dict[str, Any]:
        """The last-used settings by name; missing or unreadable ones are left out."""
        values = self._legacy_form_values()
        self._settings.beginGroup(LAST_USED)
        try:
            for s in SETTINGS:
                if self._settings.contains(s.name):
                    try:
                        values[s.name] = _from_stored(s, self._settings.value(s.name))
                    except ValueError:
                        values.pop(s.name, None)
        finally:
            self._settings.endGroup()
        return values

    def set_form_values(self, values: dict[str, Any]) -> None:
        self._settings.beginGroup(LAST_USED)
        try:
            for s in SETTINGS:
                if s.name in values:
                    self._settings.setValue(s.name, _as_text(values[s.name]))
        finally:
            self._settings.endGroup()
        self._settings.remove(LEGACY_LAST_SETTINGS)

    def _legacy_form_values(self) -> dict[str, Any]:
        try:
            data = json.loads(str(self._settings.value(LEGACY_LAST_SETTINGS, "{}", type=str)))
        except json.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}

    def search_values(self) -> dict[str, Any]:
        """The Search tab's form as last used (budget, trials, workers, seed, storage, study)."""
        try:
            data = json.loads(str(self._settings.value(SEARCH_FORM, "{}", type=str)))
        except json.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}

    def set_search_values(self, values: dict[str, Any]) -> None:
        """Kept without the storage URL's password: settings.ini is no place for one."""
        from core.search.storage import without_password

        if isinstance(values.get("storage"), str):
            values = values | {"storage": without_password(values["storage"])}
        self._settings.setValue(SEARCH_FORM, json.dumps(values, ensure_ascii=False))

    def _columns_by_file(self) -> dict[str, Any]:
        try:
            data = json.loads(str(self._settings.value(COLUMNS_BY_FILE, "{}", type=str)))
        except json.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}

    def columns_for(self, path: str) -> tuple[str, list[str]] | None:
        """The target and ticked features last used with this file, or None."""
        entry = self._columns_by_file().get(path)
        if not isinstance(entry, dict):
            return None
        features = entry.get("features")
        return str(entry.get("target", "")), [str(f) for f in features] if isinstance(features, list) else []

    def set_columns_for(self, path: str, target: str, features: list[str] | tuple[str, ...]) -> None:
        data = self._columns_by_file()
        data.pop(path, None)
        data[path] = {"target": target, "features": list(features)}  # newest last: the oldest go first
        while len(data) > MAX_REMEMBERED_FILES:
            del data[next(iter(data))]
        self._settings.setValue(COLUMNS_BY_FILE, json.dumps(data, ensure_ascii=False))

    def declared_values(self, cls: type, key: str) -> dict[str, Any]:
        """The declared settings of `cls` (a request) stored as one JSON object under `key`: the
        valid ones by name; unknown, missing or invalid ones are left out ({} if none is readable)."""
        try:
            stored = json.loads(str(self._settings.value(key, "{}")))
        except ValueError:
            return {}
        if not isinstance(stored, dict):
            return {}
        return {s.name: stored[s.name] for s in settings_of(cls)
                if s.name in stored and s.problem(stored[s.name]) is None}

    def set_declared_values(self, cls: type, key: str, values: dict[str, Any]) -> None:
        self._settings.setValue(key, json.dumps({s.name: values[s.name] for s in settings_of(cls)
                                                 if s.name in values}))

    def backtest_request(self) -> dict[str, Any]:
        """The Backtest tab's last form (folds, fold_step, retrain_every, expanding); {} if none or unreadable."""
        return self.declared_values(BacktestRequest, BACKTEST)

    def set_backtest_request(self, values: dict[str, Any]) -> None:
        self.set_declared_values(BacktestRequest, BACKTEST, values)

    def sync(self) -> None:
        self._settings.sync()
        try:  # the owner's alone: it holds file paths and database hosts
            os.chmod(self._settings.fileName(), 0o600)
        except OSError:
            pass
