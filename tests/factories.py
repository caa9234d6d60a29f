"""Test data and stand-ins shared by several test files, so each shape of data is written once.

A frame is built column by column from a time index `t` and one random generator seeded per
frame; columns draw from the generator in the order they are given, so a frame is the same
whichever test builds it. Torch and the engine are imported only when a factory needs them:
a GUI test that imports this file does not load the engine.
"""

from __future__ import annotations

import contextlib
import io
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

Column = Callable[[np.ndarray, np.random.Generator], np.ndarray]


def make_frame(rows: int, seed: int = 0, *, dated: bool = True, **columns: Column) -> pd.DataFrame:
    """`rows` rows: a daily "day" column from 2024-01-01 (unless `dated` is False), then each
    named column computed from (t, rng) in the order given."""
    rng = np.random.default_rng(seed)
    t = np.arange(rows)
    data: dict[str, object] = {}
    if dated:
        data["day"] = pd.date_range("2024-01-01", periods=rows, freq="D")
    for name, column in columns.items():
        data[name] = column(t, rng)
    return pd.DataFrame(data)


# ------------------------------------------------------------------ columns

def noise(t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Standard normal noise: an input that carries no signal."""
    return rng.normal(size=len(t))


def slow_cosine(t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A smooth input with a period of about 31 rows."""
    return np.cos(t / 5)


def smooth_sine(t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A noiseless target around 10."""
    return 10 + np.sin(t / 3)


def noisy_sine(t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The smooth sine with a little noise."""
    return 10 + np.sin(t / 3) + rng.normal(0, 0.1, len(t))


def seasonal(t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A monthly season (period 12) on a rising trend, with noise: a series a network learns."""
    return 50 + 10 * np.sin(2 * np.pi * t / 12) + 0.2 * t + rng.normal(0, 0.5, len(t))


# ------------------------------------------------------------------ frames

def noisy_sine_frame(rows: int = 150, seed: int = 0) -> pd.DataFrame:
    """day, y (noisy sine), x (noise)."""
    return make_frame(rows, seed, y=noisy_sine, x=noise)


def seasonal_frame(rows: int = 160, seed: int = 0) -> pd.DataFrame:
    """day, y (seasonal), x (slow cosine)."""
    return make_frame(rows, seed, y=seasonal, x=slow_cosine)


def lagged_feature_frame(rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """day, y, f: y_t = 2 f_(t-1) + noise with f uniform noise on [0, 10], so the next value is
    known from the last feature and from nothing else (a forecast must read f to follow it)."""
    rng = np.random.default_rng(seed)
    f = rng.uniform(0, 10, rows)
    y = np.r_[0.0, 2 * f[:-1]] + rng.normal(0, 0.1, rows)
    return pd.DataFrame({"day": pd.date_range("2024-01-01", periods=rows), "y": y, "f": f})


def undated_seasonal_frame(rows: int = 160, seed: int = 0) -> pd.DataFrame:
    """y (seasonal), x1 (noise), x2 (slow cosine); no date column."""
    return make_frame(rows, seed, dated=False, y=seasonal, x1=noise, x2=slow_cosine)


def rising_frame(rows: int = 120, seed: int = 3) -> pd.DataFrame:
    """day, y (a trend with a short season), x (a rising input: its later rows exceed any earlier
    maximum, so a scaler fit on all rows differs from one fit on the first rows)."""
    return make_frame(rows, seed, y=lambda t, rng: 50 + 0.2 * t + 5 * np.sin(t / 2) + rng.normal(0, 0.5, len(t)),
                      x=lambda t, rng: 1000 + 30 * rng.normal(size=len(t)) + 2 * t)


def smooth_frame(rows: int) -> pd.DataFrame:
    """day, y (smooth sine), x (slow cosine): no noise at all."""
    return make_frame(rows, y=smooth_sine, x=slow_cosine)


def save_small_model(path: Path, rows: int, window: int, hidden: int) -> Path:
    """Trains a one-epoch network on `smooth_frame(rows)` and saves it at `path` (the saved path)."""
    from core.model.bundle import save_bundle
    from core.pipeline import run_experiment
    from core.settings.config import ForecastConfig

    result = run_experiment(smooth_frame(rows), ForecastConfig(target="y", features=("x",), date_column="day",
                                                               window=window, horizon=2, epochs=1, hidden=hidden))
    return save_bundle(result, path)


# ------------------------------------------------------------------ stand-ins

def nan_loss_after(limit: int) -> type:
    """A fresh MSE loss class that turns NaN once more than `limit` losses were computed (its
    `calls` counts them, over every instance): a stand-in for a run that blows up."""
    from torch import nn

    class NaNLossAfter(nn.MSELoss):
        calls = 0

        def forward(self, predicted, target):
            type(self).calls += 1
            loss = super().forward(predicted, target)
            return loss * float("nan") if type(self).calls > limit else loss

    NaNLossAfter.limit = limit
    return NaNLossAfter


# ------------------------------------------------------------------ the command line

def run_cli(*args: object) -> subprocess.CompletedProcess:
    """`python main.py ARGS` run in this process: a CompletedProcess (returncode, stdout, stderr)
    with what the command printed.

    It saves the child's start-up and imports (seconds each: torch, pandas, sklearn), so tests
    that check a command's output, files and exit code use it; the tests of the process boundary
    itself (a real exit status, Ctrl+C, a killed write, fd-level output) still start a child.
    The language a command switches to (--lang, LANG) stays switched until tests/conftest.py's
    `english_messages` resets it after the test."""
    import main as entry_point

    argv = [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = entry_point.main(argv)
        except SystemExit as exc:  # argparse's --version, --help and usage errors
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return subprocess.CompletedProcess([sys.executable, "main.py", *argv], code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def silent_tcp_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts connections and never sends a byte (a database
    that hangs); yields its port."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield server.getsockname()[1]
    finally:
        server.close()
        for connection in held:
            connection.close()


def shows(text: str, value: float) -> bool:
    """Whether a cell's text (grouped fixed notation: core.numbers) is `value` rounded to the
    decimals the text has, and written without an exponent."""
    digits = text.replace(",", "")
    if "e" in digits.lower():
        return False
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return abs(float(digits) - value) <= 0.5 * 10 ** -decimals * (1 + 1e-9)


def hourly_predictions(points: int, seed: int = 0, level: float = 0.0, spike: bool = True,
                       gap: float = 0.1) -> pd.DataFrame:
    """A run's predictions table for chart tests: hourly, one step, a random walk from `level` (with
    one spike), predicted `gap` above it, the first 80% train and the rest test."""
    rng = np.random.default_rng(seed)
    actual = level + np.cumsum(rng.normal(size=points))
    if spike:
        actual[points // 3] += 500
    return pd.DataFrame({
        "time": pd.date_range("2020-01-01", periods=points, freq="h").to_numpy(), "step": 1,
        "actual": actual, "predicted": actual + gap,
        "split": np.where(np.arange(points) < points * 0.8, "train", "test"),
        "target_row": np.arange(points),
    })
