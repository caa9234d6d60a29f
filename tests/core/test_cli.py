"""The command line is a contract scripts rely on: outputs, file formats and exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core import __version__
from tests.factories import run_cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "resources" / "samples"


def run(*args):
    """In this process (tests.factories.run_cli); only the tests of a real exit status start a child."""
    return run_cli(*args)


def run_child(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_version():
    out = run_child("--version")
    assert out.returncode == 0 and __version__ in out.stdout


def test_inspect_json_describes_the_file(data_dir):
    out = run("inspect", data_dir / "ausbeer.csv", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert (report["encoding"] in ("utf-8", "ascii")) and report["delimiter"] == ","
    assert report["decimal"] == "." and report["date_column"] == "quarter" and report["rows"] == 212
    columns = {c["name"]: c for c in report["columns"]}
    assert columns["quarter"]["kind"] == "datetime"
    beer = columns["megalitres"]
    assert beer["kind"] == "numeric" and beer["missing"] == 1
    assert beer["min"] == 213.0 and beer["max"] == 599.0
    assert any("megalitres" in note for note in report["notes"])  # the filled gap is reported


def test_inspect_reads_chinese_excel_gbk():
    out = run("inspect", SAMPLES / "store_sales_zh_gbk.csv", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["encoding"] == "gb18030"
    assert [c["name"] for c in report["columns"]] == ["日期", "销量", "气温", "促销", "价格"]
    assert report["date_column"] == "日期" and report["rows"] == 730


@pytest.fixture(scope="module")
def trained_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    result = run("train", SAMPLES / "daily_sales.csv", "--target", "sales", "--features",
                 "temperature,promotion", "--window", "14", "--horizon", "2", "--epochs", "3",
                 "--hidden", "8", "--seed", "1", "--ensemble", "1", "--out", out)
    assert result.returncode == 0, result.stderr
    return out, result


def test_train_writes_metrics_json(trained_dir):
    out, result = trained_dir
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["config"]["window"] == 14 and metrics["config"]["horizon"] == 2
    assert metrics["config"]["features"] == ["temperature", "promotion"]
    assert metrics["config"]["seed"] == 1 and metrics["config"]["epochs"] == 3
    data = metrics["data"]
    assert data["rows"] == 730 and data["encoding"] in ("utf-8", "ascii") and data["delimiter"] == ","
    # 730 rows: 510 train, 110 val, 110 test; 14-row windows predicting 2 steps
    assert data["split_rows"] == {"train": 510, "val": 110, "test": 110}
    assert data["X_train"] == [510 - 14 - 1, 14, 3] and data["y_train"] == [495, 2]
    assert data["X_test"] == [109, 14, 3]
    training = metrics["training"]
    assert training["status"] == "completed" and training["epochs_run"] == 3
    assert len(training["train_loss"]) == len(training["val_loss"]) == len(training["epoch_seconds"]) == 3
    assert 1 <= training["best_epoch"] <= 3 and training["threads"] >= 1
    assert set(metrics["test"]) == {"model", "naive", "seasonal_naive", "linear"}
    for scores in metrics["test"].values():
        assert set(scores) == {"rmse", "mae", "mape", "r2", "mase"}
        assert scores["rmse"] > 0
    assert "sales" in result.stdout and "naive" in result.stdout


def test_train_writes_predictions_plot_and_model(trained_dir):
    out, _ = trained_dir
    predictions = pd.read_csv(out / "predictions.csv")
    assert list(predictions.columns) == ["time", "step", "actual", "predicted", "split"]
    assert len(predictions) == (495 + 109 + 109) * 2  # t=508 straddles train|val: dropped
    assert predictions["split"].value_counts().to_dict() == {"train": 990, "test": 218, "val": 218}
    first = predictions.iloc[0]
    # the first window reads rows 0..13 and predicts rows 14 and 15: 2023-01-15 and -16
    assert first["time"].startswith("2023-01-15") and first["step"] == 1
    source = pd.read_csv(SAMPLES / "daily_sales.csv")
    assert first["actual"] == source["sales"][14]
    assert predictions.iloc[1]["time"].startswith("2023-01-16") and predictions.iloc[1]["actual"] == source["sales"][15]
    assert (out / "plot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the training state `train --resume` continues sits beside the weights (raw tensors, no pickle)
    assert sorted(p.name for p in (out / "model").iterdir()) == ["model.json", "model.safetensors",
                                                                 "training.safetensors"]
    assert (out / "model.lstmf").read_bytes()[:2] == b"PK"  # one zip file: weights + JSON


def test_train_writes_the_forecast_and_interval_coverage(trained_dir):
    out, result = trained_dir
    forecast = pd.read_csv(out / "forecast.csv")
    # the anchor's own forecast beside the model's (exponential smoothing: 730 rows are under 5,000)
    assert list(forecast.columns) == ["time", "step", "predicted", "lower", "upper", "anchor"]
    assert forecast["time"].tolist() == ["2024-12-31", "2025-01-01"]  # the two days after the last row
    assert forecast["step"].tolist() == [1, 2]
    assert (forecast["lower"] < forecast["predicted"]).all() and (forecast["predicted"] < forecast["upper"]).all()
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert 0 <= metrics["coverage"] <= 1 and metrics["intervals"]["level"] == 0.9
    assert "intervals covered" in result.stdout
    assert metrics["anchor"]["name"] == "smoothing"
    assert forecast["anchor"].tolist() == pytest.approx(metrics["anchor"]["forecast"], rel=1e-9)


def test_predict_and_forecast_with_the_saved_model(trained_dir, tmp_path):
    out, _ = trained_dir
    predicted = run("predict", "--model", out / "model.lstmf", SAMPLES / "daily_sales.csv", "--out",
                    tmp_path / "p.csv")
    assert predicted.returncode == 0, predicted.stderr
    table = pd.read_csv(tmp_path / "p.csv")
    assert list(table.columns) == ["time", "step", "actual", "predicted", "lower", "upper"]
    known = table[table["actual"].notna()]
    assert len(known) == (730 - 14 - 2 + 1) * 2 and table["actual"].isna().sum() == 2
    # the saved model is the forecast model, refit on every row: not the one that made the scores
    run_predictions = pd.read_csv(out / "predictions.csv")
    both = run_predictions.merge(known, on=["time", "step"])
    assert len(both) == len(run_predictions) and not np.allclose(both["predicted_x"], both["predicted_y"])
    models = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["models"]
    assert models["forecast"].startswith("refit on all 730 rows") and "rows 1-" in models["scores"]
    forecast = run("forecast", "--model", out / "model", "--out", tmp_path / "f.csv", "--steps", "4")
    assert forecast.returncode == 0, forecast.stderr
    future = pd.read_csv(tmp_path / "f.csv")
    assert future["time"].tolist() == ["2024-12-31", "2025-01-01", "2025-01-02", "2025-01-03"]
    assert np.allclose(future["predicted"][:2], pd.read_csv(out / "forecast.csv")["predicted"])
    assert "last observed values" in forecast.stdout  # says what steps 3-4 assume


def test_predict_names_missing_columns_and_bad_bundles(trained_dir, tmp_path, data_dir):
    out, _ = trained_dir
    missing = run("predict", "--model", out / "model.lstmf", data_dir / "nile.csv", "--out", tmp_path / "p.csv")
    assert missing.returncode == 2
    assert "'sales'" in missing.stderr and "'temperature'" in missing.stderr and "Traceback" not in missing.stderr
    fake = tmp_path / "fake.lstmf"
    fake.write_text("not a model")
    bad = run("forecast", "--model", fake, "--out", tmp_path / "f.csv")
    assert bad.returncode == 2 and "fake.lstmf" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "f.csv").exists() and not (tmp_path / "p.csv").exists()


def test_row_numbers_stand_in_for_time_without_a_date(tmp_path, data_dir):
    out = run("train", data_dir / "heartrate.csv", "--target", "bpm", "--window", "5", "--epochs", "1",
              "--out", tmp_path)
    assert out.returncode == 0, out.stderr
    predictions = pd.read_csv(tmp_path / "predictions.csv")
    assert predictions["time"].iloc[0] == 6  # 1-based row number of the 6th row
    assert predictions["time"].is_monotonic_increasing


def test_the_only_numeric_column_is_the_target_when_none_is_named(tmp_path, data_dir):
    out = run("train", data_dir / "nile.csv", "--epochs", "1", "--out", tmp_path)
    assert out.returncode == 0, out.stderr
    column = pd.read_csv(data_dir / "nile.csv").select_dtypes("number").columns[-1]
    assert f"Target: {column} (the only numeric column that is not a row number or a clock)" in out.stdout
    assert json.loads((tmp_path / "metrics.json").read_text())["config"]["target"] == column


def test_a_clock_column_is_not_a_target_candidate(tmp_path, data_dir):
    # heartrate.csv: t_half_seconds counts 0, 1, 2... beside bpm
    out = run("train", data_dir / "heartrate.csv", "--epochs", "1", "--window", "5", "--out", tmp_path)
    assert out.returncode == 0, out.stderr
    assert json.loads((tmp_path / "metrics.json").read_text())["config"]["target"] == "bpm"


def test_a_missing_target_among_several_names_the_choices(tmp_path):
    source = tmp_path / "two.csv"
    pd.DataFrame({"day": pd.date_range("2024-01-01", periods=60).strftime("%Y-%m-%d"),
                  "sales": np.arange(60.0), "price": np.ones(60)}).to_csv(source, index=False)
    out = run("train", source, "--out", tmp_path / "out")
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "--target" in lines[0] and "sales, price" in lines[0]
    assert not (tmp_path / "out" / "metrics.json").exists()


@pytest.mark.parametrize("args, words", [
    pytest.param(["inspect", "no_such_file.csv"], "no_such_file.csv", id="child"),  # a real process's status
    (["train", "{ausbeer}", "--target", "beer", "--out", "{tmp}"], "'beer'"),
    (["train", "{ausbeer}", "--target", "megalitres", "--epochs", "many", "--out", "{tmp}"], "many"),
    (["train", "{ausbeer}", "--target", "megalitres", "--window", "500", "--out", "{tmp}"], "too long"),
    (["train", "{ausbeer}", "--target", "megalitres", "--cell", "lstmm", "--out", "{tmp}"], "lstmm"),
    (["train", "{ausbeer}", "--target", "quarter", "--out", "{tmp}"], "not numeric"),
    (["frobnicate"], "frobnicate"),
])
def test_bad_input_exits_2_with_one_clear_line(tmp_path, data_dir, args, words):
    args = [a.format(ausbeer=data_dir / "ausbeer.csv", tmp=tmp_path / "out") for a in args]
    out = (run_child if args[0] == "inspect" else run)(*args)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0]
    assert "Traceback" not in out.stderr


def test_unexpected_error_exits_1_and_logs_the_traceback(monkeypatch, tmp_path, capsys, data_dir):
    import cli
    import cli.commands.inspect

    monkeypatch.setenv("LSTM_FORECASTER_DATA_DIR", str(tmp_path))

    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli.commands.inspect, "command_inspect", broken)
    assert cli.main(["inspect", str(data_dir / "nile.csv")]) == 1
    err = capsys.readouterr().err
    assert "boom" in err and "Traceback" not in err
    log = tmp_path / "logs" / "cli.log"
    assert str(log) in err and "Traceback" in log.read_text() and "RuntimeError: boom" in log.read_text()


@pytest.mark.parametrize("command", ["backtest", "search"])
def test_backtest_and_search_choose_the_target_as_train_does(tmp_path, data_dir, command):
    source = tmp_path / "two.csv"
    pd.DataFrame({"day": pd.date_range("2024-01-01", periods=60).strftime("%Y-%m-%d"),
                  "sales": np.arange(60.0), "price": np.ones(60)}).to_csv(source, index=False)
    extra = ["--budget", "5"] if command == "search" else []
    out = run(command, source, *extra, "--out", tmp_path / "out")
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "--target" in lines[0] and "sales, price" in lines[0]
