import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path_factory, monkeypatch):
    """Logs and settings go to a temp folder, never the developer's own."""
    monkeypatch.setenv("LSTM_FORECASTER_DATA_DIR", str(tmp_path_factory.mktemp("appdata")))


@pytest.fixture
def data_dir() -> Path:
    return DATA
