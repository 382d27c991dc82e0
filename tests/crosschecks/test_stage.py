"""The cross-check stage: findings become consistency items at their place, are kept and replayed, and a
check that fails inside is named, never a verdict."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import veritex
from veritex.crosschecks import registry
from veritex.model import Item

from . import planted as planted_check


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "veritex_planted_check", planted_check)
    monkeypatch.setattr(registry, "CHECK_MODULES", ("veritex_planted_check",))


def tmp_out(path: Path) -> Path:
    return path.parent / "site"


def _items(path: Path, cache: Path) -> list[Item]:
    report = veritex.build(path, tmp_out(path), execute=False, write=False, cache_dir=cache)
    return [i for d in report.documents for i in d.items if i.kind == "consistency"]


def test_a_finding_is_an_item_at_its_place_and_is_replayed(planted: None, tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("# T\n\nSome prose.\n\n$$\nx = y + BAD\n$$\n")
    (item,) = _items(doc, tmp_path / "cache")
    assert (item.status, item.message) == ("refuted", "BAD is planted here")
    assert item.position is not None and (item.position.line, item.position.column) == (6, 9)
    assert item.detail["check"] == "planted" and item.detail["fix"] == "remove BAD"
    assert list((tmp_path / "cache" / "crosscheck-documents").glob("*/*.json"))
    (again,) = _items(doc, tmp_path / "cache")
    assert again.to_json() == item.to_json()
    doc.write_text("# T\n\nOther prose.\n\n$$\nx = y\n$$\n")
    assert _items(doc, tmp_path / "cache") == []


def test_a_check_failing_inside_is_named_and_not_kept(planted: None, tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("$$\nx = CRASH\n$$\n")
    (item,) = _items(doc, tmp_path / "cache")
    assert item.status == "unchecked" and "ZeroDivisionError" in item.message
    assert item.detail["code"] == "checker-failure"
    assert not list((tmp_path / "cache").glob("crosscheck-documents/*/*.json"))


def test_the_errata_and_explain_show_a_finding_with_its_evidence(planted: None, tmp_path: Path) -> None:
    from veritex.explain import explain

    doc = tmp_path / "doc.md"
    doc.write_text("# T\n\n$$\nx = y + BAD\n$$ (eq:planted)\n")
    report = veritex.build(doc, tmp_out(doc), execute=False, write=False, cache_dir=tmp_path / "cache")
    (entry,) = veritex.errata(report).entries
    assert entry.kind == "consistency" and entry.fix == "remove BAD" and entry.place.endswith(":4")
    shown = explain(doc, "eq:planted", cache_dir=tmp_path / "cache").render()
    assert "verdict: refuted (consistency" in shown and "BAD is planted here" in shown


def test_an_edit_beside_a_formula_reruns_the_checks_but_not_what_they_remember(planted: None, tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    planted_check.COMPUTED.clear()
    doc.write_text("# T\n\nSome prose.\n\n$$\nx = y + BAD\n$$\n")
    (first,) = _items(doc, tmp_path / "cache")
    doc.write_text("# T\n\nOther prose beside it.\n\n$$\nx = y + BAD\n$$\n")
    (again,) = _items(doc, tmp_path / "cache")
    assert again.detail["size"] == first.detail["size"] == len(planted_check.COMPUTED[0])
    assert len(planted_check.COMPUTED) == 1  # worked out once, remembered after the edit


def test_a_page_marks_the_verdicts_of_unlabelled_and_inline_formulas(planted: None, tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("# T\n\nInline $a = BAD$ here.\n\n$$\nx = y + BAD\n$$\n")
    veritex.build(doc, tmp_path / "site", execute=False, cache_dir=tmp_path / "cache")
    page = (tmp_path / "site" / "doc.html").read_text(encoding="utf-8")
    assert page.count('class="vt-inline-verdict vt-refuted" title="BAD is planted here"') == 1
    assert 'class="vt-formula-verdicts"' in page and "BAD is planted here" in page
