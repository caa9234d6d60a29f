"""A small network on the anchor's residuals, for short series (issue 22, item 3): two ways the
app does not train its network, measured by bench/short_series_network.py.

Both work on the target as the app's smoothing sees it (the log when every value is above zero),
standardised on the training rows, with the app's anchor (core.prep.smoothing.fit_holt_winters) fit
on the training rows. `anchors(values, h)` gives the anchor's forecast of rows t+1..t+h from every
row t with the data up to t alone, so every row t with t+h inside the training rows is a training
example: input the last `window` values (less the value at t) and the anchor's last `window`
one-step errors, target the anchor's h errors from t. A one-hidden-layer network (MLP, `hidden`
units, tanh) learns those errors; the forecast is the anchor's plus the network's correction.

- "cv" (rolling folds): up to `folds` origins (as many as leave MIN_EXAMPLES examples) at the end
  of the training rows, each `step` rows apart.
  The folds' anchor is fit on the rows up to the earliest origin. For each fold the network is
  trained on the examples whose targets end at or before the origin and scored on the h rows
  after it, every `check` epochs; the epoch count is the one with the least mean fold error, and
  the network is used only if that error is below the anchor's own on the same folds. Then it is
  trained on every example for that many epochs.
- "boot" (moving-block bootstrap, as bagged ETS): `copies` new series, each the anchor's one-step
  forecasts plus a moving-block bootstrap of its one-step errors (blocks of `block` rows), give
  `copies` times the examples; the network has strong weight decay. With `folds` it is gated and
  its epochs chosen as in "cv" (each fold bootstraps the rows before its origin only).

Nothing here sees the rows after the training rows: `correction` gets the training values only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_EXAMPLES = 4  # training examples a fold (or the final network) needs


@dataclass(frozen=True)
class ResidualSettings:
    hidden: int = 16
    weight_decay: float = 1e-2
    lr: float = 0.01
    max_epochs: int = 300
    check: int = 10  # epochs between fold scores
    folds: int = 4  # 0: no gate, train `max_epochs`
    step: int = 0  # rows between fold origins; 0: max(1, h // 2); -k: max(1, h // k)
    copies: int = 0  # bootstrap copies; 0: none
    block: int = 0  # bootstrap block length; 0: 2 seasons (at least 4)
    window: int = 0  # 0: the season (at least 4)
    margin: float = 0.0  # fold error must be below (1 - margin) x the anchor's
    seed: int = 0


def _anchor(values: np.ndarray, period: int):
    from core.prep.smoothing import fit_holt_winters

    return fit_holt_winters(values, period if period > 1 else None)


def _examples(z: np.ndarray, fit, h: int, window: int, last: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs, targets (the anchor's h errors) and origins t for rows window-1 <= t <= last - h of z
    (row `last` the last a target may reach); the inputs of every row also for forecasting."""
    anchors = fit.anchors(z, h)
    one_step = np.full(len(z), 0.0)
    one_step[1:] = z[1:] - anchors[:-1, 0]
    rows = np.arange(window - 1, len(z))
    level = np.stack([z[t - window + 1:t + 1] - z[t] for t in rows])
    errors = np.stack([one_step[t - window + 1:t + 1] for t in rows])
    inputs = np.concatenate([level, errors], axis=1)
    targets = np.full((len(rows), h), np.nan)
    for i, t in enumerate(rows):
        if t + h <= last:
            targets[i] = z[t + 1:t + h + 1] - anchors[t]
    return inputs, targets, rows


def _bootstrap(z: np.ndarray, fit, settings: ResidualSettings, block: int,
               rng: np.random.Generator) -> list[np.ndarray]:
    """`copies` series: the anchor's one-step forecasts plus moving-block bootstrapped one-step errors."""
    one_ahead = np.empty(len(z))
    one_ahead[0] = z[0]
    one_ahead[1:] = fit.anchors(z, 1)[:-1, 0]
    errors = z - one_ahead
    out = []
    block = min(block, max(1, len(z) - 1))
    for _ in range(settings.copies):
        starts = rng.integers(1, len(z) - block + 1, size=len(z) // block + 2)
        resampled = np.concatenate([errors[s:s + block] for s in starts])[:len(z)]
        out.append(one_ahead + resampled)
    return out


def _train(x: np.ndarray, y: np.ndarray, settings: ResidualSettings, epochs: int,
           score: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[object, list[float]]:
    """A network trained full batch for `epochs`; with `score` (inputs, targets), its mean absolute
    error there every `check` epochs."""
    import torch

    torch.manual_seed(settings.seed)
    net = torch.nn.Sequential(torch.nn.Linear(x.shape[1], settings.hidden), torch.nn.Tanh(),
                              torch.nn.Linear(settings.hidden, y.shape[1]))
    with torch.no_grad():  # start at "no correction": the anchor alone
        net[2].weight.zero_()
        net[2].bias.zero_()
    optimiser = torch.optim.AdamW(net.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    st = [torch.tensor(a, dtype=torch.float32) for a in score] if score else None
    scores = []
    for epoch in range(1, epochs + 1):
        optimiser.zero_grad()
        loss = torch.nn.functional.l1_loss(net(xt), yt)
        loss.backward()
        optimiser.step()
        if st is not None and epoch % settings.check == 0:
            with torch.no_grad():
                scores.append(float((net(st[0]) - st[1]).abs().mean()))
    return net, scores


def _training_set(z: np.ndarray, fit, h: int, window: int, last: int, settings: ResidualSettings,
                  block: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    series = [z[:last + 1]] + (_bootstrap(z[:last + 1], fit, settings, block, rng) if settings.copies else [])
    xs, ys = [], []
    for s in series:
        inputs, targets, _rows = _examples(s, fit, h, window, last)
        keep = np.isfinite(targets).all(axis=1)
        xs.append(inputs[keep])
        ys.append(targets[keep])
    return np.concatenate(xs), np.concatenate(ys)


def correction(x: np.ndarray, h: int, period: int, settings: ResidualSettings) -> tuple[np.ndarray | None, dict]:
    """The network's correction of the anchor's h-step forecast from the last row of `x` (training
    values only), in the transformed target's units (the log when every value is above zero), or
    None when the folds say the anchor stands alone. And what was decided."""
    import torch

    torch.set_num_threads(1)
    logged = bool((x > 0).all())
    t = np.log(x) if logged else np.asarray(x, dtype=np.float64)
    mean, std = float(t.mean()), float(t.std()) or 1.0
    z = (t - mean) / std
    window = settings.window or max(4, period)
    block = settings.block or max(4, 2 * period)
    step = settings.step if settings.step > 0 else max(1, h // (-settings.step or 2))
    rng = np.random.default_rng(settings.seed)
    n = len(z)
    info: dict = {"logged": logged}
    epochs = settings.max_epochs
    if settings.folds:
        net_err = []
        anchor_err = []
        # as many folds as leave MIN_EXAMPLES training examples before the earliest origin
        folds = settings.folds
        while folds and n - 1 - h - (folds - 1) * step - h - (window - 1) + 1 < MIN_EXAMPLES:
            folds -= 1
        if not folds:
            info["used"] = False
            return None, info
        # the folds' anchor: parameters fit on the rows up to the earliest origin, so no fold is
        # scored on rows its anchor was fit on
        fold_fit = _anchor(z[:n - 1 - h - (folds - 1) * step + 1], period)
        for j in range(folds):
            origin = n - 1 - h - j * step  # scored on rows origin+1..origin+h, trained on targets <= origin
            xtr, ytr = _training_set(z, fold_fit, h, window, origin, settings, block, rng)
            if len(xtr) < MIN_EXAMPLES:
                break
            inputs, targets, rows = _examples(z, fold_fit, h, window, n - 1)
            i = int(np.flatnonzero(rows == origin)[0])
            _net, scores = _train(xtr, ytr, settings, settings.max_epochs, (inputs[i:i + 1], targets[i:i + 1]))
            net_err.append(scores)
            anchor_err.append(float(np.abs(targets[i]).mean()))
        info["folds"] = len(net_err)
        if not net_err:
            info["used"] = False
            return None, info
        mean_scores = np.mean(net_err, axis=0)
        best = int(np.argmin(mean_scores))
        epochs = (best + 1) * settings.check
        info.update(epochs=epochs, fold_net=float(mean_scores[best]), fold_anchor=float(np.mean(anchor_err)))
        if mean_scores[best] >= (1.0 - settings.margin) * np.mean(anchor_err):
            info["used"] = False
            return None, info
    fit = _anchor(z, period)
    xtr, ytr = _training_set(z, fit, h, window, n - 1, settings, block, rng)
    if len(xtr) < MIN_EXAMPLES:
        info["used"] = False
        return None, info
    net, _scores = _train(xtr, ytr, settings, epochs)
    inputs, _targets, _rows = _examples(z, fit, h, window, n - 1)
    with torch.no_grad():
        out = net(torch.tensor(inputs[-1:], dtype=torch.float32)).numpy()[0].astype(np.float64)
    info["used"] = True
    return out * std, info


def corrected(anchor_forecast: np.ndarray, x: np.ndarray, h: int, period: int,
              settings: ResidualSettings) -> tuple[np.ndarray, dict]:
    """The app's anchor forecast (original units) with the network's correction added in the
    transformed units; the anchor's forecast itself when the folds keep the network out."""
    delta, info = correction(x, h, period, settings)
    if delta is None:
        return anchor_forecast, info
    if info["logged"]:
        return np.exp(np.log(np.maximum(anchor_forecast, 1e-12)) + delta), info
    return anchor_forecast + delta, info
