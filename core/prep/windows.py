"""Sliding windows over one tensor, gathered per batch: never an N x T x F copy.

`inputs` holds every row once (rows, F). `unfold` gives a strided *view* of all windows;
indexing that view with a batch of origins copies only that batch.
"""

from __future__ import annotations

import torch

MAX_BATCH = 4096
# whole seasons averaged into the seasonal anchor (measured on M1/Tourism: 1 season, i.e. seasonal
# naive, sMAPE 17.3/18.9/16.6; 3 seasons 16.4/18.4/16.1; 4 seasons 16.2/18.4/15.8)
MAX_PROFILE_SEASONS = 4
# float32 values per inference batch, inputs plus recurrent activations (~4 MB): long windows
# get fewer windows per batch, so predicting a million windows of 256 steps stays bounded.
# bench_memory.py: at window 256 the heap grew 2.3x less than with 4M values per batch, and
# prediction ran as fast (smaller batches stay in cache)
BATCH_VALUES = 1_000_000


def inference_batch(window: int, values_per_step: int) -> int:
    """Windows per inference batch: at most MAX_BATCH and at most BATCH_VALUES values."""
    return max(1, min(MAX_BATCH, BATCH_VALUES // max(1, window * values_per_step)))


class WindowedSeries:
    def __init__(self, inputs: torch.Tensor, target: torch.Tensor, window: int, horizon: int,
                 mode: str = "delta", season: int | None = None,
                 anchor_table: torch.Tensor | None = None) -> None:
        """inputs: (rows, F) scaled inputs, target channel first; target: (rows,) scaled target.

        `mode` is what the network learns (see core.settings.config.TARGET_MODES):
        - "delta": y is the change from the last observed target value;
        - "seasonal": y is the change from a seasonal forecast made from the window alone: the
          average seasonal profile of the whole seasons in the window (up to MAX_PROFILE_SEASONS),
          at the level of the last season. With one season in the window it is seasonal naive;
          with more, one noisy season can't throw it off. The network starts from a forecast that
          already repeats the season;
        - "smoothing": y is the change from an exponential smoothing forecast made with the rows up
          to the window's end (`anchor_table`, (rows, H), from core.prep.smoothing);
        - "level": y is the scaled value itself.
        In "delta" and "seasonal" the target channel of x is relative to the last observed value,
        so the network sees the same numbers wherever the level of the series has drifted to.
        """
        if inputs.ndim != 2 or target.ndim != 1 or inputs.shape[0] != target.shape[0]:
            raise ValueError("inputs must be (rows, F) and target (rows,)")
        self.inputs = inputs
        self.target = target
        self.window = window
        self.horizon = horizon
        if mode not in ("delta", "seasonal", "smoothing", "level"):
            raise ValueError(f"unknown target mode {mode!r}")
        if mode == "seasonal" and (not season or season > window):
            raise ValueError("the seasonal mode needs a season no longer than the window")
        if mode == "smoothing" and (anchor_table is None or anchor_table.shape != (inputs.shape[0], horizon)):
            raise ValueError("the smoothing mode needs an anchor table of (rows, horizon)")
        self.anchor_table = anchor_table
        self.mode = mode
        self.delta = mode != "level"  # inputs relative to the last value
        # seasonal anchors read the last `seasons` whole seasons; step k (1-based) takes the
        # profile's phase (k - 1) % season, the phase of row t + k
        # only the seasonal mode reads the season: elsewhere it sizes nothing (a huge season from a
        # file or flag must not allocate season-long offsets)
        self.season = (season or 1) if mode == "seasonal" else 1
        self.seasons = max(1, min(window // self.season, MAX_PROFILE_SEASONS)) if mode == "seasonal" else 1
        span = self.seasons * self.season
        self._recent_offsets = torch.arange(-span + 1, 1)
        self._phases = (torch.arange(1, horizon + 1) - 1) % self.season
        # (rows - window + 1, window, F) view: windows[i] covers rows i..i+window-1
        self._input_view = inputs.unfold(0, window, 1).transpose(1, 2)
        # (rows - horizon + 1, horizon) view: targets[i] covers rows i..i+horizon-1; empty when a
        # forecast reads fewer rows than the horizon (it needs inputs only)
        self._target_view = (target.unfold(0, horizon, 1) if target.shape[0] >= horizon
                             else target.new_empty((0, horizon)))

    def to(self, device) -> WindowedSeries:
        """This series with its tables on `device` (a GPU): the training loop moves them once."""
        moved = WindowedSeries.__new__(WindowedSeries)
        moved.__dict__.update(self.__dict__)
        for name in ("inputs", "target", "anchor_table", "_recent_offsets", "_phases"):
            value = getattr(self, name)
            setattr(moved, name, None if value is None else value.to(device))
        moved._input_view = moved.inputs.unfold(0, self.window, 1).transpose(1, 2)
        moved._target_view = (moved.target.unfold(0, self.horizon, 1) if moved.target.shape[0] >= self.horizon
                              else moved.target.new_empty((0, self.horizon)))
        return moved

    @property
    def n_features(self) -> int:
        return self.inputs.shape[1]

    def x(self, origins: torch.Tensor) -> torch.Tensor:
        """(B, T, F) inputs for windows ending at `origins`."""
        batch = self._input_view[origins - (self.window - 1)]
        if self.delta:
            # advanced indexing above already copied just this batch; edit it in place
            batch[:, :, 0] -= self.target[origins].unsqueeze(1)
        return batch

    def y(self, origins: torch.Tensor) -> torch.Tensor:
        """(B, H) what the network learns to output for windows ending at `origins`."""
        future = self._target_view[origins + 1]
        if self.mode != "level":
            future = future - self.anchors(origins)
        return future

    def anchors(self, origins: torch.Tensor) -> torch.Tensor:
        """(B, H) what outputs are relative to: the last value, or the seasonal profile forecast."""
        if self.mode == "smoothing":
            return self.anchor_table[origins]
        if self.mode != "seasonal":
            return self.target[origins].unsqueeze(1).expand(-1, self.horizon)
        # each window reads seasons x season recent rows: in chunks of at most BATCH_VALUES of them,
        # so the baselines' anchors for 300k test windows are not a 300k x 240 gather (~900 MB)
        chunk = max(1, BATCH_VALUES // len(self._recent_offsets))
        if len(origins) > chunk:  # into one preallocated output: kept chunk results fragment the heap
            out = torch.empty((len(origins), self.horizon), dtype=self.target.dtype, device=self.target.device)
            for start in range(0, len(origins), chunk):
                out[start:start + chunk] = self.anchors(origins[start:start + chunk])
            return out
        span = len(self._recent_offsets)
        # the same values through a (rows, span) view: no (windows, span) int64 index beside them
        if self.target.shape[0] >= span and len(origins) and int(origins.min()) >= span - 1:
            recent = self.target.unfold(0, span, 1)[origins - (span - 1)]
        else:
            recent = self.target[origins.unsqueeze(1) + self._recent_offsets.unsqueeze(0)]
        by_season = recent.reshape(len(origins), self.seasons, self.season)
        profile = by_season.mean(dim=1)
        profile = profile - profile.mean(dim=1, keepdim=True)
        level = by_season[:, -1, :].mean(dim=1, keepdim=True)
        return (level + profile)[:, self._phases]

    def to_levels(self, origins: torch.Tensor, outputs: torch.Tensor) -> torch.Tensor:
        """Network outputs -> scaled target levels (B, H)."""
        if self.mode != "level":
            return outputs + self.anchors(origins)
        return outputs

    def last_values(self, origins: torch.Tensor) -> torch.Tensor:
        return self.target[origins]
