"""How many parameters the network of some settings has, without torch: the GUI plans on every
edit and must not wait for torch to load. core.model.network builds the same network (and
re-exports this beside build_model); a test checks the two agree."""

from __future__ import annotations

from core.settings.config import BASE_ENSEMBLE, ForecastConfig

GATES = {"lstm": 4, "gru": 3, "rnn": 1}  # weight blocks per recurrent cell, as torch lays them out


def recurrent_parameter_count(config: ForecastConfig, n_features: int) -> int:
    """Parameters of the network `core.model.network.build_model` makes, computed without torch."""
    directions = 2 if config.bidirectional else 1
    total = recurrent_layers_parameters(config.cell, n_features, config.hidden, config.layers, directions)
    total += head_parameters(config.hidden * directions, config.head_width, config.horizon)
    if config.highway and config.window:  # without a window (not planned yet) there is no highway
        total += highway_parameters(config.window, n_features, config.horizon)
    return total * (BASE_ENSEMBLE if config.ensemble is None else config.ensemble)  # (None: not planned)


def recurrent_layers_parameters(cell: str, n_features: int, hidden: int, layers: int, directions: int) -> int:
    """The recurrent layers': weight_ih, weight_hh and two bias vectors per gate block, direction and
    layer, as torch lays them out (core.outputs.diagram shows this box by box)."""
    total, layer_input = 0, n_features
    for _layer in range(layers):
        total += directions * GATES[cell] * hidden * (layer_input + hidden + 2)
        layer_input = hidden * directions
    return total


def head_parameters(summary: int, head_width: int, horizon: int) -> int:
    """The Dense head's: one Linear(summary -> horizon), or Linear -> ReLU -> Linear through head_width."""
    if head_width > 0:
        return summary * head_width + head_width + head_width * horizon + horizon
    return summary * horizon + horizon


def highway_parameters(window: int, n_features: int, horizon: int) -> int:
    """The linear highway's: Linear(window * features -> horizon)."""
    return window * n_features * horizon + horizon
