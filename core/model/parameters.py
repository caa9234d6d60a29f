"""How many parameters the network of some settings has, without torch: the GUI plans on every
edit and must not wait for torch to load. core.model.network builds the same network (and
re-exports this beside build_model); a test checks the two agree."""

from __future__ import annotations

from core.settings.config import BASE_ENSEMBLE, ForecastConfig

GATES = {"lstm": 4, "gru": 3, "rnn": 1}  # weight blocks per recurrent cell, as torch lays them out


def recurrent_parameter_count(config: ForecastConfig, n_features: int) -> int:
    """Parameters of the network `core.model.network.build_model` makes, computed without torch."""
    gates = GATES[config.cell]
    directions = 2 if config.bidirectional else 1
    hidden = config.hidden
    total = 0
    layer_input = n_features
    for _layer in range(config.layers):
        # weight_ih, weight_hh and two bias vectors per direction, as torch lays them out
        total += directions * gates * hidden * (layer_input + hidden + 2)
        layer_input = hidden * directions
    summary = hidden * directions
    if config.head_width > 0:
        total += summary * config.head_width + config.head_width
        total += config.head_width * config.horizon + config.horizon
    else:
        total += summary * config.horizon + config.horizon
    if config.highway and config.window:  # without a window (not planned yet) there is no highway
        total += config.window * n_features * config.horizon + config.horizon
    return total * (BASE_ENSEMBLE if config.ensemble is None else config.ensemble)  # (None: not planned)
