"""Writing a report: its blocks rendered as HTML or PDF by the file's extension."""

from __future__ import annotations

from pathlib import Path

from core.files import atomic_write_bytes
from core.report import check_suffix
from core.report.content import ReportContent


def report_bytes(content: ReportContent, suffix: str) -> bytes:
    """The report as HTML (UTF-8) or PDF, by `suffix` (".html", ".htm" or ".pdf")."""
    from core.report import document

    suffix = check_suffix(suffix)
    built = document.build(content)
    if suffix == ".pdf":
        from core.report.pdf import render

        return render(built)
    from core.report.html import render

    return render(built).encode("utf-8")


def write_report(content: ReportContent, path: str | Path) -> Path:
    """Writes the report atomically; the format follows the file's extension."""
    path = Path(path)
    atomic_write_bytes(path, report_bytes(content, path.suffix))
    return path
