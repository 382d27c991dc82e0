"""`veritex check DOC --explain LABEL|LINE`: how a formula was read and why it ended as it did."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from veritex.cli import main
from veritex.explain import TargetNotFound, explain

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "corpus" / "d2l-en"
ACCEPTANCE = SHARED / "acceptance"


def _corpus(name: str) -> Path:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"the corpus document {path} is not beside this checkout")
    return path


def _explain_cli(path: Path, target: str, out: Path) -> str:
    """`veritex check --no-execute DOC --explain TARGET` as a user runs it, in its own process (the corpus
    documents are large: their SymPy work stays out of the test session's memory)."""
    done = subprocess.run([sys.executable, "-c", "from veritex.cli import main; main()", "check", "--no-execute", str(path), "--explain",
                           target, "-o", str(out)], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_verified_corpus_formula(tmp_path: Path) -> None:
    text = _explain_cli(_corpus("multivariable-calculus.md"), "653", tmp_path)
    assert "  kind:   identity" in text
    assert "reads:  the derivative of f with respect to x sub 1 equals beta sub 1" in text
    assert "f(x): defined at the formula at line 647 as the sum over i from 1 to n of" in text
    assert "domain: sizes n = 3" in text
    assert text.count("sampled at n = 3, beta[1] = ") == 3
    assert "verdict: verified (identity): verified numerically at 8 points (with f from the formula at line 647)" in text


def test_an_unchecked_corpus_formula(tmp_path: Path) -> None:
    text = _explain_cli(_corpus("multivariable-calculus.md"), "545", tmp_path)
    assert "  kind:   approximation" in text
    assert "f(x, y): defined at the formula at line 534 as" in text
    assert "sampled at x = " in text
    assert "verdict: unchecked (identity, approximation): ≈ is an approximation, never refuted" in text


def test_a_judged_false_alarm_is_now_unchecked_and_says_why(tmp_path: Path) -> None:
    """JUDGED.json: the chain rule at line 302 was refuted after its intermediate variables were substituted."""
    text = _explain_cli(_corpus("multivariable-calculus.md"), "302", tmp_path)
    assert "u(a, b): defined at the formula at line 292 as (the sum of a and b) squared" in text
    assert "step row 1, 1 → 2: left unchecked [intermediate-variables]" in text
    assert "verdict: unchecked (identity, intermediate-variables): step row 1, 1 → 2 unchecked: differentiates " \
           "through u, defined by the formula at line 292" in text
    assert "refuted" not in text


def test_a_model_equation_is_a_recorded_reading(tmp_path: Path) -> None:
    text = _explain_cli(_corpus("linear-regression.md"), "eq_price-area", tmp_path)
    assert "kind:   definition or model equation of price (a recorded reading, not a claim)" in text
    assert "verdict: none" in text


DOC = """# Notes

Let $f(x) = x^2 + 1$ define the curve.

$$
f(x) - 1 = x \\cdot x \\label{eq:square}
$$

$$
(x + 1)^2 = x^2 + 2x + 2
$$
"""


def test_the_cli_explains_by_label_and_by_line(tmp_path: Path) -> None:
    doc = tmp_path / "notes.md"
    doc.write_text(DOC, encoding="utf-8")
    runner = CliRunner()
    by_label = runner.invoke(main, ["check", "--no-execute", str(doc), "--explain", "eq:square", "-o",
                                    str(tmp_path / "out")])
    assert by_label.exit_code == 0, by_label.output
    assert "reads:  the difference of f applied to x and 1 equals the product of x and x" in by_label.output
    assert "f(x): defined at the formula at line 3 as the sum of x squared and 1" in by_label.output
    assert "verdict: verified (identity)" in by_label.output
    by_line = runner.invoke(main, ["check", "--no-execute", str(doc), "--explain", "11", "-o", str(tmp_path / "out")])
    assert by_line.exit_code == 0, by_line.output
    assert "verdict: refuted (identity): step 1 → 2 fails at x = " in by_line.output
    assert "sampled at x = " in by_line.output
    missing = runner.invoke(main, ["check", "--no-execute", str(doc), "--explain", "eq:none"])
    assert missing.exit_code == 2
    assert "no formula has the label or covers the line 'eq:none'" in missing.output
    with pytest.raises(TargetNotFound):
        explain(doc, "1")


def test_vt_check_verdicts_come_from_the_build(tmp_path: Path) -> None:
    if not (ACCEPTANCE / "planted_sigmoid.md").is_file():
        pytest.skip("the acceptance documents are not beside this checkout")
    doc = tmp_path / "planted_sigmoid.md"
    shutil.copy(ACCEPTANCE / "planted_sigmoid.md", doc)
    text = explain(doc, "eq:sigmoid-grad", execute=True, cache_dir=tmp_path / "cache").render()
    assert "verdict: refuted (check" in text  # the planted mistake, with its evidence folded out
    assert "(^ " not in text and "object at 0x" not in text
