"""Imports PySide6 and makes its import hook cheap. Import this before pandas, matplotlib or torch.

PySide6 replaces `__import__` with a hook that asks, for every module imported after Qt, whether
the module uses PySide6 (for its optional `__feature__` switches). It answers with
`inspect.getsource(module)`: it tokenizes the whole source file and keeps every line in
`linecache`. Importing torch after Qt went through ~800 such files on the worker thread, holding
the GIL for long stretches (stalls in the window) and keeping the source text in memory for the
life of the process. The answer only depends on whether the text "PySide6" occurs in the file,
so the replacement reads the file's bytes and looks for it: the same answer, without
tokenizing or caching. Anything unusual (no `.py` file, unreadable) goes to PySide6's own check.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

import PySide6.QtCore  # noqa: F401 - installs PySide6's import hook

FEATURE_MODULES = ("PySide6.support.feature", "shibokensupport.feature")  # 6.x names


def _reads_bytes(upstream: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def module_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return upstream(module)
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return upstream(module)

    module_uses_pyside.upstream = upstream  # type: ignore[attr-defined]
    return module_uses_pyside


def install() -> bool:
    """Replaces PySide6's check once; False when this PySide6 has no such check."""
    for name in FEATURE_MODULES:
        feature = sys.modules.get(name)
        check = getattr(feature, "_mod_uses_pyside", None)
        if check is None:
            continue
        if not hasattr(check, "upstream"):
            feature._mod_uses_pyside = _reads_bytes(check)  # type: ignore[union-attr]
        return True
    return False


install()
