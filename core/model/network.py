"""The network: a recurrent encoder (LSTM / GRU / RNN, batch_first) and a Dense head."""

from __future__ import annotations

import torch
from torch import nn

_CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class RecurrentForecaster(nn.Module):
    """(B, T, F) windows -> (B, H) outputs, one per step of the horizon (direct multi-output)."""

    def __init__(self, n_features: int, horizon: int, cell: str = "lstm", hidden: int = 32,
                 layers: int = 1, dropout: float = 0.0, bidirectional: bool = False,
                 head_width: int = 0) -> None:
        super().__init__()
        self.directions = 2 if bidirectional else 1
        self.recurrent = _CELLS[cell](
            input_size=n_features,
            hidden_size=hidden,
            num_layers=layers,
            # torch applies this between stacked layers only
            dropout=dropout if layers > 1 else 0.0,
            bidirectional=bidirectional,
            batch_first=True,
        )
        summary = hidden * self.directions
        self.dropout = nn.Dropout(dropout)
        if head_width > 0:
            self.head: nn.Module = nn.Sequential(
                nn.Linear(summary, head_width), nn.ReLU(), nn.Linear(head_width, horizon)
            )
        else:
            self.head = nn.Linear(summary, horizon)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, state = self.recurrent(x)
        hidden = state[0] if isinstance(state, tuple) else state  # LSTM returns (h_n, c_n)
        # final hidden state of the last layer, both directions when bidirectional:
        # the backward direction's summary is at its *first* step, which h_n holds
        last_layer = hidden[-self.directions:]  # (directions, B, hidden)
        summary = last_layer.transpose(0, 1).reshape(x.shape[0], -1)
        return self.head(self.dropout(summary))


def build_model(config, n_features: int) -> RecurrentForecaster:
    return RecurrentForecaster(
        n_features=n_features,
        horizon=config.horizon,
        cell=config.cell,
        hidden=config.hidden,
        layers=config.layers,
        dropout=config.dropout,
        bidirectional=config.bidirectional,
        head_width=config.head_width,
    )


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
