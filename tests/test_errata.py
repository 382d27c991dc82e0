"""The errata report: only refuted formulas, with place, reason, evidence and fix; API first, CLI thin."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import veritex
from veritex.cli import main

BOOK = {
    "one.md": "# One\n\nWith $x = 0.5$:\n\n$$\n\\frac{1}{x^2} \\approx 2.0\n$$\n\n$$\n(a+b)^2 = a^2 + 2ab + b^2\n$$\n",
    "two.md": "# Two\n\n$$\n(a+b)^2 = a^2 + b^2\n$$\n\n$$\n\\sin x \\approx x\n$$\n",
    "three.md": "# Three\n\n$$\ne^{0} = 1\n$$\n",
}


def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    root.mkdir()
    for name, text in BOOK.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_errata_lists_only_the_refuted_formulas_with_evidence_and_fix(tmp_path: Path) -> None:
    root = book(tmp_path)
    report = veritex.build([root], tmp_path / "site", execute=False, write=False)
    found = veritex.errata(report)
    assert isinstance(found, veritex.Errata)
    assert found.documents == 3
    places = [e.place for e in found.entries]
    assert places == [f"{root / 'one.md'}:6", f"{root / 'two.md'}:4"]
    stated, square = found.entries
    assert "evaluates to 4.000, not the 2.0 stated" in stated.reason
    assert stated.fix == "≈ 4.0"
    assert stated.source == "\\frac{1}{x^2} \\approx 2.0"
    assert any("x = 0.5 from the prose at line 3" in e for e in stated.evidence)
    assert square.fix is None and square.source == "(a+b)^2 = a^2 + b^2"
    assert any("left side" in e and "right side" in e for e in square.evidence)


def test_errata_writes_one_page_and_json(tmp_path: Path) -> None:
    root = book(tmp_path)
    report = veritex.build([root], tmp_path / "site", execute=False, write=False)
    page, data = veritex.errata(report).write(tmp_path / "out")
    record = json.loads(data.read_text(encoding="utf-8"))
    assert record["refuted"] == 2 and len(record["errata"]) == 2
    assert record["errata"][0]["fix"] == "≈ 4.0"
    text = page.read_text(encoding="utf-8")
    assert text.count('class="erratum"') == 2 and "Likely fix" in text and "e^{0}" not in text


def test_errata_of_a_correct_book_is_empty(tmp_path: Path) -> None:
    (tmp_path / "ok.md").write_text("$$\ne^{0} = 1\n$$\n", encoding="utf-8")
    report = veritex.build([tmp_path / "ok.md"], tmp_path / "site", execute=False, write=False)
    found = veritex.errata(report)
    assert found.entries == [] and "No formula is refuted" in found.to_html()


def test_check_errata_on_the_command_line(tmp_path: Path) -> None:
    root = book(tmp_path)
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["check", "--no-execute", "--errata", "-o", str(out), str(root)])
    assert result.exit_code == 1, result.output
    assert "2 refuted formulas in 3 documents" in result.output
    assert (out / "errata.html").is_file() and (out / "errata.json").is_file()
