"""main.py: a frozen build keeps matplotlib's font cache between launches."""

import os
import sys

import main


def test_a_frozen_build_keeps_matplotlibs_cache_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_FORECASTER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MPLCONFIGDIR", "/tmp/_MEI-fresh-every-launch")  # as PyInstaller's hook sets it
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    main.keep_matplotlib_cache()
    assert os.environ["MPLCONFIGDIR"] == str(tmp_path / "matplotlib")
    assert (tmp_path / "matplotlib").is_dir()


def test_from_source_matplotlibs_own_choice_stands(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_FORECASTER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MPLCONFIGDIR", "/somewhere/the/user/chose")
    monkeypatch.delattr(sys, "frozen", raising=False)
    main.keep_matplotlib_cache()
    assert os.environ["MPLCONFIGDIR"] == "/somewhere/the/user/chose"
    assert not (tmp_path / "matplotlib").exists()


def test_a_read_only_data_folder_leaves_the_temporary_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder would be")
    monkeypatch.setenv("LSTM_FORECASTER_DATA_DIR", str(blocker))
    monkeypatch.setenv("MPLCONFIGDIR", "/tmp/_MEI-fresh-every-launch")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    main.keep_matplotlib_cache()
    assert os.environ["MPLCONFIGDIR"] == "/tmp/_MEI-fresh-every-launch"
