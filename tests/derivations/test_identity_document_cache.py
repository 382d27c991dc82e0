"""The document-level identity cache: a prose edit costs a hash, and what it serves is what a full check says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from veritex.model import Item
from veritex.readers.markdown import read_markdown
from veritex.stages.derivations import check_identities

SIGMOID = "$$\n\\sigma(x) = \\frac{1}{1 + e^{-x}}\n$$\n\n"  # unlabelled: verdicts name it by its line
CLAIM = "$$\n\\frac{d}{dx}\\sigma(x) = \\sigma(x)\\left(1 - \\sigma(x)\\right)\n$$ (eq:it)\n\n"
UNREADABLE = "$$\na = \\oint x\n$$ (eq:loop)\n\n"
DOC = "Intro.\n\n" + UNREADABLE + SIGMOID + CLAIM


def items(markdown: str, cache_dir: Path | None) -> list[Item]:
    doc = read_markdown(markdown, Path("doc.md"))
    check_identities(doc, cache_dir)
    return [i for i in doc.items if i.kind == "identity"]


def comparable(found: list[Item]) -> list[tuple[object, ...]]:
    """Everything an item says, but how long it took and whether it came from a cache."""
    out: list[tuple[object, ...]] = []
    for item in found:
        detail = {k: v for k, v in item.detail.items() if k not in ("seconds", "cached")}
        out.append((item.label, item.status, item.message, item.position, detail))
    return out


def test_a_replayed_document_says_what_a_full_check_says_at_the_new_positions(tmp_path: Path) -> None:
    labelled = DOC.replace(SIGMOID, SIGMOID.replace("$$\n\n", "$$ (eq:s)\n\n"))
    items(labelled, tmp_path)
    edited = labelled.replace("Intro.", "A longer introduction,\nover two lines.")
    replayed = items(edited, tmp_path)
    assert comparable(replayed) == comparable(items(edited, None))
    unreadable, claim = replayed
    assert unreadable.label == "eq:loop" and "\\oint at 5:5" in unreadable.message
    assert claim.detail["cached"] is True and "sigma from eq:s" in claim.message
    assert claim.position is not None and claim.position.line == 13


def test_a_prose_edit_imports_neither_the_math_reader_nor_sympy(tmp_path: Path) -> None:
    items(DOC, tmp_path)
    edited = DOC.replace("Intro.", "An edited introduction.")
    script = (
        "import sys; from pathlib import Path\n"
        "from veritex.readers.markdown import read_markdown\n"
        "from veritex.stages.derivations import check_identities\n"
        f"doc = read_markdown({edited!r}, Path('doc.md'))\n"
        f"check_identities(doc, Path({str(tmp_path)!r}))\n"
        "assert [i.label for i in doc.items] == ['eq:loop', 'eq:it'], doc.items\n"
        "print(sorted(m for m in ('veritex.math', 'veritex.derivations.plan', 'sympy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_moved_unlabelled_definition_that_a_verdict_names_is_checked_again(tmp_path: Path) -> None:
    before = items(DOC, tmp_path)[1]
    moved = items(DOC.replace(SIGMOID, "More prose.\n\n" + SIGMOID), tmp_path)[1]
    assert "the formula at line 8" in before.message and "the formula at line 10" in moved.message
    assert comparable([moved]) == comparable([items(DOC.replace(SIGMOID, "More prose.\n\n" + SIGMOID), None)[1]])


def test_a_changed_formula_or_macro_is_a_miss(tmp_path: Path) -> None:
    items(DOC, tmp_path)
    changed = items(DOC.replace("\\frac{1}{1 + e^{-x}}", "\\frac{2}{1 + e^{-x}}"), tmp_path)[1]
    assert changed.status == "refuted" and changed.detail["cached"] is False
    with_macro = "---\nmacros:\n  \\s: \\sigma\n---\n\n" + DOC
    assert comparable(items(with_macro, tmp_path)) == comparable(items(with_macro, None))


def test_a_damaged_document_entry_is_ignored(tmp_path: Path) -> None:
    first = items(DOC, tmp_path)
    (entry,) = (tmp_path / "identity-documents").glob("*/*.json")
    entry.write_text('{"format": 1, "key": ', encoding="utf-8")
    assert comparable(items(DOC, tmp_path)) == comparable(first)
    rewritten = entry.read_text(encoding="utf-8")
    assert '"formula":2' in rewritten
    entry.write_text(rewritten.replace('"formula":2', '"formula":99'), encoding="utf-8")  # no such formula
    assert comparable(items(DOC, tmp_path)) == comparable(first)
