"""Generates the bundled sample CSVs (synthetic, so they are free to redistribute).

Run from anywhere: `python resources/samples/generate_samples.py`. The output is deterministic
(fixed seed), so re-running reproduces the committed files byte for byte.

- daily_sales.csv: two years of daily store sales (target) with the drivers that move them:
  temperature, a promotion flag and the price. Trend + weekly + yearly season + driver effects + noise.
- store_sales_zh_gbk.csv: the same table with Chinese column names, saved in GBK as Chinese Excel does.
- monthly_visitors.csv: twelve years of monthly visitors, a growing trend with a yearly season
  whose swing grows with the level (multiplicative), and noise. Univariate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def daily_sales(seed: int = 42) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2023-01-01", periods=730, freq="D")
    t = np.arange(len(dates))
    day_of_year = dates.day_of_year.to_numpy()
    temperature = 15 - 10 * np.cos(2 * np.pi * (day_of_year - 15) / 365.25) + rng.normal(0, 2.5, len(t))
    promotion = (rng.random(len(t)) < 0.12).astype(int)
    price = np.round(9.99 + 0.002 * t + rng.normal(0, 0.15, len(t)) - 1.0 * promotion, 2)
    weekly = np.array([-12, -8, -5, -2, 6, 18, 10])[dates.day_of_week.to_numpy()]
    sales = (200 + 0.08 * t + weekly + 1.8 * (temperature - 15) + 35 * promotion
             - 8 * (price - 10) + rng.normal(0, 6, len(t)))
    return pd.DataFrame({
        "date": dates.strftime("%Y-%m-%d"),
        "sales": np.round(sales, 1),
        "temperature": np.round(temperature, 1),
        "promotion": promotion,
        "price": price,
    })


def monthly_visitors(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    months = pd.date_range("2012-01-01", periods=144, freq="MS")
    t = np.arange(len(months))
    level = 1200 * np.exp(0.006 * t)
    season = 1 + 0.25 * np.sin(2 * np.pi * (months.month.to_numpy() - 4) / 12)
    visitors = level * season * rng.normal(1, 0.03, len(t))
    return pd.DataFrame({"month": months.strftime("%Y-%m"), "visitors": np.round(visitors).astype(int)})


def main() -> None:
    sales = daily_sales()
    sales.to_csv(HERE / "daily_sales.csv", index=False, lineterminator="\n")
    chinese = sales.rename(columns={"date": "日期", "sales": "销量", "temperature": "气温",
                                    "promotion": "促销", "price": "价格"})
    chinese.to_csv(HERE / "store_sales_zh_gbk.csv", index=False, encoding="gbk", lineterminator="\r\n")
    monthly_visitors().to_csv(HERE / "monthly_visitors.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
