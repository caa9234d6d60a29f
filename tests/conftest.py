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


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    """Tests read English unless they ask for another language; a test that switches is undone."""
    from core.i18n import set_language

    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language("en")
    yield
    set_language("en")


def pytest_configure(config):
    """Tells the test modules which tier runs: the everyday one deselects `slow` (pyproject's
    addopts); CI's full run (`-m "slow or not slow"`) runs everything, property tests with their
    full number of examples."""
    everyday = (config.option.markexpr or "").strip().startswith("not slow")  # not "slow or not slow"
    os.environ["LSTMF_FULL_TIER"] = "" if everyday else "1"
