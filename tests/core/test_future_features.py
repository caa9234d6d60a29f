"""Future values of the feature columns: checked against the series, read by the forecast past
the end instead of the last values held, and said in words (issue 24 item 2)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core.errors import DataError
from core.prep.future import GIVEN, HELD, UNUSED, check_future, future_template, read_future
from core.prep.timeindex import TimeIndex
from tests.factories import lagged_feature_frame, run_cli

ROWS, STEPS = 300, 8


def lagged_frame() -> pd.DataFrame:
    """y_t = 2 f_(t-1) + noise: a model whose window ends at t forecasts t+1 from f_t."""
    return lagged_feature_frame(ROWS)


@pytest.fixture(scope="module")
def trained():
    from core.pipeline import run_experiment
    from core.settings.config import ForecastConfig

    frame = lagged_frame()
    config = ForecastConfig(target="y", features=("f",), date_column="day", window=3, horizon=1,
                            forecast_steps=STEPS, epochs=30, threads=1)
    return frame, run_experiment(frame, config)


def future_rows(frame: pd.DataFrame, values) -> pd.DataFrame:
    index = TimeIndex.of(frame, "day")
    return pd.DataFrame({"day": index.future(len(values)), "f": np.asarray(values, dtype=float)})


def test_the_given_values_change_the_forecast_exactly_where_they_differ(trained):
    frame, result = trained
    last = frame["f"].iloc[-1]
    values = [last, last, last, 1.0, 9.0, 2.0, 8.0, 5.0]  # rows 1-3 equal the held value
    index = TimeIndex.of(frame, "day")
    future = check_future(future_rows(frame, values), ["f"], index, STEPS, "day", "future.csv")
    given = result.predictor.forecast(frame, index, future=future)
    held = result.forecast
    assert given["time"].tolist() == held["time"].tolist()
    # step k reads the rows up to k-1: steps 1-4 read only observed rows and the three held-equal ones
    assert np.array_equal(given["predicted"].to_numpy()[:4], held["predicted"].to_numpy()[:4])
    differs = given["predicted"].to_numpy()[4:] != held["predicted"].to_numpy()[4:]
    assert differs.all()
    # and they follow the known function: y_(k+1) = 2 f_k
    truth = 2 * np.asarray(values[3:7])
    err_given = np.abs(given["predicted"].to_numpy()[4:] - truth)
    err_held = np.abs(held["predicted"].to_numpy()[4:] - truth)
    assert err_given.mean() < 2.0 and err_given.mean() < err_held.mean() / 3
    assert np.array_equal(given["lower"] - given["predicted"], held["lower"] - held["predicted"])  # same widths


def test_a_run_given_future_values_says_so_in_notes_and_metrics(trained):
    from core.pipeline import run_experiment

    frame, held = trained
    metrics = held.metrics_dict()["forecast"]
    assert metrics["features_future"] == HELD and metrics["features_future_file"] is None
    assert "hold the feature columns (f) at their last observed values" in metrics["assumes"]
    assert any("hold the feature columns (f)" in note for note in held.plan.notes)
    last = frame["f"].iloc[-1]
    rows = future_rows(frame, [last] * 3 + [1.0, 9.0, 2.0, 8.0, 5.0, 7.0, 7.0])  # two rows too many
    future = check_future(rows, ["f"], TimeIndex.of(frame, "day"), STEPS, "day", "plan.csv")
    assert future.notes == ("plan.csv has 2 rows more than the 8 forecast steps; they were not used.",)
    result = run_experiment(frame, held.config.replace(epochs=2), future=future)
    forecast = result.metrics_dict()["forecast"]
    assert forecast["features_future"] == GIVEN and forecast["features_future_file"] == "plan.csv"
    assert "Steps 2-8 read the feature columns (f) from the future values given in plan.csv." in forecast["assumes"]
    assert future.notes[0] in result.plan.notes
    assert any("given in plan.csv" in note for note in result.plan.notes)


def test_direct_steps_only_say_the_values_are_not_read(trained):
    frame, result = trained
    index = TimeIndex.of(frame, "day")
    future = check_future(future_rows(frame, [1.0]), ["f"], index, 1, "day", "one.csv")
    one = result.predictor.forecast(frame, index, steps=1, future=future)
    assert one["predicted"].iloc[0] == result.forecast["predicted"].iloc[0]
    assert "leave this forecast unchanged" in result.predictor.assumption(1, future)
    assert "are needed" in result.predictor.assumption(1)
    from core.prep.future import features_future_code

    assert features_future_code(["f"], 1, 1, None) == UNUSED and features_future_code([], 8, 1, None) is None


def _refusal(frame: pd.DataFrame, rows: pd.DataFrame, steps: int = 4, **kwargs) -> str:
    with pytest.raises(DataError) as caught:
        check_future(rows, ["f"], TimeIndex.of(frame, "day"), steps, "day", "future.csv", **kwargs)
    return str(caught.value)


def test_dates_that_do_not_continue_the_series_are_refused():
    frame = lagged_frame()
    good = future_rows(frame, [1.0, 2.0, 3.0, 4.0])
    late = good.assign(day=good["day"] + pd.Timedelta(days=1))
    assert _refusal(frame, late) == ("future.csv starts at 2024-10-28, but the future starts at 2024-10-27 (the "
                                     "series ends at 2024-10-26); start the rows there.")
    gap = good.copy()
    gap.loc[2:, "day"] = gap.loc[2:, "day"] + pd.Timedelta(days=1)
    assert _refusal(frame, gap) == ("Row 3 of future.csv is dated 2024-10-30, but the date after 2024-10-28 is "
                                    "2024-10-29: the dates must go on without gaps or repeats.")
    assert "twice" in _refusal(frame, good, repeated=1)
    assert "no date column 'day'" in _refusal(frame, good.drop(columns="day"))


def test_missing_empty_or_too_few_feature_values_are_refused():
    frame = lagged_frame()
    good = future_rows(frame, [1.0, 2.0, 3.0, 4.0])
    assert "lacks the feature column 'f'" in _refusal(frame, good.rename(columns={"f": "g"}))
    assert "not numeric" in _refusal(frame, good.assign(f=["a", "b", "c", "d"]))
    assert "has 1 empty cell" in _refusal(frame, good.assign(f=[1.0, np.nan, 3.0, 4.0]))
    assert "has 2 empty cells" in _refusal(frame, good, missing={"f": 2})  # filled by the reader: still refused
    assert _refusal(frame, good.iloc[:3]) == ("future.csv has 3 future rows, and the forecast has 4 steps: add rows "
                                              "up to 2024-10-30, or forecast fewer steps.")
    with pytest.raises(DataError, match="reads no feature columns"):
        check_future(good, [], TimeIndex.of(frame, "day"), 4, "day", "future.csv")


def test_files_are_read_as_the_data_is_csv_or_workbook_even_one_row(tmp_path):
    frame = lagged_frame()
    index = TimeIndex.of(frame, "day")
    template = future_template(["f"], index, 2, "day")
    assert template.columns.tolist() == ["day", "f"] and template["f"].isna().all()
    assert template["day"].tolist() == ["2024-10-27", "2024-10-28"]
    path = tmp_path / "template.csv"
    template.to_csv(path, index=False)
    with pytest.raises(DataError, match="has 2 empty cells"):  # the template as written: still to fill
        read_future(path, ["f"], index, 2, "day")
    template.assign(f=[1.5, 2.5]).to_csv(path, index=False)
    assert read_future(path, ["f"], index, 2, "day").values["f"].tolist() == [1.5, 2.5]
    template.iloc[:1].assign(f=[4.0]).to_csv(path, index=False)  # a single row is a table too
    assert read_future(path, ["f"], index, 1, "day").values["f"].tolist() == [4.0]
    book = tmp_path / "plan.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"notes": ["planned promotions"]}).to_excel(writer, sheet_name="about", index=False)
        template.assign(f=[7.0, 8.0], day=pd.to_datetime(template["day"])).to_excel(writer, sheet_name="plan",
                                                                                     index=False)
    assert read_future(book, ["f"], index, 2, "day", sheet="plan").values["f"].tolist() == [7.0, 8.0]
    undated = pd.DataFrame({"f": [1.0, 2.0, 3.0]})
    rows = TimeIndex.of(undated, None)
    assert future_template(["f"], rows, 2, None).columns.tolist() == ["row", "f"]
    (tmp_path / "rows.csv").write_text("row,f\n4,1\n5,2\n", encoding="utf-8")
    assert read_future(tmp_path / "rows.csv", ["f"], rows, 2, None).values["f"].tolist() == [1.0, 2.0]


def test_cli_train_and_forecast_take_a_future_file(tmp_path):
    frame = lagged_frame()
    data = tmp_path / "data.csv"
    frame.to_csv(data, index=False)
    last = frame["f"].iloc[-1]
    values = [last, last, 1.0, 9.0, 2.0, 8.0]
    future = tmp_path / "future.csv"
    future_rows(frame, values).assign(day=lambda d: d["day"].dt.strftime("%Y-%m-%d")).to_csv(future, index=False)
    out = tmp_path / "run"
    common = ["--target", "y", "--features", "f", "--window", "3", "--horizon", "1", "--epochs", "3",
              "--forecast-steps", "6"]
    trained = run_cli("train", data, *common, "--future", future, "--out", out)
    assert trained.returncode == 0, trained.stderr
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["forecast"]["features_future"] == "given"
    assert metrics["forecast"]["features_future_file"] == "future.csv"
    assert any("given in future.csv" in note for note in metrics["notes"])
    assert "given in future.csv" in trained.stdout
    with_file = run_cli("forecast", "--model", out / "model.lstmf", "--future", future, "--out", tmp_path / "g.csv")
    held = run_cli("forecast", "--model", out / "model.lstmf", "--out", tmp_path / "h.csv")
    assert with_file.returncode == 0 and held.returncode == 0, with_file.stderr + held.stderr
    g, h = pd.read_csv(tmp_path / "g.csv"), pd.read_csv(tmp_path / "h.csv")
    assert np.allclose(g["predicted"], pd.read_csv(out / "forecast.csv")["predicted"])  # as the run forecast
    assert np.array_equal(g["predicted"][:3], h["predicted"][:3]) and (g["predicted"][3:] != h["predicted"][3:]).all()
    assert "given in future.csv" in with_file.stdout and "last observed values" in held.stdout
    short = tmp_path / "short.csv"
    future_rows(frame, values[:4]).to_csv(short, index=False)
    refused = run_cli("forecast", "--model", out / "model.lstmf", "--future", short, "--out", tmp_path / "x.csv")
    assert refused.returncode == 2 and not (tmp_path / "x.csv").exists()
    assert refused.stderr.count("\n") == 1 and "add rows up to 2024-11-01" in refused.stderr
    before = run_cli("train", data, *common, "--future", short, "--out", tmp_path / "run2")
    assert before.returncode == 2 and "has 4 future rows" in before.stderr and not (tmp_path / "run2").exists()

    from tests.english_words import english_words

    keep = [str(tmp_path), "future.csv", "short.csv"]
    chinese = run_cli("--lang", "zh_CN", "forecast", "--model", out / "model.lstmf", "--future", future,
                      "--out", tmp_path / "z.csv")
    assert chinese.returncode == 0 and "取自 future.csv 中给出的未来值" in chinese.stdout
    assert english_words(chinese.stdout + chinese.stderr, keep=keep) == []
    refused = run_cli("--lang", "zh_CN", "forecast", "--model", out / "model.lstmf", "--future", short,
                      "--out", tmp_path / "z2.csv")
    assert refused.returncode == 2 and english_words(refused.stderr, keep=keep) == []
