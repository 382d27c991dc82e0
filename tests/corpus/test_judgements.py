"""How verdicts are matched to the judgement files, on judgements and verdicts written for the test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .judgements import Judgements, Verdict, Verdicts

JUDGED = {
    "documents": {"book/a.md": {}, "book/n.ipynb": {}},
    "judged": [
        {"doc": "book/a.md", "line": 10, "column": 3, "formula": "x = y", "status_seen": "refuted",
         "judgement": "false_alarm", "class": "not_an_identity", "why": "a definition"},
        {"doc": "book/a.md", "line": 20, "column": 30, "formula": "{ref}`a`", "status_seen": "error",
         "judgement": "false_alarm", "class": "reference_or_dialect", "why": "a section label"},
        {"doc": "book/a.md", "line": 20, "column": 60, "formula": "{ref}`b`", "status_seen": "error",
         "judgement": "false_alarm", "class": "reference_or_dialect", "why": "a section label"},
        {"doc": "book/n.ipynb", "cell": 4, "line": 2, "formula": "f[x] = x", "status_seen": "refuted",
         "judgement": "false_alarm", "class": "operator_as_product", "why": "f[x] is a function"},
    ],
}
MISTAKES = {
    "documents": ["book/a.md", "book/n.ipynb"],
    "mistakes": [
        {"doc": "book/a.md", "line": "40", "veritex_line": "40", "error_line": "42",
         "formula": "a \\\\\n b \\\\\n c", "kind": "sign", "why": "a sign lost"},
        {"doc": "book/n.ipynb", "cell": "7", "line": "3", "formula": "v = s", "class": "other", "why": "s^2"},
    ],
    "doubtful": [{"doc": "book/a.md", "line": "50", "formula": "z_1, z_1", "kind": "wrong_variable", "why": "?"}],
}


@pytest.fixture
def judgements(tmp_path: Path) -> Judgements:
    folder = tmp_path / "shelf"
    folder.mkdir()
    (folder / "JUDGED.json").write_text(json.dumps(JUDGED))
    (folder / "MISTAKES.json").write_text(json.dumps(MISTAKES))
    own: dict[str, Any] = {"shelf": {"judged": [
        {"doc": "book/a.md", "line": 70, "status": "refuted", "message": "fails at x = 1",
         "judgement": "false_alarm", "class": "domain_ignored", "why": "x > 0 is stated"},
        {"doc": "book/a.md", "line": 80, "column": 1, "status": "refuted", "message": "fails at p = 2",
         "judgement": "real_mistake", "why": "the variance lacks a square"}]}}
    (tmp_path / "judged_here.json").write_text(json.dumps(own))
    return Judgements.load(folder, tmp_path / "judged_here.json")


def _v(line: int, column: int | None = 1, status: str = "refuted", doc: str = "book/a.md",
       cell: int | None = None) -> Verdict:
    return Verdict(doc, status, "identity", line, column, cell, "message")


def test_a_verdict_matches_a_judgement_at_its_line_within_a_column_slack(judgements: Judgements) -> None:
    assert judgements.judgement_for(_v(10, 1)) is not None  # `$$x = y`: the column of `$$` or of `x`
    assert judgements.judgement_for(_v(10, 5)) is not None
    assert judgements.judgement_for(_v(10, 6)) is None  # another formula on the same line
    assert judgements.judgement_for(_v(11, 3)) is None


def test_the_nearest_column_tells_two_judgements_of_one_line_apart(judgements: Judgements) -> None:
    first, second = judgements.judgement_for(_v(20, 31)), judgements.judgement_for(_v(20, 59))
    assert first is not None and second is not None and (first.column, second.column) == (30, 60)


def test_in_a_notebook_the_cell_counts(judgements: Judgements) -> None:
    assert judgements.judgement_for(_v(2, None, doc="book/n.ipynb", cell=4)) is not None
    assert judgements.judgement_for(_v(2, None, doc="book/n.ipynb", cell=5)) is None


def test_verdicts_are_sorted_into_false_alarms_catches_and_unjudged(judgements: Judgements) -> None:
    verdicts = [
        _v(10, 3), _v(20, 30, "error"), _v(70, 4),  # false alarms (the last one judged here)
        _v(41, 1),  # refuted inside the lines of a recorded mistake: caught
        _v(80, 1),  # refuted where a real mistake was judged here: caught
        _v(40, 1, "error"),  # an error where a mistake is recorded is no catch, and nobody judged it
        _v(90, 1), _v(50, 1, "error"),  # new, and an error on a doubtful mistake's line
        Verdict("book/a.md", "unchecked", "identity", 95, 1, None, "cannot interpret"),  # not a broken verdict
    ]
    result = Verdicts.sort(verdicts, judgements)
    assert [v.line for v, _ in result.false_alarms] == [10, 20, 70]
    assert [v.line for v, _ in result.catches] == [41, 80]
    assert [v.line for v in result.unjudged] == [40, 90, 50]
    assert [m.where() for m in result.caught] == ["book/a.md:40", "book/a.md:80"]
    assert [m.where() for m in result.missed] == ["book/n.ipynb:cell 7:3"]  # the doubtful one is not counted
    assert result.false_alarms_by_doc() == {"book/a.md": 3}
    assert result.false_alarms_by_class() == {"reference_or_dialect": 1, "domain_ignored": 1, "not_an_identity": 1}


def test_a_mistake_spans_its_formula_lines_and_its_error_line(judgements: Judgements) -> None:
    (mistake,) = [m for m in judgements.mistakes if m.doc == "book/a.md" and not m.doubtful]
    assert (mistake.first_line, mistake.last_line) == (40, 42)
    assert not mistake.caught_by(_v(43)) and not mistake.caught_by(_v(41, status="error"))
    assert judgements.documents == ["book/a.md", "book/n.ipynb"]
