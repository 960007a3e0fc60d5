"""Bring the planner's translation catalogues up to date with the code.

    .venv/bin/python tools/extract_messages.py          # update resources/locale/*/*.po
    .venv/bin/python tools/extract_messages.py --check  # exit 1 if a catalogue is behind

Finds every ``tr("...")``, ``tr_n("...", "...", n)`` and ``tr_noop("...")`` in
``planner/`` (Babel's Python extractor). Each package has its own catalogue per language
(``planner/app`` -> ``app.po``, ``planner/errors.py`` -> ``planner.po``): the new texts are
added with an empty translation, texts the code no longer has are dropped, the rest kept.
The translations themselves are written by hand in the .po files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
# Texts of the bundled data files that the interface shows: (folder under resources/,
# dotted paths into each file; "[]" walks a list of tables). Sources, notes and
# descriptions are clinical references and stay as written.
DATA_TEXTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "data-protocols": ("protocols", ("title", "steps[].title", "anchors.*.label")),
    "data-checklists": (
        "checklists",
        ("title", "items[].title", "items[].short", "items[].section"),
    ),
    "data-rules": ("rules", ("rules[].title", "rules[].text", "rules[].withhold")),
}
KEYWORDS = {"tr": None, "tr_noop": None, "tr_n": (1, 2)}
LOCALE = ROOT / "resources" / "locale"
FIXED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def part_of(path: str) -> str:
    """The catalogue of a file of ``planner/``: its package ("app/board.py" -> "app"),
    and for the large ``clinical`` package its module or subpackage
    ("clinical/grading.py" -> "clinical-grading", "clinical/calculators/x.py" ->
    "clinical-calculators"), so that several people can translate at once."""
    parts = path.split("/")
    if len(parts) == 1:
        return "planner"
    if parts[0] == "clinical":
        return f"clinical-{parts[1].removesuffix('.py')}"
    return parts[0]


def extracted() -> dict[str, Catalog]:
    """Every marked text of ``planner/``, as one template catalogue per package."""
    templates: dict[str, Catalog] = {}
    for filename, lineno, message, comments, _context in extract_from_dir(
        str(ROOT / "planner"),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        part = part_of(filename.replace("\\", "/"))
        template = templates.setdefault(part, Catalog(project="Transplant Planner", fuzzy=False))
        template.add(message, locations=[(f"planner/{filename}", lineno)], auto_comments=comments)
    return templates


def _walk(node: object, path: list[str]) -> list[str]:
    """The strings at a dotted path of parsed TOML ("steps[].title", "anchors.*.label")."""
    if not path:
        return [node] if isinstance(node, str) else []
    head, rest = path[0], path[1:]
    if head.endswith("[]"):
        items = node.get(head[:-2], []) if isinstance(node, dict) else []
        return [t for item in items if isinstance(item, dict) for t in _walk(item, rest)]
    if head == "*":
        return [
            t for v in (node.values() if isinstance(node, dict) else []) for t in _walk(v, rest)
        ]
    return _walk(node.get(head), rest) if isinstance(node, dict) else []


def data_templates() -> dict[str, Catalog]:
    """The shown texts of the bundled data files, as one template catalogue per kind."""
    import tomllib

    templates: dict[str, Catalog] = {}
    for part, (folder, paths) in DATA_TEXTS.items():
        template = Catalog(project="Transplant Planner", fuzzy=False)
        for file in sorted((ROOT / "resources" / folder).glob("*.toml")):
            doc = tomllib.loads(file.read_text("utf-8"))
            where = f"resources/{folder}/{file.name}"
            for path in paths:
                for text in _walk(doc, path.split(".")):
                    template.add(text, locations=[(where, 0)])
        templates[part] = template
    return templates


def updated(po: Path, template: Catalog) -> Catalog:
    """The catalogue at ``po`` merged with ``template`` (no guessed translations)."""
    language = po.parent.name
    if po.is_file():
        with po.open("rb") as stream:
            catalogue = read_po(stream, locale=language)
    else:
        catalogue = Catalog(
            locale=language,
            project="Transplant Planner",
            header_comment=f"# Texts of the planner in {language}: write each msgstr by hand.",
            creation_date=FIXED,
            revision_date=FIXED,
            last_translator="Transplant Planner contributors",
            language_team="",
            msgid_bugs_address="",
            fuzzy=False,
        )
    catalogue.update(template, no_fuzzy_matching=True)
    # Dates in the header would change the file at every run: keep them fixed.
    catalogue.creation_date = catalogue.revision_date = FIXED
    catalogue.obsolete.clear()
    return catalogue


def _ids(catalogue: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report, exit 1 if behind")
    parser.add_argument(
        "--part", action="append", help="update only this catalogue (e.g. app); repeatable"
    )
    args = parser.parse_args(argv)
    templates = {**extracted(), **data_templates()}
    if args.part:
        templates = {k: v for k, v in templates.items() if k in args.part}
    behind = []
    for language in sorted(p for p in LOCALE.iterdir() if p.is_dir()):
        for part, template in sorted(templates.items()):
            po = language / f"{part}.po"
            before: set[str] = set()
            if po.is_file():
                with po.open("rb") as stream:
                    before = _ids(read_po(stream, locale=language.name))
            if before != _ids(template):
                behind.append(po)
            if not args.check:
                catalogue = updated(po, template)
                with po.open("wb") as stream:
                    write_po(stream, catalogue, width=100, sort_by_file=True)
        for stale in sorted(language.glob("*.po")):
            if not args.part and stale.stem not in templates:
                behind.append(stale)
                if not args.check:
                    stale.unlink()
    for po in behind:
        print(f"{po.relative_to(ROOT)} is behind the code", file=sys.stderr)
    return 1 if args.check and behind else 0


if __name__ == "__main__":
    sys.exit(main())
