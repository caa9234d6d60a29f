"""The report as one self-contained HTML file: styles inline, charts as base64 PNG, no scripts
and nothing fetched, so it opens offline in any browser and can be mailed as it is. Every text
goes through html.escape: a column may be named `<script>` or `=cmd|' /C calc'!A0`."""

from __future__ import annotations

import base64
from html import escape

from core.i18n import CHINESE, language
from core.report.charts import png_bytes
from core.report.document import Document, Figure, Heading, Paragraph, Table

STYLE = """
body { font-family: -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "Microsoft YaHei",
       "PingFang SC", sans-serif; color: #1f2937; max-width: 1100px; margin: 24px auto; padding: 0 16px;
       line-height: 1.45; }
h1 { font-size: 1.6em; border-bottom: 2px solid #d0d7de; padding-bottom: 6px; }
h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #e5e7eb; padding-bottom: 3px; }
h3 { font-size: 1.05em; margin-top: 1.2em; }
p.warning { background: #fff4e5; border-left: 4px solid #e8590c; padding: 6px 10px; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 0.92em; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f4f6; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 12px 0 20px; }
figure img { max-width: 100%; height: auto; border: 1px solid #e5e7eb; }
figcaption { color: #57606a; font-size: 0.9em; }
@media print { h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
"""


def render(document: Document) -> str:
    """The whole page as text (UTF-8 when written)."""
    lang = "zh-CN" if language() == CHINESE else "en"
    parts = ["<!DOCTYPE html>", f'<html lang="{lang}">', "<head>", '<meta charset="utf-8">',
             # no script may run and nothing may load from elsewhere, whatever the text holds
             '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
             'style-src \'unsafe-inline\'">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{escape(document.title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>"]
    parts += [_block(block) for block in document.blocks]
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _block(block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f'<p class="warning">{escape(block.text)}</p>' if block.warning else f"<p>{escape(block.text)}</p>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        data = base64.b64encode(png_bytes(block.chart)).decode("ascii")
        title = escape(block.chart.title)
        return (f'<figure id="chart-{escape(block.chart.key)}"><img alt="{title}" '
                f'src="data:image/png;base64,{data}"><figcaption>{title}</figcaption></figure>')
    raise TypeError(type(block).__name__)


def _table(table: Table) -> str:
    numeric = table.numeric or (False,) * len(table.header)
    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    body = []
    for row in table.rows:
        cells = "".join(f'<td class="n">{escape(str(v))}</td>' if i < len(numeric) and numeric[i]
                        else f"<td>{escape(str(v))}</td>" for i, v in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    key = f' id="table-{escape(table.key)}"' if table.key else ""
    return f"<table{key}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
