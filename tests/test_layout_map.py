"""The README's layout map and the tree agree: every entry it names exists, and every package or
module at the top of core/ is on the map (a new room without a line on the map fails here)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def layout_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[text.index("## Layout"):]


def mapped_core_entries() -> set[str]:
    block = layout_section().split("```")[1]
    return {m.group(1) for m in re.finditer(r"(?m)^core/([\w.]+/?)\s", block)}


def test_every_core_room_is_on_the_map_and_every_entry_exists():
    mapped = mapped_core_entries()
    rooms = {p.name + ("/" if p.is_dir() else "") for p in (ROOT / "core").iterdir()
             if not p.name.startswith(("_", ".")) and (p.is_dir() or p.suffix == ".py")}
    assert rooms - mapped == set(), "on disk, missing from the README's map"
    assert mapped - rooms == set(), "on the README's map, missing on disk"


def test_the_gui_and_cli_parts_named_in_the_map_exist():
    section = layout_section()
    named = set(re.findall(r"`([\w/]+(?:\.py|/))`", section))
    for name in sorted(named):
        candidates = [ROOT / name, ROOT / "gui" / name, ROOT / "cli" / name, ROOT / "gui" / "session" / name]
        if not name.endswith((".py", "/")) or name in ("main.py",):
            continue
        assert any(c.exists() for c in candidates), name
