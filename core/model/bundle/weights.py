"""The weights member: checked against what the settings imply before anything is allocated.

The settings' network is sized on torch's "meta" device, the member by the size it claims and the
tensors by the safetensors header, so a crafted file is refused before its numbers are read.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

from core.errors import BundleError
from core.i18n import _
from core.model.bundle.archive import META_FILE, WEIGHTS_FILE, Members
from core.settings.config import ForecastConfig

# what the settings may describe: far above what this app trains (32 hidden: kilobytes), far
# below what would exhaust a laptop's memory while the file is read and the network built
MAX_WEIGHTS_BYTES = 1 << 30
MAX_TENSORS = 512  # a 16-layer bidirectional LSTM with a two-layer head has 132
MAX_WEIGHTS_HEADER_BYTES = 1 << 20  # the safetensors header: ~100 bytes per tensor


def expected_tensors(config: ForecastConfig) -> dict[str, list[int]]:
    """Name -> shape of every tensor the settings' network holds, without allocating it.

    The network is built on torch's "meta" device, which records shapes and allocates nothing,
    so a model.json asking for 16 layers of 4096 costs no memory to check.
    """
    import torch

    from core.model.network import build_model

    with torch.device("meta"):
        model = build_model(config, len(config.input_columns))
    return {name: list(t.shape) for name, t in model.state_dict().items()}


def read_weights(members: Members, expected: dict[str, list[int]], where: str) -> bytes:
    """The weights member, read only when its claimed size fits the network the settings imply."""
    implied = 4 * sum(math.prod(shape) for shape in expected.values())
    if implied > MAX_WEIGHTS_BYTES:
        raise BundleError(_("{file} is refused: its settings describe a network of {gib:.1f} GiB of weights, "
                            "far more than this app trains.").format(file=where, gib=implied / 2**30))
    size = members.size(WEIGHTS_FILE)
    if not implied + 8 < size <= implied + 8 + MAX_WEIGHTS_HEADER_BYTES:
        raise BundleError(_("{file}: the weights ({size:,} bytes) do not match the settings ({implied:,} bytes "
                            "of numbers); the file is damaged or was edited.").format(
                              file=where, size=size, implied=implied))
    return members.read(WEIGHTS_FILE, implied + 8 + MAX_WEIGHTS_HEADER_BYTES)


def weights_header(data: bytes, where: str) -> dict[str, Any]:
    """The tensors a safetensors blob declares (name -> dtype, shape, offsets), from its header
    alone and bounded: nothing is allocated for the tensors themselves."""
    length = int.from_bytes(data[:8], "little") if len(data) >= 8 else -1
    if length < 2 or length > MAX_WEIGHTS_HEADER_BYTES or 8 + length > len(data):
        raise BundleError(_("{file}: the weights are damaged and can't be read (no valid header).").format(
                              file=where))
    try:
        header = json.loads(data[8:8 + length].decode("utf-8"))
    except (ValueError, RecursionError):
        header = None
    if not isinstance(header, dict):
        raise BundleError(_("{file}: the weights are damaged and can't be read (no valid header).").format(
                              file=where))
    header.pop("__metadata__", None)
    if len(header) > MAX_TENSORS:
        raise BundleError(_("{file}: the weights hold {count:,} tensors; a model has a few dozen. The file is "
                            "damaged or crafted.").format(file=where, count=len(header)))
    return header


def check_weights_header(header: dict[str, Any], expected: dict[str, list[int]], where: str) -> None:
    found = {name: (entry.get("shape") if isinstance(entry, dict) else None)
             for name, entry in header.items()}
    if found != expected:
        wrong = [name for name in sorted(set(expected) | set(found))
                 if expected.get(name) != found.get(name)][:3]
        raise BundleError(_("{file}: the weights do not match the settings (tensors {tensors} differ); the file is "
                            "damaged or was edited.").format(file=where, tensors=', '.join(wrong)))
    odd = sorted(name for name, entry in header.items() if entry.get("dtype") != "F32")
    if odd:
        raise BundleError(_("{file}: the weights {tensors} are not finite 32-bit numbers; the file is damaged or "
                            "was edited.").format(file=where, tensors=', '.join(odd[:3])))


def checked_state(weights: bytes, expected: dict[str, list[int]], config: ForecastConfig,
                  digest: Any, where: str) -> dict[str, Any]:
    """The tensors of a weights member whose header, digest and values all check out, named as
    the settings' network names them."""
    from safetensors import SafetensorError
    from safetensors.torch import load

    header = weights_header(weights, where)
    # saved before ensembles (one network, no highway): its tensors are the first member's
    legacy = config.ensemble == 1 and not any(name.startswith("members.") for name in header)
    if legacy:
        expected = {name.removeprefix("members.0."): shape for name, shape in expected.items()}
    # the digest first: weights that aren't the ones model.json was saved with (a save killed between
    # its files) would otherwise be refused as not matching the settings, which says less
    if digest is not None and digest != hashlib.sha256(weights).hexdigest():
        raise BundleError(_("{file}: its weights are not the ones its {member} was saved with (an interrupted "
                            "save, or an edited file); save the model again.").format(file=where, member=META_FILE))
    check_weights_header(header, expected, where)
    try:
        state = load(weights)
    except (SafetensorError, ValueError, RuntimeError, OverflowError):
        # safetensors words its errors in English: the reason is ours
        raise BundleError(_("{file}: the weights are damaged and can't be read ({problem}).").format(
                              file=where, problem=_("their numbers do not match their header"))) from None
    # shapes and dtypes were checked on the header; the values themselves only now
    import torch

    odd = [name for name, t in state.items()
           if t.dtype != torch.float32 or not bool(torch.isfinite(t).all())]
    if odd:
        raise BundleError(_("{file}: the weights {tensors} are not finite 32-bit numbers; the file is damaged or "
                            "was edited.").format(file=where, tensors=', '.join(sorted(odd)[:3])))
    if legacy:
        state = {f"members.0.{name}": tensor for name, tensor in state.items()}
    return state
