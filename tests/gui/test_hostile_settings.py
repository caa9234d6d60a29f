"""Issue 27 N11: the Search tab's storage URL is kept in settings.ini without its password, and
settings.ini is readable by its owner only."""

from __future__ import annotations

from pathlib import Path


def _files_holding(folder: Path, secret: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_the_search_form_is_kept_without_the_storage_password():
    """settings.ini (mode 0644) held search_form with "postgresql://u:s3cret@host/db"."""
    import os

    from gui.app_settings import AppSettings

    data = Path(os.environ["LSTM_FORECASTER_DATA_DIR"])
    settings = AppSettings()
    settings.set_search_values({"budget_s": 60, "storage": "postgresql://u:s3cret@host/db"})
    settings.sync()
    assert _files_holding(data, "s3cret") == []
    assert AppSettings().search_values()["storage"] == "postgresql://u@host/db"
    assert Path(settings.path()).stat().st_mode & 0o777 == 0o600
