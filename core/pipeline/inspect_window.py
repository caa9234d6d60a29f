"""One training sample as the network sees it: its rows, its split, the tensor shapes, its values.

`WindowInspection` fits the scalers (and the smoothing anchor) on the plan's training rows with
`fit_scaling`, and windows the table with `Predictor.series`: the very calls training makes, so the
values shown are the ones the network gets. Built once per plan; each `sample` is a few slices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.i18n import _, ngettext, pgettext
from core.pipeline.fit import fit_scaling
from core.pipeline.plan import RunPlan
from core.prep.split import SPLITS
from core.settings.config import SETTINGS_BY_NAME


def split_word(split: str) -> str:
    """The split's name in the interface language."""
    return {"train": pgettext("split", "training"), "val": pgettext("split", "validation"),
            "test": pgettext("split", "test")}[split]


@dataclass(frozen=True)
class Sample:
    """Sample `index` (0-based over every window: training, then validation, then test)."""
    index: int
    split: str  # "train", "val" or "test"
    number: int  # 1-based within its split
    of: int  # samples in its split
    origin: int  # 0-based row of the window's last input (t)
    window: int  # T
    horizon: int  # H
    columns: list[str]  # the F input columns, the target first
    raw_inputs: np.ndarray  # (T, F) the input rows in the data's units
    raw_targets: np.ndarray  # (H,) the target rows in the data's units
    x: np.ndarray  # (T, F) what the network reads
    y: np.ndarray  # (H,) what it learns to output
    scaled_targets: np.ndarray  # (H,) the target rows after the transform and the scaling
    anchor: np.ndarray | None  # (H,) what y is relative to (scaled units); None in mode "level"

    @property
    def split_text(self) -> str:
        return split_word(self.split)

    @property
    def input_rows(self) -> range:
        """Rows origin-T+1..origin (0-based)."""
        return range(self.origin - self.window + 1, self.origin + 1)

    @property
    def target_rows(self) -> range:
        """Rows origin+1..origin+H (0-based)."""
        return range(self.origin + 1, self.origin + self.horizon + 1)


class WindowInspection:
    def __init__(self, frame: pd.DataFrame, plan: RunPlan) -> None:
        from core.pipeline.fit import torch_from

        self.plan = plan
        c = self.config = plan.config
        self.frame = frame
        # the scoring run's scalers and anchor: fit on the training rows only (core.pipeline.recipe)
        self.shell = fit_scaling(frame, c, plan.bounds.train_end)
        self.series = self.shell.series(frame)
        self._torch_from = torch_from
        self.origins = np.concatenate([plan.origins[s] for s in SPLITS])
        self.counts = {s: len(plan.origins[s]) for s in SPLITS}
        self._values = frame[c.input_columns].to_numpy(dtype=np.float64)

    @property
    def samples(self) -> int:
        return len(self.origins)

    def split_of(self, index: int) -> tuple[str, int]:
        """The split of sample `index` and its 0-based place in that split."""
        for split in SPLITS:
            if index < self.counts[split]:
                return split, index
            index -= self.counts[split]
        raise IndexError("no such sample")

    def sample(self, index: int) -> Sample:
        c = self.config
        split, place = self.split_of(index)
        origin = int(self.origins[index])
        at = self._torch_from(np.array([origin], dtype=np.int64))
        x = self.series.x(at)[0].numpy().astype(np.float64)
        y = self.series.y(at)[0].numpy().astype(np.float64)
        anchor = None if c.target_mode == "level" else self.series.anchors(at)[0].numpy().astype(np.float64)
        rows = slice(origin - c.window + 1, origin + 1)
        future = slice(origin + 1, origin + c.horizon + 1)
        return Sample(index, split, place + 1, self.counts[split], origin, c.window, c.horizon,
                      list(c.input_columns), self._values[rows].copy(), self._values[future, 0].copy(), x, y,
                      self.series.target[future].numpy().astype(np.float64), anchor)

    @staticmethod
    def split_words() -> dict[str, str]:
        return {split: split_word(split) for split in SPLITS}

    def index_at_row(self, row: int) -> int:
        """The sample whose last input row is `row` (0-based), else the one whose is nearest."""
        if not self.samples:
            raise IndexError("no samples")
        return int(np.argmin(np.abs(self.origins - row)))

    def shapes_lines(self) -> list[str]:
        """X (N, T, F) -> y (N, H) of each split, explained with the data's own names and counts."""
        c = self.config
        features = len(c.input_columns)
        shapes = [_("{split} X ({n}, {t}, {f}) → y ({n}, {h})").format(
            split=split_word(split), n=self.counts[split], t=c.window, f=features, h=c.horizon) for split in SPLITS]
        lines = [_("Tensor shapes X (N, T, F) → y (N, H): {shapes}").format(shapes="; ".join(shapes))]
        columns = ", ".join(c.input_columns)
        lines.append(ngettext(
            "N: the samples (windows) of each split; T = {t}: the window, the rows each sample reads; F = {f}: the "
            "column it reads ({columns}); H = {h}: the rows ahead it learns to predict.",
            "N: the samples (windows) of each split; T = {t}: the window, the rows each sample reads; F = {f}: the "
            "columns it reads, the target first ({columns}); H = {h}: the rows ahead it learns to predict.",
            features).format(t=c.window, f=features, columns=columns, h=c.horizon))
        return lines

    def values_line(self) -> str:
        """What is done to the values before the network sees them, in one paragraph."""
        c = self.config
        steps = []
        if c.transform == "log":
            steps.append(_("the target's logarithm is taken"))
        steps.append(_("every column is scaled with statistics of the {rows} training rows only ({scaler})").format(
            rows=self.plan.bounds.train_end, scaler=SETTINGS_BY_NAME["scaler"].choice_text(c.scaler)))
        learns = {
            "delta": _("the input's target channel is relative to its last value, and the network learns the change "
                       "from that last value"),
            "seasonal": _("the input's target channel is relative to its last value, and the network learns the "
                          "change from the window's seasonal profile (the anchor)"),
            "smoothing": _("the input's target channel is relative to its last value, and the network learns the "
                           "change from the exponential smoothing's forecast made with the rows up to the window's end "
                           "(the anchor), not the values themselves"),
            "level": _("the network learns the scaled values themselves"),
        }[c.target_mode]
        return _("As the network sees them: {steps}; {learns}.").format(steps="; ".join(steps), learns=learns)
