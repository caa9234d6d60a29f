"""The network: a recurrent encoder (LSTM / GRU / RNN, batch_first), a Dense head, an optional
linear "highway" on the whole window, and an ensemble of such networks."""

from __future__ import annotations

import torch
from torch import nn

from core.model.parameters import recurrent_parameter_count  # noqa: F401 (the count build_model's network has)
from core.settings.config import BASE_ENSEMBLE

_CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class RecurrentForecaster(nn.Module):
    """(B, T, F) windows -> (B, H) outputs, one per step of the horizon (direct multi-output)."""

    def __init__(self, n_features: int, horizon: int, cell: str = "lstm", hidden: int = 32,
                 layers: int = 1, dropout: float = 0.0, bidirectional: bool = False,
                 head_width: int = 0, window: int | None = None) -> None:
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
        # LSTNet's highway: a linear autoregression on the whole window (every input column),
        # added to the output. core.pipeline starts it at the Ridge baseline's solution and the
        # recurrent part's output layer at zero, so training starts from the linear model and
        # early stopping can keep it (epoch 0) when the network adds nothing on validation.
        self.highway: nn.Linear | None = None
        if window:
            self.highway = nn.Linear(window * n_features, horizon)
            nn.init.zeros_(self.highway.weight)
            nn.init.zeros_(self.highway.bias)
            last = self.head[-1] if isinstance(self.head, nn.Sequential) else self.head
            nn.init.zeros_(last.weight)
            nn.init.zeros_(last.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _output, state = self.recurrent(x)
        hidden = state[0] if isinstance(state, tuple) else state  # LSTM returns (h_n, c_n)
        # final hidden state of the last layer, both directions when bidirectional:
        # the backward direction's summary is at its *first* step, which h_n holds
        last_layer = hidden[-self.directions:]  # (directions, B, hidden)
        summary = last_layer.transpose(0, 1).reshape(x.shape[0], -1)
        out = self.head(self.dropout(summary))
        if self.highway is not None:
            out = out + self.highway(x.reshape(x.shape[0], -1))
        return out


class EnsembleForecaster(nn.Module):
    """Several networks trained from different seeds; outputs their median (B, H).

    The median of a few seeds is steadier than any one of them on small series (Hewamalage,
    Bergmeir & Bandara 2021), and a single bad initialisation can't drag it far.
    """

    def __init__(self, members: list[RecurrentForecaster]) -> None:
        super().__init__()
        self.members = nn.ModuleList(members)

    @property
    def recurrent(self) -> nn.Module:  # what core.model.training.eval_batch sizes batches by
        return self.members[0].recurrent

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if len(self.members) == 1:
            return self.members[0](x)
        return torch.stack([member(x) for member in self.members]).median(dim=0).values


def build_member(config, n_features: int) -> RecurrentForecaster:
    """One network as the (resolved) settings describe it."""
    return RecurrentForecaster(
        n_features=n_features,
        horizon=config.horizon or config.forecast_steps or 1,  # as core.pipeline.plan_run resolves it
        cell=config.cell,
        hidden=config.hidden,
        layers=config.layers,
        dropout=config.dropout,
        bidirectional=config.bidirectional,
        head_width=config.head_width,
        window=config.window if config.highway else None,
    )


def output_nothing(member: RecurrentForecaster) -> None:
    """Zeroes the output layer (and the highway): the member adds nothing to the anchor. For members
    that are not trained: without a highway an untrained network would add its random output."""
    with torch.no_grad():
        last = member.head[-1] if isinstance(member.head, nn.Sequential) else member.head
        last.weight.zero_()
        last.bias.zero_()
        if member.highway is not None:
            member.highway.weight.zero_()
            member.highway.bias.zero_()


def start_from_linear(member: RecurrentForecaster, coef, intercept) -> None:
    """Sets the highway to a fitted linear model's weights ((H, T*F) and (H,), as scikit-learn's)."""
    with torch.no_grad():
        member.highway.weight.copy_(torch.as_tensor(coef, dtype=torch.float32).reshape(member.highway.weight.shape))
        member.highway.bias.copy_(torch.as_tensor(intercept, dtype=torch.float32).reshape(-1))


def build_model(config, n_features: int) -> EnsembleForecaster:
    """The whole model: `config.ensemble` networks (their weights are set by training or loading)."""
    networks = BASE_ENSEMBLE if config.ensemble is None else config.ensemble  # (None: not planned)
    return EnsembleForecaster([build_member(config, n_features) for _member in range(networks)])


def parameter_count(model: nn.Module) -> int:
    """torch's own count of a built model's parameters (recurrent_parameter_count predicts it)."""
    return sum(p.numel() for p in model.parameters())
