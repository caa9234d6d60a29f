"""What the network adds on long series: the app's defaults next to the anchor alone, the linear
baseline (Ridge on the same windows) and seasonal naive, all scored on the app's own test split.

    python bench/long_series.py                     # every series, multi-step and one step
    python bench/long_series.py --only u_shape,taylor --steps multi
    python bench/forecast_accuracy.py --long        # the same

Series: two synthetic ones with known structure (a load that depends on temperature through a
U-shaped response, with a daily cycle; a threshold autoregression whose dynamics switch sign
at zero) and public long series that install from the package registries (pmdarima's half-hourly
UK electricity demand, `taylor`, and monthly sunspots; statsmodels' weekly Mauna Loa CO2). Each
row of the table is one run of `run_experiment` with the defaults except forecast_steps; seconds
are wall time on this machine, so compare runs made side by side. Needs the `bench` extra.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@dataclass(frozen=True)
class LongSeries:
    name: str
    build: Callable[[], pd.DataFrame]  # columns: time, value (+ features)
    horizon: int  # multi-step: the steps asked for
    features: tuple[str, ...] = ()
    structure: str = ""  # what a network could learn that a linear model can't


def u_shape(rows: int = 3000, seed: int = 0) -> pd.DataFrame:
    """Hourly load = a U-shaped function of temperature + a daily cycle + persistent noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(rows)
    weather = np.zeros(rows)
    for i in range(1, rows):
        weather[i] = 0.995 * weather[i - 1] + rng.normal(0, 0.4)
    temperature = 15 + 7 * np.sin(2 * np.pi * (t - 6) / 24) + weather
    noise = np.zeros(rows)
    for i in range(1, rows):
        noise[i] = 0.8 * noise[i - 1] + rng.normal(0, 1.0)
    load = 60 + 0.35 * (temperature - 18) ** 2 + 6 * np.sin(2 * np.pi * (t - 9) / 24) + noise
    return pd.DataFrame({"time": pd.date_range("2023-01-01", periods=rows, freq="h"),
                         "value": load, "temperature": temperature})


def threshold_ar(rows: int = 2000, seed: int = 1) -> pd.DataFrame:
    """SETAR(2; 1, 1): y_t = 1.0 + 0.6 y_(t-1) + e below zero, -1.0 - 0.5 y_(t-1) + e above."""
    rng = np.random.default_rng(seed)
    y = np.zeros(rows)
    for i in range(1, rows):
        previous = y[i - 1]
        y[i] = (1.0 + 0.6 * previous if previous <= 0 else -1.0 - 0.5 * previous) + rng.normal(0, 0.5)
    return pd.DataFrame({"time": pd.date_range("2020-01-01", periods=rows, freq="D"), "value": y})


def taylor() -> pd.DataFrame:
    from pmdarima.datasets import load_taylor

    values = np.asarray(load_taylor(), dtype=np.float64)
    return pd.DataFrame({"time": pd.date_range("2000-06-05", periods=len(values), freq="30min"), "value": values})


def sunspots() -> pd.DataFrame:
    from pmdarima.datasets import load_sunspots

    values = np.asarray(load_sunspots(), dtype=np.float64)
    return pd.DataFrame({"time": pd.date_range("1749-01-01", periods=len(values), freq="MS"), "value": values})


def co2() -> pd.DataFrame:
    from statsmodels.datasets import co2 as dataset

    data = dataset.load_pandas().data["co2"].interpolate(limit_direction="both")
    return pd.DataFrame({"time": data.index, "value": data.to_numpy(dtype=np.float64)})


SERIES = (
    LongSeries("u_shape", u_shape, 24, ("temperature",), "U-shaped response to a feature"),
    LongSeries("threshold_ar", threshold_ar, 10, (), "dynamics that switch at a threshold"),
    LongSeries("taylor", taylor, 48, (), "two seasons (daily, weekly), 4,032 half-hours"),
    LongSeries("sunspots", sunspots, 12, (), "an 11-year cycle of varying length and height"),
    LongSeries("co2", co2, 52, (), "a trend and a yearly season, 2,284 weeks"),
)


def run(series: LongSeries, steps: int) -> dict[str, float | str | None]:
    from core.pipeline import run_experiment
    from core.settings.config import ForecastConfig

    frame = series.build()
    config = ForecastConfig(target="value", features=series.features, date_column="time", forecast_steps=steps,
                            threads=1)
    start = time.perf_counter()
    result = run_experiment(frame, config)
    seconds = time.perf_counter() - start
    test = result.test_metrics
    credit = result.credit
    return {
        "series": series.name, "rows": len(frame), "steps": steps,
        "model": test["model"]["rmse"], "linear": test.get("linear", {}).get("rmse"),
        "seasonal naive": test.get("seasonal_naive", {}).get("rmse"),
        "anchor": credit.test_rmse if credit else None,
        "made by": credit.made_by if credit else "", "season": result.config.season,
        "seconds": seconds,
    }


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.3f}" if a is not None and b else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated series names")
    parser.add_argument("--steps", choices=("multi", "one", "both"), default="both")
    args = parser.parse_args()
    chosen = [s for s in SERIES if not args.only or s.name in args.only.split(",")]
    print("| series | rows | steps | season | model RMSE | / linear | / anchor alone | / seasonal naive "
          "| made by | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for series in chosen:
        for steps in ([series.horizon] if args.steps in ("multi", "both") else []) + \
                     ([1] if args.steps in ("one", "both") else []):
            row = run(series, steps)
            print(f"| {row['series']} | {row['rows']:,} | {steps} | {row['season']} | {row['model']:.4g} | "
                  f"{ratio(row['model'], row['linear'])} | {ratio(row['model'], row['anchor'])} | "
                  f"{ratio(row['model'], row['seasonal naive'])} | {row['made by']} | {row['seconds']:.0f} |",
                  flush=True)


if __name__ == "__main__":
    main()
