"""English words left in output meant to be in another language: a checker tests can share.

    from english_words import english_words
    assert english_words(done.stdout + done.stderr, keep=[str(out), "volume"]) == []

What is not a sentence is stripped before looking for Latin words: the texts in `keep` (file and
folder paths, column names, a study's name), URLs and paths, file names with an extension,
option names (--out), numbers (1e-05, 4.5, nan), and the words of ALLOWED (metric names and
units). Each word left over is reported once, in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# names that stay as they are in every language: metrics, units, formats, the program's own
ALLOWED = frozenset({
    "RMSE", "MAE", "MAPE", "sMAPE", "MASE", "R2", "R²", "CSV", "JSON", "UTF", "GB18030", "ETA",
    "LSTM", "GRU", "RNN", "Ctrl", "lstm-forecaster", "nan", "inf", "NaN", "CPU", "GPU", "CUDA", "NVIDIA", "MPS",
})

_URL = re.compile(r"\b[a-z][a-z0-9+]*://\S*")
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\w.~-]*[/\\])+[\w.~-]*")  # a/b, /x/y.csv, C:\x, out/
_FILE = re.compile(r"\b[\w-]+\.(?:csv|json|lstmf|png|sqlite3|log|txt|tsv)\b", re.IGNORECASE)
_OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'-]*")


def english_words(text: str, keep: Iterable[str] = (), allowed: Iterable[str] = ()) -> list[str]:
    """The Latin-script words of `text` that are none of the above; [] when it is all translated."""
    for piece in sorted((k for k in keep if k), key=len, reverse=True):  # the longest first: a/b before a
        text = text.replace(piece, " ")
    for pattern in (_URL, _PATH, _FILE, _OPTION, _NUMBER):
        text = pattern.sub(" ", text)
    ok = ALLOWED | set(allowed)
    found: list[str] = []
    for word in _WORD.findall(text):
        word = word.strip("'-_")
        if len(word) > 1 and word not in ok and word not in found:
            found.append(word)
    return found
