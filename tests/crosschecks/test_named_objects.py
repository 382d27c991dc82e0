"""Objects the prose names: a covariance matrix is symmetric positive semi-definite, a probability lies in
[0, 1], a vector called a probability distribution is non-negative and sums to 1."""

from __future__ import annotations

from pathlib import Path

from veritex.crosschecks import CrossContext, Finding, named_objects
from veritex.derivations.reading import read_document_math
from veritex.readers import read


def _findings(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    path = tmp_path / "doc.md"
    path.write_text(text)
    doc = read(path)
    found: list[Finding] = named_objects.run(CrossContext(doc, read_document_math(doc)))
    return [(f.status, f.message) for f in found]


def _matrix(rows: str) -> str:
    return f"$$\nS = \\begin{{bmatrix}} {rows} \\end{{bmatrix}}\n$$\n"


def test_a_covariance_matrix_that_is_positive_semi_definite_is_verified(tmp_path: Path) -> None:
    ((status, message),) = _findings(tmp_path, "The noise has covariance matrix\n\n" + _matrix("4 & 1 \\\\ 1 & 3"))
    assert status == "verified" and "symmetric positive semi-definite" in message


def test_a_covariance_matrix_with_a_negative_eigenvalue_is_refuted(tmp_path: Path) -> None:
    ((status, message),) = _findings(tmp_path, "Its covariance is\n\n" + _matrix("1 & 3 \\\\ 3 & 1"))
    assert status == "refuted" and "its eigenvalue -2 is negative" in message


def test_an_asymmetric_covariance_matrix_is_refuted(tmp_path: Path) -> None:
    ((status, message),) = _findings(tmp_path, "with covariance matrix\n\n" + _matrix("2 & 0.5 \\\\ 0.4 & 1"))
    assert status == "refuted" and "entry (1, 2) is 0.5 and entry (2, 1) is 0.4" in message


def test_a_matrix_not_called_a_covariance_or_with_symbols_says_nothing(tmp_path: Path) -> None:
    assert _findings(tmp_path, "The inverse covariance is\n\n" + _matrix("1 & 3 \\\\ 3 & 1")) == []
    assert _findings(tmp_path, "The weights are\n\n" + _matrix("1 & 3 \\\\ 3 & 1")) == []
    assert _findings(tmp_path, "with covariance matrix\n\n" + _matrix("a & b \\\\ c & d")) == []


def test_a_probability_outside_the_unit_interval_is_refuted(tmp_path: Path) -> None:
    text = "The die shows six with probability $7/6$, a head comes with probability $0.5$ and rain with " \
           "probability $p$; the log probability is $-2.3$.\n"
    assert _findings(tmp_path, text) == [("refuted", "This is called a probability but equals 1.16667, outside [0, 1].")]


def test_a_vector_called_a_distribution_sums_to_one(tmp_path: Path) -> None:
    text = "Here $u = (0.1, 0.3, 0.6)$ is a probability mass function and $w = (0.5, 0.6)$ is a probability " \
           "vector, while $z = (0.5, -0.5, 1)$ is a probability distribution too.\n"
    assert [s for s, _ in _findings(tmp_path, text)] == ["verified", "refuted", "refuted"]
    assert "sum to 1.1, not 1" in _findings(tmp_path, text)[1][1]
    assert "negative entry -0.5" in _findings(tmp_path, text)[2][1]
