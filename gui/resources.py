"""Paths of the files shipped with the app (samples, icons), from source or a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path

from core.i18n import N_

# (file, title, description); the texts are translated where shown
SAMPLES = [
    ("daily_sales.csv", N_("Daily store sales"), N_("Two years of daily sales with temperature, promotion and "
                                                    "price as drivers.")),
    ("monthly_visitors.csv", N_("Monthly visitors"), N_("Twelve years of monthly visitors: trend and a yearly "
                                                        "season, one column.")),
    ("store_sales_zh_gbk.csv", N_("门店销量 (GBK)"), N_("The daily sales with Chinese column names, saved in GBK as "
                                                     "Chinese Excel does.")),
]


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)  # PyInstaller unpacks data files here
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[1] / "resources"


def sample_path(name: str) -> Path:
    return resources_dir() / "samples" / name
