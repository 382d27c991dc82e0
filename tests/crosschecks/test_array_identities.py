"""Identities over whole matrices and vectors, sampled with matrices of the declared shapes."""

from __future__ import annotations

from pathlib import Path

from veritex.crosschecks import array_identities

from .support import context_of, line_of


def _findings(tmp_path: Path, text: str) -> list[tuple[int, str, str]]:
    return [(line_of(f), f.status, f.message) for f in array_identities.run(context_of(tmp_path, text))]


def test_transpose_of_a_product_is_verified_with_distinct_sizes(tmp_path: Path) -> None:
    text = ("Let $W \\in \\mathbb{R}^{2 \\times 3}$ and $V \\in \\mathbb{R}^{3 \\times 4}$.\n\n"
            "$$\n(W V)^\\top = V^\\top W^\\top\n$$\n")
    [(_, status, message)] = _findings(tmp_path, text)
    assert status == "verified"
    assert "2×3" in message and "3×4" in message


def test_products_that_do_not_commute_are_refuted(tmp_path: Path) -> None:
    text = ("Let $M, N \\in \\mathbb{R}^{k \\times k}$ be two matrices.\n\n"
            "Then\n\n$$\nM N = N M\n$$\n")
    [(_, status, message)] = _findings(tmp_path, text)
    assert status == "refuted"
    assert "differ by" in message and "k = 2" in message


def test_a_transposition_mistake_is_refuted(tmp_path: Path) -> None:
    text = ("Let $P, S \\in \\mathbb{R}^{n \\times n}$.\n\n$$\n(P S)^\\top = P^\\top S^\\top\n$$\n\n"
            "and for $u \\in \\mathbb{R}^{n}$\n\n$$\n(P u)^\\top = u^\\top P^\\top\n$$\n")
    found = _findings(tmp_path, text)
    assert [status for _, status, _ in found] == ["refuted", "verified"]


def test_a_shape_mismatch_between_sides_is_refuted(tmp_path: Path) -> None:
    text = ("Let $W \\in \\mathbb{R}^{m \\times p}$ and $V \\in \\mathbb{R}^{p \\times q}$.\n\n"
            "$$\n(W V)^\\top = W^\\top V^\\top\n$$\n")
    assert _findings(tmp_path, text) == []  # W^T V^T is no product at all: the side is not read
    text = ("Let $W \\in \\mathbb{R}^{m \\times p}$ and $V \\in \\mathbb{R}^{p \\times m}$.\n\n"
            "$$\n(W V)^\\top = W^\\top V^\\top\n$$\n")
    [(_, status, message)] = _findings(tmp_path, text)
    assert status == "refuted" and "cannot hold" in message


def test_a_name_of_unknown_shape_says_nothing(tmp_path: Path) -> None:
    text = ("Let $M \\in \\mathbb{R}^{k \\times k}$.\n\n$$\nM Z = Z M\n$$\n")
    assert _findings(tmp_path, text) == []


def test_a_power_of_a_diagonalised_matrix_and_a_wrong_power_in_dynamics(tmp_path: Path) -> None:
    text = ("The state is\n\n$$\nz_t = \\begin{bmatrix} a_t \\cr c_t \\end{bmatrix}\n$$\n\n"
            "and it moves as\n\n$$\nz_{t} = A^t z_0\n$$\n\n"
            "where\n\n$$\nA = P D P^{-1}\n$$\n\n"
            "where $D$ is a diagonal matrix and\n\n$$\nD = \\begin{bmatrix} d_1 & 0 \\cr 0 & d_2 \\end{bmatrix}, "
            "\\quad P = \\begin{bmatrix} p_{11} & p_{12} \\cr p_{21} & p_{22} \\end{bmatrix}\n$$\n\n"
            "Hence\n\n$$\nz_t = P D^t P^{-1} z_0\n$$\n\n"
            "With\n\n$$\nw_t = P^{-1} z_t\n$$\n\nwe get\n\n$$\nw_{t+1} = D w_t\n$$\n\nand not\n\n"
            "$$\nw_{t+1} = D^t w_t\n$$\n")
    found = _findings(tmp_path, text)
    assert [status for _, status, _ in found] == ["verified", "verified", "refuted"], found
    refuted = found[-1][2]
    assert "t = " in refuted and "t = 1)" not in refuted


def test_a_property_stated_in_prose_keeps_a_failing_identity_from_being_refuted(tmp_path: Path) -> None:
    claim = "$$\n(S M)^\\top = M^\\top S\n$$\n"
    plain = "Let $S, M \\in \\mathbb{R}^{k \\times k}$.\n\n" + claim
    symmetric = "Let $S, M \\in \\mathbb{R}^{k \\times k}$, where $S$ is a symmetric matrix.\n\n" + claim
    assert [status for _, status, _ in _findings(tmp_path, plain)] == ["refuted"]
    assert _findings(tmp_path, symmetric) == []


def test_an_eigenvalue_equation_and_a_new_example_are_not_claims_refuted(tmp_path: Path) -> None:
    text = ("Let $M \\in \\mathbb{R}^{k \\times k}$, $v \\in \\mathbb{R}^{k}$ and $\\mu \\in \\mathbb{R}$.\n\n"
            "An eigenvector satisfies\n\n$$\nM v = \\mu v\n$$\n\n"
            "For example\n\n$$\nB = \\begin{bmatrix} 1 & 2 \\cr 3 & 4 \\end{bmatrix}\n$$\n\n"
            "and another example\n\n$$\nB = \\begin{bmatrix} 0 & 1 \\cr 1 & 0 \\end{bmatrix}\n$$\n\n"
            "so that\n\n$$\nB^2 = \\begin{bmatrix} 1 & 0 \\cr 0 & 1 \\end{bmatrix}\n$$\n")
    found = _findings(tmp_path, text)
    assert [status for _, status, _ in found] == ["verified"]
    assert "exactly" in found[0][2]


def test_a_document_without_arrays_is_left_alone(tmp_path: Path) -> None:
    assert _findings(tmp_path, "$$\n(a b)^2 = a^2 b^2\n$$\n") == []


def test_quadratic_forms_are_numbers_made_of_arrays(tmp_path: Path) -> None:
    text = ("Let $M \\in \\mathbb{R}^{k \\times k}$ and $u, w \\in \\mathbb{R}^{k}$.\n\n"
            "$$\nu^\\top (M + M^\\top) u = 2 u^\\top M u\n$$\n\n$$\nu^\\top M w = w^\\top M u\n$$\n")
    found = _findings(tmp_path, text)
    assert [status for _, status, _ in found] == ["verified", "refuted"], found


def test_a_law_of_motion_is_refuted_only_with_definitions_from_its_own_section(tmp_path: Path) -> None:
    model = ("Let $M \\in \\mathbb{R}^{k \\times k}$ and $z_0 \\in \\mathbb{R}^{k}$.\n\n"
             "$$\nz_t = M^t z_0\n$$\n\n")
    claim = "Hence\n\n$$\nz_{t+1} = M^\\top z_t\n$$\n"
    assert [status for _, status, _ in _findings(tmp_path, model + claim)] == ["refuted"]
    assert _findings(tmp_path, model + "## Another model\n\n" + claim) == []


def test_a_superscript_t_is_not_read_as_a_transpose_where_t_is_also_a_letter(tmp_path: Path) -> None:
    declared = "Let $M, N \\in \\mathbb{R}^{k \\times k}$.\n\n"
    claim = "$$\n(M N)^T = M^T N^T\n$$\n"
    assert [status for _, status, _ in _findings(tmp_path, declared + claim)] == ["refuted"]
    horizon = declared + "The horizon is $T$ and $t \\le T$.\n\n" + claim
    assert _findings(tmp_path, horizon) == []


def test_matrices_the_prose_says_commute_are_not_refuted_as_if_they_did_not(tmp_path: Path) -> None:
    claim = "$$\n(M + N)^2 = M^2 + 2 M N + N^2\n$$\n"
    plain = "Let $M, N \\in \\mathbb{R}^{k \\times k}$.\n\n" + claim
    commuting = "Let $M, N \\in \\mathbb{R}^{k \\times k}$, where $M$ and $N$ commute.\n\n" + claim
    assert [status for _, status, _ in _findings(tmp_path, plain)] == ["refuted"]
    assert _findings(tmp_path, commuting) == []
    text = "Let $M \\in \\mathbb{R}^{k \\times k}$ and $x \\in \\mathbb{R}^{k}$.\n\n$$\nM x = 0\n$$\n"
    assert _findings(tmp_path, text) == []  # an equation for x, never an identity
