"""The network of a plan as boxes to draw (issue 26 item 2): each layer with its shape, its
parameter count and the tutorials' names for it (input_size, hidden_size, num_layers, batch_first,
h_n/c_n). No torch and no Qt: the window draws the boxes and plans on every edit.

The counts are core.model.parameters' closed form, box by box (the same functions): their sum over
the ensemble is `recurrent_parameter_count`, which tests hold equal to torch's own count.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import _, ngettext
from core.model.parameters import head_parameters, highway_parameters, recurrent_layers_parameters
from core.outputs.summary import anchor_words

INPUT, RECURRENT, HEAD, HIGHWAY, ANCHOR, OUTPUT, SMOOTHING = (
    "input", "recurrent", "head", "highway", "anchor", "output", "smoothing")


@dataclass(frozen=True)
class Box:
    key: str  # one of the names above
    title: str
    shape: str  # the tensor it outputs (the input box: what it is fed)
    parameters: int  # trainable, in one network
    terms: tuple[str, ...]  # the tutorials' names for what the box is
    column: int  # left to right
    row: int  # 0: the recurrent line; 1: beside it (the highway, the anchor)


@dataclass(frozen=True)
class Diagram:
    boxes: tuple[Box, ...]
    links: tuple[tuple[str, str], ...]  # (from key, to key): the arrows
    networks: int  # in the ensemble (0: none is trained)
    note: str  # one line under the boxes: the total, or what makes the forecast instead

    @property
    def per_network(self) -> int:
        return sum(box.parameters for box in self.boxes)

    @property
    def total(self) -> int:
        return self.per_network * self.networks

    def box(self, key: str) -> Box | None:
        return next((box for box in self.boxes if box.key == key), None)


def network_diagram(plan) -> Diagram:
    """The boxes of the network `plan` (core.pipeline.RunPlan) will train, or of what makes the
    forecast when none will be trained."""
    c = plan.config
    features, window = plan.n_features, c.window
    horizon = c.horizon or c.forecast_steps or 1  # as core.model.network.build_member resolves it
    fed = Box(INPUT, _("Input window"), f"(batch, {window}, {features})", 0,
              (f"input_size = {features}", _("sequence length = {window}").format(window=window), "batch_first = True"),
              0, 0)
    if plan.smoothing_alone:
        alone = Box(SMOOTHING, _("Exponential smoothing"), f"(batch, {horizon})", 0,
                    (_("level, trend and season fit on the training rows"),), 1, 0)
        return Diagram((fed, alone), ((INPUT, SMOOTHING),), 0, plan.smoothing_alone_reason() or "")
    directions = 2 if c.bidirectional else 1
    summary = c.hidden * directions
    states = "h_n, c_n" if c.cell == "lstm" else "h_n"
    recurrent_terms = [f"hidden_size = {c.hidden}", f"num_layers = {c.layers}"]
    if c.bidirectional:
        recurrent_terms.append("bidirectional = True")
    recurrent_terms.append(_("{states}: ({count}, batch, {hidden}); the head reads the last layer's h_n").format(
        states=states, count=c.layers * directions, hidden=c.hidden))
    layers = _("{hidden} × {layers} layers").format(hidden=c.hidden, layers=c.layers)
    if c.bidirectional:
        layers = _("{layers} × 2 directions").format(layers=layers)
    recurrent = Box(RECURRENT, f"{c.cell.upper()} {layers}", f"(batch, {summary})",
                    recurrent_layers_parameters(c.cell, features, c.hidden, c.layers, directions),
                    tuple(recurrent_terms), 1, 0)
    head_params = head_parameters(summary, c.head_width, horizon)
    if c.head_width > 0:
        head_terms = (f"Linear({summary} → {c.head_width}) → ReLU → Linear({c.head_width} → {horizon})",)
    else:
        head_terms = (f"Linear({summary} → {horizon})",)
    boxes = [fed, recurrent, Box(HEAD, _("Dense head"), f"(batch, {horizon})", head_params, head_terms, 2, 0)]
    links = [(INPUT, RECURRENT), (RECURRENT, HEAD), (HEAD, OUTPUT)]
    if c.highway and window:
        boxes.append(Box(HIGHWAY, _("Linear highway"), f"(batch, {horizon})",
                         highway_parameters(window, features, horizon),
                         (f"Linear({window} × {features} → {horizon})",
                          _("a linear autoregression on the whole window")), 2, 1))
        links += [(INPUT, HIGHWAY), (HIGHWAY, OUTPUT)]
    anchor = anchor_words(c.target_mode)
    if anchor is not None:
        boxes.append(Box(ANCHOR, _("Anchor"), f"(batch, {horizon})", 0,
                         (_("{anchor}: the network predicts the change from it").format(anchor=anchor),), 3, 1))
        links.append((ANCHOR, OUTPUT))
    boxes.append(Box(OUTPUT, _("Forecast"), f"(batch, {horizon})", 0,
                     (ngettext("{count} step ahead", "{count} steps ahead", horizon).format(count=horizon),), 3, 0))
    networks = c.ensemble or 1
    per = sum(box.parameters for box in boxes)
    note = _("{per:,} parameters per network × {networks} = {total:,} trainable parameters").format(
        per=per, networks=networks, total=per * networks)
    return Diagram(tuple(boxes), tuple(links), networks, note)
