"""The shared acceptance documents, built the way a user builds them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from veritex.builder import build
from veritex.model import Item
from veritex.report import DocumentReport, Report

ACCEPTANCE = Path(__file__).resolve().parents[2] / "shared" / "acceptance"
DOCUMENTS = ["attention.md", "autograd.md", "broken.md", "linear_regression_tf.md", "planted_sigmoid.md",
             "softmax_stability.ipynb"]

pytestmark = [pytest.mark.kernel, pytest.mark.slow]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Path]:
    if not ACCEPTANCE.is_dir():
        pytest.skip("the shared acceptance documents are not beside this checkout")
    work = tmp_path_factory.mktemp("acceptance")
    sources = work / "docs"
    sources.mkdir()
    for name in DOCUMENTS:
        shutil.copy(ACCEPTANCE / name, sources / name)
    before = {name: (sources / name).read_bytes() for name in DOCUMENTS}
    report = build([sources / n for n in DOCUMENTS], work / "site", jobs=2)
    after = {name: (sources / name).read_bytes() for name in DOCUMENTS}
    assert before == after, "a build must never write into its sources"
    return report, work / "site"


def _doc(report: Report, name: str) -> DocumentReport:
    return next(d for d in report.documents if d.path.name == name)


def _items(report: Report, name: str, kind: str, status: str | None = None) -> list[Item]:
    return [i for i in _doc(report, name).items if i.kind == kind and (status is None or i.status == status)]


def test_broken_document_names_each_mistake_with_its_line(built: tuple[Report, Path]) -> None:
    report, site = built
    math_errors = _items(report, "broken.md", "math", "error")
    assert sorted(i.position.line for i in math_errors if i.position) == [13, 19]
    assert any("\\foo" in i.message for i in math_errors)
    (warning,) = _items(report, "broken.md", "math", "warning")
    assert warning.position and warning.position.line == 22 and "\\sum_{i=1}^n" in warning.message
    cell_errors = _items(report, "broken.md", "cell", "error")
    name_error = next(i for i in cell_errors if "NameError" in i.message)
    assert name_error.position and name_error.position.line == 28
    assert "undefined_name" in name_error.detail["traceback"]
    timeout = next(i for i in cell_errors if "timed out" in i.message)
    assert timeout.position and timeout.position.line >= 40 and "5" in timeout.message
    (ref,) = _items(report, "broken.md", "reference", "error")
    assert ref.position and ref.position.line == 50 and "eq:nowhere" in ref.message
    page = (site / "broken.html").read_text()
    assert "still alive" in page and ">6" in page.replace("\n", "")
    assert not _doc(report, "broken.md").ok


def test_every_acceptance_document_builds_a_page(built: tuple[Report, Path]) -> None:
    report, site = built
    for name in DOCUMENTS:
        assert (site / Path(name).with_suffix(".html")).is_file(), name
        doc = _doc(report, name)
        assert doc.cells_run > 0 or doc.cache_hit, name


def test_expectations_are_verified(built: tuple[Report, Path]) -> None:
    report, _ = built
    expected = {"autograd.md": 1, "linear_regression_tf.md": 3, "attention.md": 2, "softmax_stability.ipynb": 2}
    for name, count in expected.items():
        verdicts = _items(report, name, "expect")
        assert [i.status for i in verdicts] == ["verified"] * count, (name, [i.message for i in verdicts])


def test_inline_evals_show_the_kernel_values(built: tuple[Report, Path]) -> None:
    report, site = built
    evals = _items(report, "linear_regression_tf.md", "eval", "verified")
    assert len(evals) == 2
    page = (site / "linear_regression_tf.html").read_text()
    for item in evals:
        value = item.message.split("= ", 1)[1]
        assert float(value) == pytest.approx(3.0, abs=0.3) or float(value) == pytest.approx(2.0, abs=0.3)
        assert value in page


def test_json_report_shape(built: tuple[Report, Path]) -> None:
    report, _ = built
    record = json.loads(json.dumps(_doc(report, "broken.md").to_json()))
    assert record["document"].endswith("broken.md")
    for item in record["items"]:
        assert set(item) >= {"kind", "label", "line", "column", "status", "message"}
        assert item["status"] in {"verified", "refuted", "unchecked", "error", "warning"}


def _verdict(report: Report, name: str, kind: str, label: str) -> list[str]:
    return [i.status for i in _doc(report, name).items if i.kind == kind and i.label == label]


# (document, kind, label, the statuses allowed) from the acceptance README's table.
VERDICTS = [
    ("autograd.md", "identity", "eq:square-grad", {"verified"}),
    ("autograd.md", "check", "eq:logits", {"verified"}),
    ("autograd.md", "check", "eq:xent", {"verified"}),
    ("autograd.md", "check", "eq:xent-grad", {"verified"}),
    ("autograd.md", "identity", "eq:chain", {"unchecked"}),
    ("linear_regression_tf.md", "check", "eq:mse", {"verified"}),
    ("linear_regression_tf.md", "check", "eq:grad-w", {"verified"}),
    ("linear_regression_tf.md", "identity", "eq:grad-w", {"verified", "unchecked"}),
    ("linear_regression_tf.md", "check", "eq:conv-size", {"verified"}),
    ("attention.md", "implements", "eq:attention", {"verified"}),
    ("attention.md", "identity", "eq:rows-sum", {"verified", "unchecked"}),
    ("attention.md", "check", "eq:l2", {"verified"}),
    ("softmax_stability.ipynb", "identity", "eq:logsumexp", {"verified"}),
    ("softmax_stability.ipynb", "check", "eq:logsumexp", {"verified"}),
    ("softmax_stability.ipynb", "identity", "eq:shift", {"verified"}),
    ("planted_sigmoid.md", "identity", "eq:sigmoid-grad", {"refuted"}),
    ("planted_sigmoid.md", "check", "eq:sigmoid-grad", {"refuted"}),
]


@pytest.mark.parametrize(("name", "kind", "label", "allowed"), VERDICTS, ids=[f"{v[0]}:{v[1]}:{v[2]}" for v in VERDICTS])
def test_formula_verdicts(built: tuple[Report, Path], name: str, kind: str, label: str, allowed: set[str]) -> None:
    report, _ = built
    statuses = _verdict(report, name, kind, label)
    assert statuses, f"no {kind} verdict for {label} in {name}"
    assert set(statuses) <= allowed, [i.message for i in _doc(report, name).items if i.label == label]


def test_identity_steps_are_all_verified(built: tuple[Report, Path]) -> None:
    report, _ = built
    for label in ("eq:logsumexp", "eq:shift"):
        (item,) = [i for i in _doc(report, "softmax_stability.ipynb").items if i.kind == "identity" and i.label == label]
        steps = item.detail["steps"]
        assert len(steps) == 2 and all(s["status"] == "verified" for s in steps)


def test_refutations_carry_the_evidence(built: tuple[Report, Path]) -> None:
    report, _ = built
    items = _doc(report, "planted_sigmoid.md").items
    check = next(i for i in items if i.kind == "check" and i.label == "eq:sigmoid-grad")
    assert "formula gives" in check.message and "code gives" in check.message
    identity = next(i for i in items if i.kind == "identity" and i.label == "eq:sigmoid-grad")
    assert identity.detail["steps"][0]["status"] == "refuted"


def test_nothing_correct_is_refuted(built: tuple[Report, Path]) -> None:
    report, _ = built
    for name in DOCUMENTS:
        if name == "planted_sigmoid.md":
            continue
        refuted = [(i.kind, i.label, i.message) for i in _doc(report, name).items if i.status == "refuted"]
        assert not refuted, (name, refuted)
    cells = _items(report, "autograd.md", "cell", "error") + _items(report, "attention.md", "cell", "error")
    assert not cells, [i.message for i in cells]


def test_no_message_shows_an_internal_repr(built: tuple[Report, Path]) -> None:
    from message_support import internal_reprs

    assert internal_reprs(built[0]) == []
