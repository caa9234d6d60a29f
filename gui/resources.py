"""Paths of the files shipped with the app (samples, icons), from source or a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path

SAMPLES = [
    ("daily_sales.csv", "Daily store sales", "Two years of daily sales with temperature, "
     "promotion and price as drivers."),
    ("monthly_visitors.csv", "Monthly visitors", "Twelve years of monthly visitors: trend and a "
     "yearly season, one column."),
    ("store_sales_zh_gbk.csv", "门店销量 (GBK)", "The daily sales with Chinese column names, "
     "saved in GBK as Chinese Excel does."),
]


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)  # PyInstaller unpacks data files here
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[1] / "resources"


def sample_path(name: str) -> Path:
    return resources_dir() / "samples" / name
