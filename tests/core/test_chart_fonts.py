"""Chinese text in charts is drawn with a font that has the glyphs, never as boxes."""

import copy
import warnings
from pathlib import Path

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from core.outputs import plotting

HAS_CJK_FONT = any(plotting.CJK_FILES.search(Path(p).name) for p in font_manager.findSystemFonts())
needs_cjk_font = pytest.mark.skipif(not HAS_CJK_FONT, reason="no CJK font installed (apt-get install fonts-noto-cjk)")


def _missing_glyph_warnings(title: str) -> list[str]:
    figure = Figure()
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        axes.set_title(title)
        axes.plot([1, 2], [3, 4], label="预测")
        axes.legend()
        figure.canvas.draw()
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


@pytest.fixture
def restored_fonts(monkeypatch):
    monkeypatch.setattr(plotting, "_looked_for_uncached", False)
    monkeypatch.setattr(plotting, "_families_of", {})
    with matplotlib.rc_context():
        yield


@needs_cjk_font
def test_chinese_column_names_draw_without_missing_glyphs(restored_fonts):
    assert plotting.configure_fonts(["销量"])
    assert _missing_glyph_warnings("销量: 实际值与预测值") == []


@needs_cjk_font
def test_a_font_cache_built_before_the_font_was_installed_is_rebuilt(restored_fonts, monkeypatch):
    stale = copy.copy(font_manager.fontManager)
    stale.ttflist = [f for f in stale.ttflist if not plotting.CJK_FILES.search(Path(f.fname).name)]
    monkeypatch.setattr(font_manager, "fontManager", stale)
    assert plotting._cjk_families(stale) == []
    monkeypatch.setattr(font_manager, "json_dump", lambda *args: None)  # leave the real cache file alone
    assert plotting.configure_fonts(["销量"])  # Chinese asked for: the fonts are added to the list
    assert plotting._cjk_families(stale)


def test_english_text_does_not_scan_the_font_folders(restored_fonts, monkeypatch):
    stale = copy.copy(font_manager.fontManager)
    stale.ttflist = [f for f in stale.ttflist if not plotting.CJK_FILES.search(Path(f.fname).name)]
    monkeypatch.setattr(font_manager, "fontManager", stale)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: pytest.fail("scanned"))
    assert plotting.configure_fonts(["sales"]) is False
