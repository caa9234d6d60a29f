"""Chronological train / validation / test split of rows, and which windows fall in each.

A window belongs to a split when every row it predicts lies in that split; windows whose
targets straddle a boundary are left out of all three so no target row of one split is
ever scored or trained on under another split's name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import ConfigError
from core.i18n import _

SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class SplitBounds:
    rows: int
    train_end: int  # rows [0, train_end) are training rows
    val_end: int  # rows [train_end, val_end) validation, [val_end, rows) test

    @property
    def sizes(self) -> dict[str, int]:
        return {
            "train": self.train_end,
            "val": self.val_end - self.train_end,
            "test": self.rows - self.val_end,
        }

    def row_range(self, split: str) -> tuple[int, int]:
        return {
            "train": (0, self.train_end),
            "val": (self.train_end, self.val_end),
            "test": (self.val_end, self.rows),
        }[split]


def chronological_split(
    rows: int, val_fraction: float, test_fraction: float, test_size: int | None = None
) -> SplitBounds:
    """The last rows are the test split (a fraction, or `test_size` rows), the ones before validation."""
    test_rows = test_size if test_size is not None else max(1, round(rows * test_fraction))
    val_rows = round(rows * val_fraction)
    if val_fraction > 0:
        val_rows = max(1, val_rows)
    train_rows = rows - test_rows - val_rows
    if test_rows >= rows:
        raise ConfigError(_("The test size ({test} rows) must be smaller than the data ({rows} rows).").format(
            test=test_rows, rows=rows))
    if train_rows < 2:
        raise ConfigError(_(
            "Only {train} training rows are left after the validation ({val}) and test ({test}) rows of {rows}; "
            "use smaller fractions.").format(train=max(train_rows, 0), val=val_rows, test=test_rows, rows=rows))
    return SplitBounds(rows=rows, train_end=train_rows, val_end=train_rows + val_rows)


def window_origins(bounds: SplitBounds, window: int, horizon: int) -> dict[str, np.ndarray]:
    """Origins (index of the last observed row, t) of the windows in each split.

    A window at origin t reads rows t-window+1..t and predicts rows t+1..t+horizon.
    """
    first = window - 1
    out: dict[str, np.ndarray] = {}
    for split in SPLITS:
        start, end = bounds.row_range(split)
        # all targets t+1..t+horizon inside [start, end), inputs need t >= window-1
        lo = max(first, start - 1)
        hi = end - horizon  # t + horizon <= end - 1
        out[split] = np.arange(lo, hi, dtype=np.int64) if hi > lo else np.empty(0, dtype=np.int64)
    return out


def multi_step_split(rows: int, val_fraction: float, test_fraction: float, test_size: int | None,
                     horizon: int, min_train_rows: int, train_size: int | None = None
                     ) -> tuple[SplitBounds, list[str]]:
    """A chronological split whose test (and validation) splits each hold at least one horizon.

    The fractions decide as usual; a split too short for one window of `horizon` steps grows to
    `horizon` rows. When that leaves fewer than `min_train_rows` training rows, validation is
    dropped (with a note) before anything is refused. A `test_size` the user set is kept as is.
    With `train_size`, rows [0, train_size) train and the fractions only share out the rest
    (see `first_rows_split`). Returns the bounds and notes that say what was changed.
    """
    if train_size is not None:
        return first_rows_split(rows, val_fraction, test_fraction, train_size, horizon, min_train_rows)
    notes: list[str] = []
    test_rows = test_size if test_size is not None else max(1, round(rows * test_fraction))
    if test_size is None and test_rows < horizon:
        notes.append(_("The test split was enlarged from {test} to {horizon} rows to hold one forecast of {horizon} "
                       "steps.").format(test=test_rows, horizon=horizon))
        test_rows = horizon
    val_rows = max(1, round(rows * val_fraction)) if val_fraction > 0 else 0
    if 0 < val_rows < horizon:
        val_rows = horizon
    if val_rows and rows - test_rows - val_rows < min_train_rows:
        notes.append(_("No validation split: {rows} rows are too few to hold out {horizon} more rows; training "
                       "stops at the epoch with the lowest training loss.").format(rows=rows, horizon=horizon))
        val_rows = 0
    train_rows = rows - test_rows - val_rows
    if test_rows >= rows:
        raise ConfigError(_("The test size ({test} rows) must be smaller than the data ({rows} rows).").format(
            test=test_rows, rows=rows))
    if train_rows < max(2, min_train_rows):
        most = max(0, (rows - min_train_rows + horizon) // 2) if test_size is None else 0
        window = min_train_rows - horizon - 1
        problem = _("Window ({window}) + horizon ({horizon}) = {span} rows is too long for the {train} training "
                    "rows left after the validation ({val}) and test ({test}) rows of {rows}: fewer than 2 training "
                    "windows.").format(window=window, horizon=horizon, span=window + horizon,
                                       train=max(train_rows, 0), val=val_rows, test=test_rows, rows=rows)
        advice = (_("{rows} rows support forecasts of at most {most} steps with a test split of that many rows.")
                  .format(rows=rows, most=most) if most >= 1 and most < horizon else
                  _("Use a smaller test split, window or horizon."))
        raise ConfigError(f"{problem} {advice}")
    return SplitBounds(rows=rows, train_end=train_rows, val_end=train_rows + val_rows), notes


def first_rows_split(rows: int, val_fraction: float, test_fraction: float, train_size: int, horizon: int,
                     min_train_rows: int) -> tuple[SplitBounds, list[str]]:
    """Train on the first `train_size` rows (as tutorials do); the rows after them go to validation
    then test in the ratio val_fraction : test_fraction, each moved to at least one horizon where
    the rest holds two; with fewer, validation is dropped (with a note)."""
    notes: list[str] = []
    least = max(2, min_train_rows)
    if train_size < least:
        window = min_train_rows - horizon - 1
        raise ConfigError(_("The first {train} rows are too few to train on: a window of {window} and a horizon of "
                            "{horizon} need at least {least} training rows. Use a larger train size, or a shorter "
                            "window or horizon.").format(train=train_size, window=window, horizon=horizon,
                                                         least=least))
    rest = rows - train_size
    if rest < horizon:
        raise ConfigError(_("Training on the first {train} of {rows} rows leaves {rest} rows for the test, fewer than "
                            "the horizon ({horizon}). Use a train size of at most {most}.").format(
            train=train_size, rows=rows, rest=max(rest, 0), horizon=horizon, most=rows - horizon))
    by_ratio = round(rest * val_fraction / (val_fraction + test_fraction)) if val_fraction > 0 else 0
    val_rows = min(max(by_ratio, horizon), rest - horizon) if val_fraction > 0 else 0
    if val_fraction > 0 and val_rows < horizon:
        notes.append(_("No validation split: the {rest} rows after the first {train} are too few to hold out "
                       "{horizon} rows for validation and {horizon} for the test; training stops at the epoch with "
                       "the lowest training loss.").format(rest=rest, train=train_size, horizon=horizon))
        val_rows = 0
    elif val_rows != by_ratio:
        notes.append(_("The {rest} rows after the first {train} were split into {val} validation and {test} test "
                       "rows, so each holds one forecast of {horizon} steps.").format(
            rest=rest, train=train_size, val=val_rows, test=rest - val_rows, horizon=horizon))
    return SplitBounds(rows=rows, train_end=train_size, val_end=train_size + val_rows), notes
