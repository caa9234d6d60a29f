"""The report as a PDF: matplotlib's PdfPages, no other dependency. A4 pages flow the headings,
paragraphs, tables and charts (placed as the HTML's images) top to bottom. Text is drawn
literally (no mathtext): a '$' in a column name stays a '$'."""

from __future__ import annotations

import io
import unicodedata

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure as MplFigure

from core.outputs.plotting import LITERAL, configure_fonts
from core.report.charts import png_bytes
from core.report.document import Document, Figure, Heading, Paragraph, Table

PAGE = (8.27, 11.69)  # A4, inches
MARGIN = 0.6
POINT = 1 / 72
CHAR = 0.62  # an average Latin character's width in ems (sans-serif); a wide (CJK) one counts twice
SIZES = {1: 17, 2: 13.5, 3: 11}
TEXT = 9.0
CELL_CHARS = 48
IMAGE_DPI = 160  # charts are placed as images at this resolution  # a longer cell is cut with an ellipsis


def width(text: str) -> int:
    """Display columns: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, columns: int) -> list[str]:
    """Lines of at most `columns` display columns, broken at spaces where there are any, else
    anywhere (Chinese has no spaces between words)."""
    lines, line = [], ""
    for word in text.replace("\n", " ").split(" "):
        candidate = f"{line} {word}" if line else word
        if width(candidate) <= columns:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for ch in word:
            if width(line + ch) > columns:
                lines.append(line)
                line = ""
            line += ch
    if line or not lines:
        lines.append(line)
    return lines


def cut(text: str, columns: int) -> str:
    if width(text) <= columns:
        return text
    out = ""
    for ch in text:
        if width(out + ch) > columns - 1:
            break
        out += ch
    return out + "…"


class _Pages:
    """Text pages filled top to bottom; `space(h)` starts a new page when `h` inches don't fit."""

    def __init__(self, pdf: PdfPages) -> None:
        self.pdf = pdf
        self.figure: MplFigure | None = None
        self.y = 0.0

    def space(self, height: float) -> MplFigure:
        if self.figure is None or self.y - height < MARGIN:
            self.flush()
            self.figure = MplFigure(figsize=PAGE)
            self.y = PAGE[1] - MARGIN
        return self.figure

    def text(self, x: float, line: str, size: float, **style) -> None:
        self.figure.text(x / PAGE[0], self.y / PAGE[1], line, fontsize=size, va="top", **LITERAL, **style)

    def flush(self) -> None:
        if self.figure is not None:  # a page of the PdfPages over render()'s in-memory buffer
            self.pdf.savefig(self.figure)
            self.figure = None


def render(document: Document) -> bytes:
    configure_fonts([document.title])
    buffer = io.BytesIO()
    with PdfPages(buffer) as pdf:
        pages = _Pages(pdf)
        for block in document.blocks:
            if isinstance(block, Heading):
                _heading(pages, block)
            elif isinstance(block, Paragraph):
                _paragraph(pages, block)
            elif isinstance(block, Table):
                _table(pages, block)
            elif isinstance(block, Figure):
                _figure(pages, block)
        pages.flush()
        info = pdf.infodict()
        info["Title"] = document.title
    return buffer.getvalue()


def _columns(size: float) -> int:
    return int((PAGE[0] - 2 * MARGIN) / (size * POINT * CHAR))


def _heading(pages: _Pages, block: Heading) -> None:
    size = SIZES.get(block.level, TEXT)
    lines = wrap(block.text, _columns(size * 1.1))
    line_height = size * POINT * 1.5
    pages.space(line_height * (len(lines) + 0.6) + 0.6)  # never alone at the foot of a page
    pages.y -= 0.12 if block.level > 1 else 0.0
    for line in lines:
        pages.text(MARGIN, line, size, fontweight="bold")
        pages.y -= line_height
    pages.y -= 0.05


def _paragraph(pages: _Pages, block: Paragraph) -> None:
    line_height = TEXT * POINT * 1.45
    for line in wrap(block.text, _columns(TEXT)):
        pages.space(line_height)
        pages.text(MARGIN, line, TEXT, color="#b54708" if block.warning else "#1f2937")
        pages.y -= line_height
    pages.y -= 0.08


def _figure(pages: _Pages, block: Figure) -> None:
    """The chart as drawn for the HTML (its legend beside it), scaled to the page's width."""
    from matplotlib.image import imread

    image = imread(io.BytesIO(png_bytes(block.chart, dpi=IMAGE_DPI)), format="png")
    wide = PAGE[0] - 2 * MARGIN
    tall = wide * image.shape[0] / image.shape[1]
    page = pages.space(tall + 0.1)
    axes = page.add_axes((MARGIN / PAGE[0], (pages.y - tall) / PAGE[1], wide / PAGE[0], tall / PAGE[1]))
    axes.imshow(image, interpolation="antialiased")
    axes.set_axis_off()
    pages.y -= tall + 0.2


def _table(pages: _Pages, table: Table) -> None:
    rows = [tuple(cut(str(v), CELL_CHARS) for v in row) for row in table.rows]
    header = tuple(cut(h, CELL_CHARS) for h in table.header)
    chars = [max([width(header[i])] + [width(r[i]) for r in rows if i < len(r)]) + 2 for i in range(len(header))]
    size = TEXT
    while sum(chars) * size * POINT * CHAR > PAGE[0] - 2 * MARGIN and size > 5:
        size -= 0.5  # a wide table is set smaller rather than cut
    em = size * POINT * CHAR
    starts = [MARGIN]
    for c in chars[:-1]:
        starts.append(starts[-1] + c * em)
    numeric = table.numeric or (False,) * len(header)
    line_height = size * POINT * 1.5

    def row_at(values: tuple[str, ...], bold: bool) -> None:
        for i, value in enumerate(values[:len(starts)]):
            right = i < len(numeric) and numeric[i]
            x = starts[i] + (chars[i] - 1.5) * em if right else starts[i]
            pages.text(x, value, size, ha="right" if right else "left", fontweight="bold" if bold else "normal")
        pages.y -= line_height

    pages.space(line_height * min(len(rows) + 1, 4))
    row_at(header, True)
    for row in rows:
        if pages.y - line_height < MARGIN:
            pages.space(line_height * 2)
            row_at(header, True)  # the header again on the next page
        row_at(row, False)
    pages.y -= 0.1
