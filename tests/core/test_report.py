"""One-file reports (issue 24 item 4): what the HTML holds, that its charts are real PNGs and every
user string is escaped, the PDF, the CLI's report.html and `report` command, and Chinese."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.data.csv_reader import read_csv
from core.i18n import set_language
from core.outputs.summary import score_text
from tests.english_words import english_words
from tests.factories import make_frame, noisy_sine, run_cli, slow_cosine

TARGET = "<script>alert(1)</script>"
FEATURE = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def hostile_csv(tmp_path_factory) -> Path:
    """A daily series whose target and feature are named like an attack on a browser and a spreadsheet."""
    frame = make_frame(120, **{TARGET: noisy_sine, FEATURE: slow_cosine})
    path = tmp_path_factory.mktemp("data") / "hostile.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def run(hostile_csv):
    from core.pipeline import run_experiment
    from core.settings.config import ForecastConfig

    loaded = read_csv(hostile_csv)
    config = ForecastConfig(target=TARGET, features=(FEATURE,), date_column="day", window=7, horizon=2, epochs=2,
                            ensemble=1, threads=1, forecast_steps=4)
    return loaded, run_experiment(loaded.frame, config, source_info=loaded.source_info(hostile_csv))


def html_of(content) -> str:
    from core.report.output import report_bytes

    return report_bytes(content, ".html").decode("utf-8")


def embedded_pngs(html: str) -> list[bytes]:
    return [base64.b64decode(data) for data in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)]


def test_the_html_holds_the_runs_numbers_charts_and_escapes_every_name(run, hostile_csv):
    from matplotlib.image import imread

    from core.report import from_result

    loaded, result = run
    html = html_of(from_result(result, source=str(hostile_csv), import_report=loaded.report, checksum="ab" * 32,
                               run_id="run-42"))
    # the names arrive escaped, never as markup: no script tag anywhere
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "=cmd|&#x27; /C calc&#x27;!A0" in html
    # the scores of the model and each baseline as metrics.json has them
    for name in ("model", "naive", "linear"):
        assert f'<td class="n">{score_text(result.test_metrics[name]["rmse"])}</td>' in html
    assert result.verdict()["sentence"].replace("'", "&#x27;") in html
    # the forecast table: each step's value
    for value in result.forecast["predicted"]:
        assert f'<td class="n">{score_text(value)}</td>' in html
    assert f"{result.plan.parameters:,}" in html and "ab" * 32 in html and "run-42" in html
    assert f"X {result.data_info['shapes']['X_train']}" in html
    # three charts, each a PNG that decodes to an image of some size
    pngs = embedded_pngs(html)
    assert len(pngs) == 3 and all(png[:8] == b"\x89PNG\r\n\x1a\n" for png in pngs)
    for png in pngs:
        assert imread(io.BytesIO(png), format="png").shape[0] > 200
    assert re.findall(r'<figure id="chart-(\w+)"', html) == ["results", "forecast", "losses"]
    # self-contained: nothing to fetch, nothing to run
    assert not re.search(r"\b(?:src|href)=\"(?!data:)", html) and "http://" not in html and "https://" not in html


def test_the_pdf_has_several_pages(run):
    from core.report import from_result
    from core.report.output import report_bytes

    _loaded, result = run
    pdf = report_bytes(from_result(result), ".pdf")
    assert pdf[:5] == b"%PDF-" and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2


def test_a_report_of_a_saved_model_with_and_without_data(run, hostile_csv, tmp_path):
    from core.model.bundle import load_bundle, save_bundle
    from core.report import from_bundle

    loaded, result = run
    path = save_bundle(result, tmp_path / "m.lstmf", data_sha256=loaded.sha256 or "0" * 64)
    bundle = load_bundle(path)
    alone = html_of(from_bundle(bundle, path))
    assert "The saved model m.lstmf" in alone and "<script" not in alone.lower()
    assert f'<td class="n">{score_text(result.test_metrics["model"]["rmse"])}</td>' in alone  # as it was scored
    with_data = html_of(from_bundle(bundle, path, loaded, hostile_csv, "f" * 64))
    assert "applied to hostile.csv" in with_data and "This is not the file the model was trained on" in with_data
    assert len(embedded_pngs(with_data)) == 3


def test_a_report_with_a_backtest_and_a_search_has_their_sections(run):
    from core.backtest import run_backtest
    from core.report import from_result
    from core.settings.requests import BacktestRequest

    loaded, result = run
    backtest = run_backtest(loaded.frame, result.config, BacktestRequest(folds=2))
    html = html_of(from_result(result, backtest=backtest, search={"study": "s-1", "trials": 9, "best_trial": 4,
                                                                  "validation_score": 0.5, "budget_s": 60}))
    assert "<h2>Backtest</h2>" in html and 'id="table-folds"' in html and 'id="chart-backtest"' in html
    assert "<h2>Search</h2>" in html and "s-1" in html


def test_a_search_run_in_the_window_gets_its_verdict_trials_and_chart(run):
    from core.report import from_result
    from core.search.records import SearchResult, TrialRecord

    _loaded, result = run
    own = TrialRecord(0, {"hidden": 32}, 2.0, "COMPLETE", 3.0, baseline=True)
    trials = [own, TrialRecord(1, {"hidden": 8}, 1.5, "COMPLETE", 2.0),
              TrialRecord(2, {"hidden": 4}, None, "PRUNED", 1.0, reason="out of time")]
    search = SearchResult({"hidden": 8}, result.config, 1.5, {"rmse": 1.2, "baselines": {"naive": {"rmse": 1.9}}},
                          trials, 60.0, 41.0, "study-7", "sqlite:///x", best_number=1, baseline=own,
                          own_test={"rmse": 1.4})
    html = html_of(from_result(result, search=search))
    assert "The best settings beat your own on validation by 25.0%" in html
    assert "The test split confirms the search" in html
    assert re.findall(r'<table id="table-trials">.*?</table>', html, re.S)[0].count("<tr>") == 4  # header + 3
    assert 'id="chart-search"' in html


def test_an_unknown_extension_is_refused_in_words():
    from core.errors import ForecasterError
    from core.report import check_suffix

    with pytest.raises(ForecasterError, match=r"HTML \(\.html\) or PDF \(\.pdf\), not \.docx"):
        check_suffix(".docx")


def test_the_report_in_chinese(hostile_csv):
    from core.pipeline import run_experiment
    from core.report import from_result
    from core.settings.config import ForecastConfig

    set_language("zh_CN")  # as the window does at its start: the file is read and the run made in Chinese
    loaded = read_csv(hostile_csv)
    result = run_experiment(loaded.frame, ForecastConfig(target=TARGET, features=(FEATURE,), date_column="day",
                                                         window=7, horizon=2, epochs=1, ensemble=1, threads=1))
    html = html_of(from_result(result, source=str(hostile_csv), import_report=loaded.report))
    assert '<html lang="zh-CN">' in html and "预测报告" in html
    text = re.sub(r"<style>.*?</style>|<[^>]+>|data:image/png;base64,[^\"]+", " ", html, flags=re.S)
    text = unescape(text)
    columns = [TARGET, FEATURE, "day"]
    versions = [text for pair in result_versions() for text in pair] + ["LSTM Forecaster", "utf-8"]
    # names the Chinese catalog keeps as they are: ES-RNN, Adam, MSE, the "epochs" in the epochs label...
    names = ["SHA", "UTC", "X", "y", "ES-RNN", "ASCII", "Dropout", "epochs", "Adam", "MSE", "alpha"]
    assert english_words(text, keep=columns + versions, allowed=names) == []


def result_versions() -> list[tuple[str, str]]:
    from core.model.bundle import library_versions

    return list(library_versions().items())


# --------------------------------------------------------------------------- the command line


def test_train_writes_report_html_and_report_makes_one_from_the_model(hostile_csv, tmp_path):
    out = tmp_path / "run"
    done = run_cli("train", hostile_csv, "--target", TARGET, "--features", FEATURE, "--window", "7", "--epochs", "2",
                   "--ensemble", "1", "--threads", "1", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "report.html" in done.stdout
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in html and "<script" not in html.lower() and len(embedded_pngs(html)) == 3
    metrics = pd.read_json(out / "metrics.json", typ="series")
    assert f'<td class="n">{score_text(metrics["test"]["model"]["rmse"])}</td>' in html

    pdf = tmp_path / "saved.pdf"
    done = run_cli("report", "--model", out / "model.lstmf", "--out", pdf)
    assert done.returncode == 0, done.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"
    page = tmp_path / "applied.html"
    done = run_cli("report", "--model", out / "model.lstmf", hostile_csv, "--out", page)
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert "applied to hostile.csv" in html and "This is the file the model was trained on" in html

    done = run_cli("report", "--model", out / "model.lstmf", "--out", tmp_path / "r.docx")
    assert done.returncode == 2 and "not .docx" in done.stderr and not (tmp_path / "r.docx").exists()
    done = run_cli("report", "--model", out / "model.lstmf", hostile_csv, "--out", hostile_csv.with_suffix(".html"))
    assert done.returncode == 0
    before = hostile_csv.read_bytes()
    done = run_cli("report", "--model", out / "model.lstmf", "--out", out / "model.lstmf")
    assert done.returncode == 2 and hostile_csv.read_bytes() == before  # an input is never written over


def test_a_report_that_fails_to_draw_never_costs_the_model(hostile_csv, tmp_path, monkeypatch):
    import core.report.output as output
    from core.model.bundle import load_bundle

    def broken(*args, **kwargs):
        raise ValueError("a report that can't be drawn")

    monkeypatch.setattr(output, "write_report", broken)
    out = tmp_path / "run"
    done = run_cli("train", hostile_csv, "--target", TARGET, "--window", "7", "--epochs", "1", "--ensemble", "1",
                   "--threads", "1", "--out", out)
    assert done.returncode == 1 and "report.html could not be drawn (ValueError)" in done.stderr
    assert load_bundle(out / "model.lstmf").config.target == TARGET
    assert (out / "plot.png").exists() and not (out / "report.html").exists()
    assert "report.html" not in done.stdout  # the summary lists only what was written


# --------------------------------------------------------------------------- a browser


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_the_report_opens_in_headless_chromium_and_shows_its_charts(run, hostile_csv, tmp_path):
    from matplotlib.image import imread

    from core.report import from_result
    from core.report.output import write_report

    loaded, result = run
    page = write_report(from_result(result, source=str(hostile_csv), import_report=loaded.report),
                        tmp_path / "report.html")
    shot = tmp_path / "shot.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={shot}", "--window-size=1200,2400", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    pixels = imread(shot)[..., :3]
    # the charts' colours are on the page: the real line's near-black and the forecast's purple,
    # and the training span's blue shading; a page without images would be text on white
    purple = np.all(np.abs(pixels - np.array([0x70, 0x48, 0xE8]) / 255) < 0.08, axis=-1)
    shading = np.all(np.abs(pixels - np.array([0xDB, 0xE9, 0xF6]) / 255) < 0.03, axis=-1)
    assert purple.sum() > 50 and shading.sum() > 20_000
