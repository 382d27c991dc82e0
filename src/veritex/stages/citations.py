"""Citations resolved against the book's BibTeX files, and the page's reference list.

The `.bib` files are those the front matter names (`bibliography:`) and those of the project
(`bibtex_bibfiles` in `_config.yml`, `project.bibliography` in `myst.yml`). pybtex reads and formats
them; it is imported only when a page cites something. A key with no entry, or a page citing with no
`.bib` at all, shows the key and warns once per document.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..model import Bibliography, Citation, Document, Item, MarkdownCell

__all__ = ["resolve_citations"]


def _bib_paths(doc: Document) -> list[Path]:
    from ..project import project_of

    named = doc.meta.raw.get("bibliography")
    own = [named] if isinstance(named, str) else named if isinstance(named, list) else []
    paths = [(doc.path.parent / str(p)).resolve() for p in own]
    paths.extend(project_of(doc.path, []).bibfiles)
    return list(dict.fromkeys(paths))


def _authors(entry: Any) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [" ".join(p.last_names) or str(p) for p in people]
    if not names:
        return str(entry.fields.get("title", "?"))
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def _in_text(entries: list[tuple[str, Any]], form: str) -> str:
    if form == "t":
        return "; ".join(f"{_authors(e)} ({e.fields.get('year', 'n.d.')})" for _, e in entries)
    return "(" + "; ".join(f"{_authors(e)}, {e.fields.get('year', 'n.d.')}" for _, e in entries) + ")"


def _formatted(key: str, entry: Any, style: Any) -> str:
    try:
        return str(style.format_entry(key, entry).text.render_as("text"))
    except Exception:  # noqa: BLE001 - pybtex raises many kinds for an incomplete entry; the plain line stands in
        title = entry.fields.get("title", "")
        return f"{_authors(entry)}. {title}. {entry.fields.get('year', '')}".strip()


def resolve_citations(doc: Document) -> None:
    """Set each citation's text and add the reference list at the end of the page."""
    citations: list[Citation] = list(doc.all_citations())
    if not citations:
        return
    paths = _bib_paths(doc)
    entries: dict[str, Any] = {}
    problems: list[str] = []
    if paths:
        from pybtex.database import PybtexError, parse_file
        from pybtex.plugin import find_plugin

        for path in paths:
            try:
                data = parse_file(str(path), bib_format="bibtex")
            except (OSError, PybtexError) as exc:
                problems.append(f"{path}: {exc}")
                continue
            for key, entry in data.entries.items():
                entries.setdefault(key, entry)
            doc.project_files.append(os.path.relpath(path, doc.path.resolve().parent))
        style = find_plugin("pybtex.style.formatting", "plain")()
    first = citations[0].position
    cited: dict[str, str] = {}
    missing: list[str] = []
    for node in citations:
        known = [(k, entries[k]) for k in node.keys if k in entries]
        node.found = [k for k, _ in known]
        missing.extend(k for k in node.keys if k not in entries and k not in missing)
        node.shown = _in_text(known, node.form) if known and len(known) == len(node.keys) else ", ".join(node.keys)
        for key, entry in known:
            if key not in cited:
                cited[key] = _formatted(key, entry, style)
    for problem in problems:
        doc.add(Item("document", "warning", f"bibliography not read: {problem}", first))
    if not paths:
        doc.add(Item("reference", "warning", f"citations ({', '.join(missing)}) but no .bib file: name one with "
                     "`bibliography: refs.bib` in the front matter (or `bibtex_bibfiles` in _config.yml); "
                     "the keys are shown as written", first, label=missing[0] if missing else None))
    elif missing:
        doc.add(Item("reference", "warning", f"no bibliography entry for {', '.join(missing)} (in "
                     f"{', '.join(str(p) for p in paths)}); the keys are shown as written", first,
                     label=missing[0]))
    if cited:
        last = next((c for c in reversed(doc.cells) if isinstance(c, MarkdownCell)), None)
        if last is not None:
            last.body = [b for b in last.body if not isinstance(b, Bibliography)]
            last.body.append(Bibliography(list(cited.items()), first))
