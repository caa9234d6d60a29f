"""The network diagram's boxes (issue 26 item 2): their parameter counts add up to the closed form
and to torch's own count, and they name the tutorials' terms."""

from __future__ import annotations

import pytest

from core.model.network import build_model, parameter_count
from core.model.parameters import recurrent_parameter_count
from core.outputs.diagram import ANCHOR, HEAD, HIGHWAY, INPUT, OUTPUT, RECURRENT, SMOOTHING, network_diagram
from core.pipeline import plan_run
from core.settings.config import ForecastConfig
from tests.factories import seasonal_frame, undated_seasonal_frame

CONFIGS = [
    dict(cell="lstm", layers=1, hidden=32, features=("x",)),
    dict(cell="gru", layers=2, hidden=16, bidirectional=True, features=()),
    dict(cell="rnn", layers=3, hidden=8, head_width=12, features=("x",), highway=False),
    dict(cell="lstm", layers=2, hidden=20, bidirectional=True, head_width=6, ensemble=3, features=("x",)),
    dict(cell="gru", layers=1, hidden=5, features=("x1", "x2"), target_mode="level"),
]


@pytest.mark.parametrize("settings", CONFIGS)
def test_the_boxes_count_what_torch_counts(settings):
    frame = undated_seasonal_frame(300) if "x1" in settings["features"] else seasonal_frame(300)
    date = None if "x1" in settings["features"] else "day"
    plan = plan_run(frame, ForecastConfig(target="y", date_column=date, window=12, horizon=3,
                                          **({"ensemble": 2} | settings)))
    c, features = plan.config, plan.n_features
    diagram = network_diagram(plan)
    torch_count = parameter_count(build_model(c, features))
    assert diagram.total == recurrent_parameter_count(c, features) == torch_count
    assert diagram.networks == c.ensemble
    member = build_model(c, features).members[0]
    assert diagram.box(RECURRENT).parameters == sum(p.numel() for p in member.recurrent.parameters())
    assert diagram.box(HEAD).parameters == sum(p.numel() for p in member.head.parameters())
    highway = diagram.box(HIGHWAY)
    assert (highway.parameters if highway else 0) == sum(p.numel() for p in member.highway.parameters()) \
        if member.highway is not None else highway is None
    terms = " ".join(t for box in diagram.boxes for t in box.terms)
    assert f"input_size = {features}" in terms and f"hidden_size = {c.hidden}" in terms
    assert f"num_layers = {c.layers}" in terms and "batch_first = True" in terms
    assert ("h_n, c_n" in terms) == (c.cell == "lstm") and "h_n" in terms
    assert diagram.box(INPUT).shape == f"(batch, 12, {features})"
    directions = 2 if c.bidirectional else 1
    assert diagram.box(RECURRENT).shape == f"(batch, {c.hidden * directions})"
    assert diagram.box(OUTPUT).shape == "(batch, 3)"
    assert (diagram.box(ANCHOR) is None) == (c.target_mode == "level")
    assert f"{diagram.total:,}" in diagram.note


def test_without_a_network_the_diagram_says_what_forecasts():
    plan = plan_run(seasonal_frame(40), ForecastConfig(target="y", window=6, horizon=2, target_mode="smoothing"))
    assert plan.smoothing_alone
    diagram = network_diagram(plan)
    assert diagram.total == 0 and diagram.networks == 0
    assert [box.key for box in diagram.boxes] == [INPUT, SMOOTHING]
    assert "exponential smoothing alone" in diagram.note
