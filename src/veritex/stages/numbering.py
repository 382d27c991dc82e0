"""Number labelled formulas, figures, exercises and `prf:` blocks, and point every reference at its target.

Equation numbers follow the order of appearance among labelled display formulas; a formula with its own
`\\tag{..}` keeps its tag and takes no number, as in LaTeX. Exercises and each `prf:` kind (theorem,
lemma, ...) are numbered on their own, as Jupyter Book does. A target this page lacks is an error,
unless the page is part of a book (a page beside it, or a `_toc.yml` / `myst.yml` / `_config.yml` above
it): then it may live in another page, and the warning names it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..model import (
    Directive,
    Document,
    Figure,
    Heading,
    Item,
    Math,
    Node,
    Reference,
    Target,
    directive_kind,
    is_numbered,
    plain_text,
    reference_text,
    walk,
)

__all__ = ["number_equations", "reference_text"]

_DOCUMENT_SUFFIXES = (".md", ".ipynb", ".markdown")
_PAGE_ROLES = ("eq", "eqref")  # `{eq}` and `\eqref`


@dataclass
class _Anchor:
    """A place a reference can point at: its element id, its title and its number text."""

    anchor: str
    title: str | None
    numbered: str | None  # "Figure 2", "Theorem 1"
    number: str | None


def number_equations(doc: Document) -> None:
    """Set formula, figure and block numbers and resolve references; unknown and duplicate labels become
    items."""
    labels: dict[str, Math] = {}
    number = 0
    for math in doc.all_math():
        math.number = None
        if not math.label:
            continue
        first = labels.get(math.label)
        if first is not None:
            doc.add(Item(
                "reference", "error",
                f"duplicate label '{math.label}': the formula at {_where(first)} already has it; "
                "give this formula another label",
                math.position, label=math.label,
            ))
            continue
        labels[math.label] = math
        if math.display and math.tag is None:
            number += 1
            math.number = number

    anchors = _anchors(doc)
    in_book: str | None = ""
    for ref in doc.all_references():
        ref.resolved = labels.get(ref.target)
        ref.shown = ref.anchor = None
        if ref.resolved is not None:
            if ref.text:
                ref.shown = ref.text.replace("%s", reference_text(ref.resolved, "ref"))
            continue
        if ref.role == "doc":
            _resolve_document(doc, ref)
            continue
        found = anchors.get(ref.target)
        if found is not None:
            ref.anchor = found.anchor
            ref.shown = _shown(ref, found)
            continue
        if in_book == "":
            from ..project import is_in_book

            in_book = is_in_book(doc.path)
        if _may_be_elsewhere(doc, ref, in_book):
            ref.shown = ref.text or (f"({ref.target})" if ref.role == "eq" else ref.target)
            doc.add(Item("reference", "warning", f"reference '{ref.target}' is not in this page: it may be in "
                         "another page of the book, which veritex does not read yet; shown as text",
                         ref.position, label=ref.target))
        else:
            known = sorted({*labels, *anchors})
            doc.add(Item("reference", "error", _unknown_message(ref.target, known), ref.position,
                         label=ref.target))


def _may_be_elsewhere(doc: Document, ref: Reference, in_book: str | None) -> bool:
    """`{eq}` and `\\eqref` name a formula of this page in a veritex document, as they always did; in a
    Jupyter Book page (jupytext front matter) or under a project file, labels are book-wide."""
    if in_book is None:
        return False
    if ref.role not in _PAGE_ROLES:
        return True
    return in_book == "project" or "jupytext" in doc.meta.raw


def _shown(ref: Reference, found: _Anchor) -> str:
    if ref.text:
        return ref.text.replace("%s", found.number or "").replace("{number}", found.number or "")
    if ref.role in ("numref", "prf:ref"):
        return found.numbered or found.title or ref.target
    return found.title or found.numbered or ref.target


def _anchors(doc: Document) -> dict[str, _Anchor]:
    """Every labelled place of the page but formulas: targets (named by the heading or block after
    them), headings' labels, figures, exercises and `prf:` blocks, numbered per kind."""
    counters: dict[str, int] = {}
    anchors: dict[str, _Anchor] = {}
    pending: list[Target] = []
    for cell in doc.markdown_cells():
        for node in walk(cell.body):
            if isinstance(node, Target):
                pending.append(node)
                continue
            if not isinstance(node, Heading | Directive | Figure):
                continue
            found = _numbered(node, counters)
            if found is not None and getattr(node, "label", None):
                anchors.setdefault(str(node.label), found)  # type: ignore[union-attr]
            for target in pending:  # a target names the block right after it
                title = found.title if found else None
                anchors.setdefault(target.label, _Anchor(target.label, title,
                                                         found.numbered if found else None,
                                                         found.number if found else None))
            pending.clear()
    for target in pending:
        anchors.setdefault(target.label, _Anchor(target.label, None, None, None))
    return anchors


def _numbered(node: Node, counters: dict[str, int]) -> _Anchor | None:
    if isinstance(node, Heading):
        return _Anchor("", node.text, None, None)
    if isinstance(node, Figure):
        node.number = None
        if not node.label:
            return None
        counters["figure"] = counters.get("figure", 0) + 1
        node.number = counters["figure"]
        caption = plain_text(node.caption[0].children) if node.caption and hasattr(node.caption[0], "children") \
            else None
        return _Anchor(node.label, caption, f"Figure {node.number}", str(node.number))
    if isinstance(node, Directive):
        node.number = None
        kind = directive_kind(node.name)
        title = plain_text(node.title) if node.title else None
        if is_numbered(node):
            key = node.name.lower()
            counters[key] = counters.get(key, 0) + 1
            node.number = counters[key]
            return _Anchor(node.label or "", title, f"{kind} {node.number}", str(node.number))
        return _Anchor(node.label or "", title or kind or None, kind or None, None)
    return None


def _resolve_document(doc: Document, ref: Reference) -> None:
    """`{doc}`page``: a link to that page's HTML when the file is there, else a warning naming it."""
    folder = doc.path.parent
    target = ref.target.lstrip("/")
    stem = os.path.splitext(target)[0] if target.endswith(_DOCUMENT_SUFFIXES) else target
    for suffix in _DOCUMENT_SUFFIXES:
        if (folder / (stem + suffix)).is_file():
            ref.anchor = stem + ".html"
            ref.shown = ref.text or os.path.basename(stem)
            return
    ref.shown = ref.text or os.path.basename(stem)
    doc.add(Item("reference", "warning", f"page '{ref.target}' is not beside this one ({folder}); the reference "
                 "is shown as text", ref.position, label=ref.target))


def _where(math: Math) -> str:
    line = f"line {math.position.line}"
    return f"cell {math.position.cell}, {line}" if math.position.cell is not None else line


def _unknown_message(target: str, known: list[str]) -> str:
    import difflib  # only for a reference to a label that does not exist

    close = difflib.get_close_matches(target, known, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    listed = ", ".join(known) if known else "none"
    return f"unknown reference '{target}': no formula or block has this label; {hint}labels in this document: {listed}"
