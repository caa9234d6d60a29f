"""Which device trains the networks: the rule as a pure function, and what this machine has.

Measured on one H200 and 16 cores (issue 25, µs per training window, CPU 1 thread vs CUDA): a
tutorial-size net (window 24, hidden 32) 70 vs 105, so small nets lose on a GPU (launch latency,
a few µs per recurrent step, outweighs their arithmetic); window 64 with 2x64, 574 vs 64; window
256 with hidden 64, 6043 vs 14. `auto` therefore takes CUDA only for work above the thresholds
below, and never Apple's MPS: nn.LSTM/GRU there has a record of wrong results (pytorch #90421,
#94754, #94691), so it is used only when asked for by name.

Nothing here imports torch at module level: the plan (computed on every settings edit, on the UI
thread) asks `available_devices`, which probes cheaply until `torch_devices` has asked torch.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import platform
import re
import sys
from pathlib import Path

from core.errors import ConfigError
from core.i18n import N_, _

DEVICES = ("auto", "cpu", "cuda", "mps")
# multiply-adds of one recurrent step of one window, summed over layers: hidden x (hidden + inputs).
# Per window that times the window length; CUDA pays from about 4x the tutorial-size net
# (24 x 32 x 33 ≈ 25k, 1.5x slower on CUDA) — the 2x64 net over 64 steps (≈ 570k) ran 9x faster
CUDA_MIN_WINDOW_WORK = 200_000
# and an epoch must be long enough to repay starting CUDA (a second or so) and its per-batch latency
CUDA_MIN_EPOCH_WORK = 100_000_000

REASONS = {
    "asked": N_("as asked"),
    "small": N_("automatic: a network this small trains faster on the CPU"),
    "large": N_("automatic: the network is large enough to gain from the GPU"),
    "no_gpu": N_("automatic: no CUDA GPU on this machine"),
}
UNAVAILABLE = {
    "cuda": N_("No CUDA GPU is available here (PyTorch without CUDA, no NVIDIA driver, or no NVIDIA card)."),
    "mps": N_("Apple's MPS GPU is available only on Apple silicon Macs with a PyTorch built for it."),
}


class DeviceError(ConfigError):
    """A device was asked for that this machine doesn't have."""


def window_work(window: int, hidden: int, inputs: int = 1, layers: int = 1) -> int:
    """Multiply-adds (per gate) of one window through the recurrent layers."""
    per_step = hidden * (hidden + inputs) + max(0, layers - 1) * hidden * 2 * hidden
    return window * per_step


def choose_device(requested: str, windows: int, window: int, hidden: int, available: frozenset[str] | set[str],
                  inputs: int = 1, layers: int = 1) -> tuple[str, str]:
    """(device, reason key of REASONS) for a run of `windows` training windows.

    `auto`: CUDA when it is available and the work pays (see the thresholds), else the CPU.
    A device asked for by name is used as asked; DeviceError when it isn't in `available`.
    """
    if requested == "auto":
        if "cuda" not in available:
            return "cpu", "no_gpu"
        per_window = window_work(window, hidden, inputs, layers)
        if per_window >= CUDA_MIN_WINDOW_WORK and per_window * windows >= CUDA_MIN_EPOCH_WORK:
            return "cuda", "large"
        return "cpu", "small"
    if requested != "cpu" and requested not in available:
        raise DeviceError(unavailable_reason(requested))
    return requested, "asked"


def unavailable_reason(device: str) -> str:
    """One line: why `device` can't be used here."""
    return _("The device {device} is not available: {reason}").format(
        device=device, reason=_(UNAVAILABLE.get(device, N_("unknown device."))))


def reason_text(reason: str) -> str:
    return _(REASONS.get(reason, reason))


_from_torch: frozenset[str] | None = None  # torch's own answer, once asked (torch_devices)


def available_devices() -> frozenset[str]:
    """The devices this machine can train on: torch's answer once `torch_devices` has asked it
    (the warm-up and the training loop do, off the UI thread), else a cheap probe (a CUDA build of
    torch and an NVIDIA driver), so planning never imports torch nor waits for it."""
    return _from_torch if _from_torch is not None else _probed_devices()


def torch_devices() -> frozenset[str]:
    """The devices torch can use here (imports torch; CUDA's driver may take a while to answer)."""
    global _from_torch
    if _from_torch is None:
        import torch

        found = {"cpu"}
        try:
            if torch.cuda.is_available():
                found.add("cuda")
        except Exception:  # a broken driver: no CUDA
            pass
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            found.add("mps")
        _from_torch = frozenset(found)
    return _from_torch


@functools.cache
def _probed_devices() -> frozenset[str]:
    found = {"cpu"}
    spec = importlib.util.find_spec("torch")
    folders = list(spec.submodule_search_locations or []) if spec else []
    version = next((Path(f) / "version.py" for f in folders if (Path(f) / "version.py").is_file()), None)
    try:  # torch/version.py says `cuda: Optional[str] = None` in a CPU-only build, else the CUDA version
        text = version.read_text() if version is not None else ""
    except OSError:
        text = ""
    built = re.search(r"^cuda\b[^=]*=\s*(\S+)", text, re.MULTILINE)
    built_cuda = built is not None and built.group(1) != "None"
    driver = Path("/proc/driver/nvidia/version").exists() or (os.name == "nt" and built_cuda)
    if built_cuda and driver:
        found.add("cuda")
    if sys.platform == "darwin" and platform.machine() == "arm64" and spec is not None:
        found.add("mps")
    return frozenset(found)


def torch_device(name: str):
    """The torch.device for a planned device; DeviceError when torch itself can't use it."""
    import torch

    if name != "cpu" and name not in torch_devices():
        raise DeviceError(unavailable_reason(name))
    return torch.device(name)
