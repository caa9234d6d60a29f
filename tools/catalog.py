"""Keeps the translation catalogs in step with the code: extract, merge, compile.

    python tools/catalog.py            # extract → resources/locale/lstm_forecaster.pot,
                                       # merge into every <lang>/LC_MESSAGES/*.po, compile the .mo
    python tools/catalog.py --check    # exit 1 when the catalogs are behind the code

Extraction reads the source with `ast` and collects the string literals given to `_`, `N_`,
`ngettext`, `pgettext` and `npgettext` (the same job as `pybabel extract` or xgettext, with no
dependency). The .po files are standard gettext catalogs: Poedit, Qt Linguist or pybabel open
them. References name the file without a line number so unrelated edits don't touch the .po.
"""

from __future__ import annotations

import ast
import re
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "resources" / "locale"
DOMAIN = "lstm_forecaster"
SOURCES = ("core", "gui", "cli", "main.py")
PLURAL_FORMS = {"zh_CN": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}

# name → positions of (context, singular, plural) among the call's arguments
KEYWORDS = {"_": (None, 0, None), "N_": (None, 0, None), "ngettext": (None, 0, 1),
            "pgettext": (0, 1, None), "npgettext": (0, 1, 2)}
# the settings table's declarations (core/settings): their texts are messages too, so a new
# setting is translatable without marking each text. name → positions of label and help
DECLARATIONS = {"setting": (2, 3), "required_setting": (1, 2)}
DECLARED_TEXTS = ("title", "auto", "auto_text", "special", "message")


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    context: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    references: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return self.context, self.msgid


def source_files(root: Path = ROOT) -> list[Path]:
    files: list[Path] = []
    for name in SOURCES:
        path = root / name
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


def extract(root: Path = ROOT) -> dict[tuple[str | None, str], Entry]:
    """Every marked message in the source, in order of first appearance."""
    entries: dict[tuple[str | None, str], Entry] = {}
    for path in source_files(root):
        where = path.relative_to(root).as_posix()
        calls = [n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path)))
                 if isinstance(n, ast.Call)]
        for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):  # in reading order
            name = node.func.id if isinstance(node.func, ast.Name) else (
                node.func.attr if isinstance(node.func, ast.Attribute) else None)
            if name in DECLARATIONS:
                for text in _declared_texts(node, DECLARATIONS[name]):
                    entry = entries.setdefault((None, text), Entry(text))
                    if where not in entry.references:
                        entry.references.append(where)
                continue
            if name not in KEYWORDS:
                continue
            positions = KEYWORDS[name]
            texts = [_literal(node.args, i) for i in positions]
            if texts[1] is None or (positions[0] is not None and texts[0] is None):
                continue  # `_(variable)`: a marked string translated where it is shown
            entry = entries.setdefault((texts[0], texts[1]), Entry(texts[1], texts[2], texts[0]))
            if texts[2] is not None:
                entry.msgid_plural = texts[2]
            if where not in entry.references:
                entry.references.append(where)
    return entries


def _declared_texts(node: ast.Call, positions: tuple[int, ...]) -> list[str]:
    texts = [_literal(node.args, i) for i in positions]
    for keyword in node.keywords:
        if keyword.arg in DECLARED_TEXTS:
            texts.append(_literal([keyword.value], 0))
        elif keyword.arg == "choices" and isinstance(keyword.value, ast.Tuple):
            texts += [_literal(pair.elts, 1) for pair in keyword.value.elts if isinstance(pair, ast.Tuple)]
    return [t for t in texts if t]


def _literal(args: list[ast.expr], index: int | None) -> str | None:
    if index is None or index >= len(args):
        return None
    arg = args[index]
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


# ------------------------------------------------------------------ .po reading and writing
def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def _unquote(token: str) -> str:
    return ast.literal_eval(token)


def read_po(path: Path) -> tuple[str, dict[tuple[str | None, str], Entry]]:
    """The header's msgstr and the entries; entries are separated by blank lines, as gettext's tools,
    Poedit and pybabel write them. Obsolete `#~` entries are dropped."""
    header = ""
    entries: dict[tuple[str | None, str], Entry] = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        fields: dict[str, str] = {}
        refs: list[str] = []
        fuzzy = False
        last = None
        for line in (raw.strip() for raw in block.splitlines()):
            if line.startswith("#~") or not line:
                continue
            if line.startswith("#:"):
                refs.extend(line[2:].split())
            elif line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in line
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and last is not None:
                fields[last] += _unquote(line)
            else:
                keyword, token = line.split(None, 1)
                last = keyword
                fields[last] = _unquote(token)
        if "msgid" not in fields:
            continue
        plural = "msgid_plural" in fields
        msgstr = ([fields[k] for k in sorted((k for k in fields if k.startswith("msgstr[")),
                                             key=lambda k: int(k[7:-1]))] if plural else [fields.get("msgstr", "")])
        entry = Entry(fields["msgid"], fields.get("msgid_plural"), fields.get("msgctxt"), msgstr, refs, fuzzy)
        if entry.msgid == "" and entry.context is None:
            header = msgstr[0]
        else:
            entries[entry.key] = entry
    return header, entries


def header_for(lang: str | None) -> str:
    lines = ["Project-Id-Version: lstm-forecaster", "MIME-Version: 1.0",
             "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit"]
    if lang:
        lines += [f"Language: {lang}", f"Plural-Forms: {PLURAL_FORMS.get(lang, PLURAL_FORMS['en'])}"]
    return "".join(line + "\n" for line in lines)


def write_po(path: Path, header: str, entries: list[Entry], template: bool = False) -> None:
    out = ['msgid ""', f"msgstr {_quote(header)}", ""]
    for e in entries:
        if e.references:
            out.append("#: " + " ".join(e.references))
        if e.fuzzy and not template:
            out.append("#, fuzzy")
        if e.context is not None:
            out.append(f"msgctxt {_quote(e.context)}")
        out.append(f"msgid {_quote(e.msgid)}")
        if e.msgid_plural is not None:
            out.append(f"msgid_plural {_quote(e.msgid_plural)}")
            strings = [""] * 2 if template else e.msgstr
            out.extend(f"msgstr[{i}] {_quote(s)}" for i, s in enumerate(strings))
        else:
            out.append(f"msgstr {_quote('' if template else e.msgstr[0])}")
        out.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out), encoding="utf-8")


def merge(extracted: dict[tuple[str | None, str], Entry], old: dict[tuple[str | None, str], Entry],
          nplurals: int) -> list[Entry]:
    """The extracted messages with the translations `old` already has; vanished ones dropped."""
    merged = []
    for key, fresh in extracted.items():
        previous = old.get(key)
        strings = previous.msgstr if previous else []
        size = nplurals if fresh.msgid_plural is not None else 1
        strings = (strings + [""] * size)[:size]
        merged.append(Entry(fresh.msgid, fresh.msgid_plural, fresh.context, strings, fresh.references,
                            bool(previous and previous.fuzzy)))
    return merged


# ------------------------------------------------------------------ .mo
def mo_bytes(header: str, entries: list[Entry]) -> bytes:
    """GNU .mo, as msgfmt writes it: translated, non-fuzzy entries and the header, sorted."""
    messages = {b"": header.encode("utf-8")}
    for e in entries:
        if e.fuzzy or not all(e.msgstr):
            continue
        key = e.msgid if e.msgid_plural is None else f"{e.msgid}\0{e.msgid_plural}"
        if e.context is not None:
            key = f"{e.context}\x04{key}"
        messages[key.encode("utf-8")] = "\0".join(e.msgstr).encode("utf-8")
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for k in keys:
        offsets.append((len(ids), len(k), len(strs), len(messages[k])))
        ids += k + b"\0"
        strs += messages[k] + b"\0"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    table = []
    for o1, l1, _o2, _l2 in offsets:
        table += [l1, o1 + key_start]
    for _o1, _l1, o2, l2 in offsets:
        table += [l2, o2 + value_start]
    head = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    return head + struct.pack(f"<{len(table)}I", *table) + ids + strs


def pseudo_entries(extracted: dict[tuple[str | None, str], Entry]) -> list[Entry]:
    """A test catalog that wraps every message in ⟦…⟧ (placeholders kept inside)."""
    return [Entry(e.msgid, e.msgid_plural, e.context,
                  [f"⟦{e.msgid_plural if e.msgid_plural is not None else e.msgid}⟧"]) for e in extracted.values()]


def write_pseudo_catalog(localedir: Path, lang: str = "zh_CN") -> Path:
    """Compiles the pseudo-locale into localedir/<lang>/LC_MESSAGES; returns the .mo path."""
    path = localedir / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(mo_bytes(header_for(lang), pseudo_entries(extract())))
    return path


# ------------------------------------------------------------------ the command
def languages() -> list[str]:
    return sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES").is_dir()) if LOCALE.is_dir() else []


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def update() -> None:
    extracted = extract()
    write_po(LOCALE / f"{DOMAIN}.pot", header_for(None), list(extracted.values()), template=True)
    for lang in languages():
        path = po_path(lang)
        header, old = read_po(path) if path.exists() else (header_for(lang), {})
        entries = merge(extracted, old, int(re.search(r"nplurals=(\d+)", header_for(lang)).group(1)))
        write_po(path, header or header_for(lang), entries)
        path.with_suffix(".mo").write_bytes(mo_bytes(header or header_for(lang), entries))


def problems() -> list[str]:
    """What is out of step: new, vanished or untranslated messages, a stale .mo."""
    found = []
    extracted = extract()
    for lang in languages():
        header, entries = read_po(po_path(lang))
        new = [k[1] for k in extracted if k not in entries]
        gone = [k[1] for k in entries if k not in extracted]
        found += [f"{lang}: not in the catalog: {m!r}" for m in new]
        found += [f"{lang}: no longer in the code: {m!r}" for m in gone]
        # a translation lost (an emptied .po once passed every other check here)
        found += [f"{lang}: not translated: {k[1]!r}" for k, entry in entries.items()
                  if k in extracted and not all(entry.msgstr)]
        mo = po_path(lang).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(header, list(entries.values())):
            found.append(f"{lang}: {mo.name} is not compiled from the .po")
    return found


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        issues = problems()
        print("\n".join(issues) or "catalogs up to date")
        sys.exit(1 if issues else 0)
    update()
    print(f"updated {', '.join(languages())}: {len(extract())} messages")
