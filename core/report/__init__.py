"""One-file reports of a run or a saved model: HTML (self-contained: charts embedded, no scripts)
or PDF, with the same contents, in the language active when written.

`from_result` / `from_bundle` gather what to say (core.report.content), `document.build` words it
as blocks, `html` / `pdf` render the blocks and `output.write_report` writes one. No Qt: the CLI
and the window both call it. This package's own names draw nothing (no matplotlib), so the
window's Session can gather a report's contents without holding a chart.
"""

from __future__ import annotations

from core.errors import ForecasterError
from core.i18n import _
from core.report.content import ReportContent, from_bundle, from_result

REPORT_FILE = "report.html"
REPORT_SUFFIXES = (".html", ".htm", ".pdf")

__all__ = ["REPORT_FILE", "REPORT_SUFFIXES", "ReportContent", "check_suffix", "from_bundle", "from_result"]


def check_suffix(suffix: str) -> str:
    """`suffix` in lower case when a report can be written with it; a ForecasterError saying so if not."""
    suffix = suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise ForecasterError(_("Reports are written as HTML (.html) or PDF (.pdf), not {suffix}.").format(
            suffix=suffix) if suffix else _("Reports are written as HTML (.html) or PDF (.pdf); the file name has "
                                            "no extension."))
    return suffix
