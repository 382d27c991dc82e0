"""Unchecked reasons grouped, counts and tables, on messages and items written for the test."""

from __future__ import annotations

from veritex.model import Item, Position

from .rawtext import RawCounts
from .tally import Row, format_table, reason_counts, seconds_summary, unchecked_reasons, verdict_counts


def _item(status: str, message: str = "", kind: str = "identity") -> Item:
    return Item(kind, status, message, Position("doc.md", 3, 1))  # type: ignore[arg-type]


def test_places_names_and_numbers_are_taken_out_of_a_reason() -> None:
    first = unchecked_reasons("cannot interpret \\int at 107:1: outside veritex's math subset (integrals)")
    second = unchecked_reasons("cannot interpret \\int at 4:55: outside veritex's math subset (integrals)")
    assert first == second == {"cannot interpret \\int: outside veritex's math subset (integrals)"}
    assert unchecked_reasons("Var is never defined: no sample can test") == {"<name> is never defined: no sample can test"}
    assert unchecked_reasons("F, u are never defined: no sample") == {"<name> are never defined: no sample"}
    assert unchecked_reasons("x (the formula at line 239), y (eq:a) is defined by a recurrence, so") == \
        {"<name> is defined by a recurrence, so"}
    assert unchecked_reasons("cannot interpret \\textrm{distance is} at 25:3: text where a value is expected") == \
        {"cannot interpret \\textrm{…}: text where a value is expected"}
    assert unchecked_reasons("≈ is an approximation, never refuted; the sides differ by up to 1.5 (relative)") == \
        {"≈ is an approximation, never refuted", "the sides differ by up to N (relative)"}


def test_a_derivation_gives_each_unchecked_step_once_and_no_verified_step() -> None:
    message = ("step 1 → 2 verified symbolically; step 2 → 3 unchecked: cannot interpret \\dots at 628:71; "
               "step row 2, 3 → 4 unchecked: cannot interpret \\dots at 629:9; step 4 → 5 fails at x = 1")
    assert unchecked_reasons(message) == {"cannot interpret \\dots"}


def test_an_internal_failure_keeps_its_exception_name_only() -> None:
    message = ("step row 1, 1 → 2 unchecked: the check itself failed (NonInvertibleMatrixError: Matrix det == 0; "
               "not invertible.)")
    assert unchecked_reasons(message) == {"the check itself failed (NonInvertibleMatrixError)"}
    assert unchecked_reasons("the check itself failed (TypeError: unsupported operand type(s) for +: 'A' and 'B')") \
        == {"the check itself failed (TypeError)"}


def test_reasons_count_items_and_verdict_counts_count_statuses() -> None:
    items = [_item("unchecked", "step 1 → 2 unchecked: a tuple at 3:1; step 2 → 3 unchecked: a tuple at 3:9"),
             _item("unchecked", "a tuple at 8:2"), _item("verified"), _item("refuted", "fails"),
             _item("error", "unknown reference 'x'", kind="reference"), _item("warning", "a note", kind="math")]
    assert reason_counts(items) == {"a tuple": 2}
    assert verdict_counts(items) == {"items": 5, "verified": 1, "refuted": 1, "error": 1, "unchecked": 2}


def test_the_table_has_a_line_per_document_and_totals() -> None:
    rows = [Row("a.md", {"items": 3, "verified": 1, "refuted": 1, "error": 0, "unchecked": 1}, 1,
                RawCounts(directives=2, tex=1), 0.5),
            Row("b.md", {"items": 1, "verified": 0, "refuted": 0, "error": 1, "unchecked": 0}, None, None, 1.25)]
    lines = format_table(rows).splitlines()
    assert lines[0].split() == ["document", "items", "verified", "refuted", "error", "unchecked", "false", "alarms",
                                "directives", "roles", "dialect", "tex", "boxes", "seconds"]
    assert lines[2].split() == ["a.md", "3", "1", "1", "0", "1", "1", "2", "0", "0", "1", "0", "0.50"]
    assert lines[3].split() == ["b.md", "1", "0", "0", "1", "0", "-", "-", "-", "-", "-", "-", "1.25"]
    assert lines[-1].split() == ["total", "4", "1", "1", "1", "1", "1", "2", "0", "0", "1", "0", "1.75"]
    assert seconds_summary({"a.md": 0.5, "b.md": 1.25, "c.md": 0.25}) == \
        "seconds per document: median 0.50, max 1.25 (b.md), over 3 documents"
