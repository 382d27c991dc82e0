"""Equation numbers, reference resolution, unknown and duplicate labels."""

from __future__ import annotations

from pathlib import Path

from veritex.model import Document, FrontMatter, MarkdownCell, Math, Position, Reference
from veritex.readers.markdown import read_markdown
from veritex.stages.numbering import number_equations, reference_text


def _math(label: str | None, display: bool = True, tag: str | None = None, line: int = 1) -> Math:
    return Math(tex="x", display=display, position=Position("d.md", line), label=label, tag=tag)


def _doc(formulas: list[Math], refs: list[Reference]) -> Document:
    cell = MarkdownCell("", Position("d.md", 1), math=formulas, references=refs)
    return Document(path=Path("d.md"), meta=FrontMatter(), cells=[cell])


def test_labelled_display_formulas_are_numbered_in_order() -> None:
    a, plain, inline, tagged, b = (_math("eq:a"), _math(None), _math("eq:inline", display=False),
                                   _math("eq:t", tag="*"), _math("eq:b"))
    doc = _doc([a, plain, inline, tagged, b], [])
    number_equations(doc)
    assert [m.number for m in (a, plain, inline, tagged, b)] == [1, None, None, None, 2]
    assert doc.items == []


def test_references_resolve_and_read_as_numbers_or_tags() -> None:
    a, tagged = _math("eq:a"), _math("eq:t", tag="A.1")
    refs = [Reference("eq:a", "eq", Position("d.md", 9)), Reference("eq:a", "ref", Position("d.md", 9, 20)),
            Reference("eq:t", "eqref", Position("d.md", 10))]
    doc = _doc([a, tagged], refs)
    number_equations(doc)
    assert [r.resolved for r in refs] == [a, a, tagged]
    assert [reference_text(r.resolved, r.role) for r in refs if r.resolved] == ["(1)", "1", "(A.1)"]


def test_unknown_reference_is_an_error_at_the_reference() -> None:
    where = Position("d.md", 50, 49)
    doc = _doc([_math("eq:loss"), _math("eq:grad")], [Reference("eq:los", "eq", where),
                                                      Reference("eq:nowhere", "eq", where.shifted(1))])
    number_equations(doc)
    first, second = doc.items
    assert (first.kind, first.status, first.position) == ("reference", "error", where)
    assert "unknown reference 'eq:los'" in first.message and "did you mean 'eq:loss'" in first.message
    assert "labels in this document: eq:grad, eq:loss" in first.message
    assert "did you mean" not in second.message and second.label == "eq:nowhere"


def test_duplicate_label_is_an_error_and_the_first_formula_keeps_it() -> None:
    first, second = _math("eq:x", line=3), _math("eq:x", line=9)
    ref = Reference("eq:x", "eq", Position("d.md", 12))
    doc = _doc([first, second], [ref])
    number_equations(doc)
    (item,) = doc.items
    assert item.status == "error" and item.position == second.position and "line 3" in item.message
    assert ref.resolved is first and first.number == 1 and second.number is None


def test_numbering_from_markdown_with_myst_and_tex_references() -> None:
    text = ("$$\na = 1\n$$ (eq:one)\n\n$$\nb = 2 \\tag{B}\n$$ (eq:two)\n\n$$\nc = 3\n$$ (eq:three)\n\n"
            "See {eq}`eq:three`, \\eqref{eq:two} and {eq}`eq:none`.\n")
    doc = read_markdown(text, Path("m.md"))
    number_equations(doc)
    labels = doc.labels()
    assert (labels["eq:one"].number, labels["eq:two"].number, labels["eq:three"].number) == (1, None, 2)
    refs = list(doc.all_references())
    assert [reference_text(r.resolved, r.role) if r.resolved else None for r in refs] == ["(2)", "(B)", None]
    (error,) = doc.items
    assert error.position and error.position.line == 13 and "eq:none" in error.message
