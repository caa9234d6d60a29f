"""Numbers as both faces write them (issue 23, item 13): grouped fixed notation, never an exponent,
and one count of decimals down a column so '18.00' sits beside '18.47'."""

import numpy as np
import pandas as pd

from core.evaluation.metrics import verdict_sentence
from core.i18n import set_language
from core.numbers import column_texts, decimals_for, number_text
from core.outputs.summary import score_text, with_first_values
from tests.factories import run_cli


def test_a_column_shares_its_decimals_and_never_uses_an_exponent():
    assert column_texts([18.0, 18.47, None, float("nan")]) == ["18.00", "18.47", "–", "–"]
    assert column_texts([10210.4, 24490.0, 512.25]) == ["10,210", "24,490", "512"]
    assert column_texts([0.93121, 0.5]) == ["0.9312", "0.5000"]
    assert decimals_for([1e-9]) == 6 and number_text(1.5e-9) == "0.000000"
    assert number_text(1.021e4) == "10,210" and number_text(123456789.0) == "123,456,789"
    assert number_text(-0.0001, 2) == "0.00"  # no signed zero
    assert number_text(float("inf")) == "∞" and number_text(None) == ""
    assert score_text(18.0) == "18.00"


def test_sentences_keep_trailing_zeros_and_group_thousands():
    said = verdict_sentence({"best_baseline": "naive", "beats_best_baseline": False, "model_rmse": 18.47,
                             "baseline_rmse": 18.0})
    assert "RMSE 18.00 vs 18.47" in said
    said = verdict_sentence({"best_baseline": "linear", "beats_best_baseline": True, "model_rmse": 10210.0,
                             "baseline_rmse": 24490.0})
    assert "(10,210)" in said and "(24,490)" in said and "e+" not in said


def test_the_forecast_line_writes_its_first_values_like_the_table():
    forecast = pd.DataFrame({"time": pd.date_range("2025-01-01", periods=3, freq="D"),
                             "predicted": [24490.3, 10210.0, 9999.6]})
    line = with_first_values(forecast)
    assert line.endswith("First values: 24,490; 10,210; 10,000"), line


def test_inspect_prints_min_and_max_in_fixed_notation_with_the_column_decimals(tmp_path):
    path = tmp_path / "sales.csv"
    pd.DataFrame({"date": pd.date_range("2020-01-01", periods=30, freq="D").strftime("%Y-%m-%d"),
                  "sales": np.linspace(10210.0, 24490.0, 30),
                  "rate": np.linspace(18.0, 18.47, 30)}).to_csv(path, index=False)
    out = run_cli("inspect", path).stdout
    assert "e+" not in out and "e-" not in out, out
    sales = next(line for line in out.splitlines() if line.strip().startswith("sales"))
    assert "10,210" in sales and "24,490" in sales, sales
    rate = next(line for line in out.splitlines() if line.strip().startswith("rate"))
    assert "18.00" in rate and "18.47" in rate, rate


def test_chinese_writes_the_same_digits():
    try:
        set_language("zh_CN")
        assert column_texts([18.0, 10210.4]) == ["18", "10,210"]
        assert number_text(18.0, 2) == "18.00"
    finally:
        set_language("en")
