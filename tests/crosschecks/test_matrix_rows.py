"""The rows of a written-out matrix held against its generic row."""

from __future__ import annotations

from pathlib import Path

from veritex.crosschecks import matrix_rows

from .support import context_of

PRODUCT = r"""# Products

$$
B y = \begin{bmatrix}
  b_{11} y_1 + b_{12} y_2 + \cdots + b_{1m} y_m \\
  \vdots \\
  b_{r1} y_1 + b_{r2} y_2 + \cdots + b_{rm} y_m \\
  \vdots \\
  b_{p1} y_1 + b_{p2} y_2 + \cdots + b_{pm} y_m
\end{bmatrix}
$$
"""


def test_rows_that_are_the_generic_row_at_their_index_are_verified(tmp_path: Path) -> None:
    (finding,) = matrix_rows.run(context_of(tmp_path, PRODUCT))
    assert finding.status == "verified"
    assert "r = 1, r = p" in finding.message


def test_a_row_with_one_wrong_subscript_is_refuted_at_that_term(tmp_path: Path) -> None:
    text = PRODUCT.replace(r"b_{11} y_1 + b_{12} y_2", r"b_{11} y_1 + b_{21} y_2")
    (finding,) = matrix_rows.run(context_of(tmp_path, text))
    assert finding.status == "refuted"
    assert finding.message == (r"The row for r = 1 writes b_{21} where the generic row b_{r1} y_1 + b_{r2} y_2 "
                               r"+ \cdots + b_{rm} y_m gives b_{12} at r = 1.")
    assert finding.offset is not None
    assert finding.math.tex[finding.offset:].startswith("b_{21} y_2")
    assert finding.detail["fix"] == "b_{12} for b_{21}"


def test_a_display_whose_other_parts_do_not_parse_is_still_read(tmp_path: Path) -> None:
    text = PRODUCT.replace(r"B y =", r"\begin{bmatrix} b_{11} & & b_{1m} \\ \vdots & & \vdots \end{bmatrix} y =")
    text = text.replace(r"b_{p1} y_1 + b_{p2} y_2", r"b_{p1} y_1 + b_{p3} y_2")
    (finding,) = matrix_rows.run(context_of(tmp_path, text))
    assert finding.status == "refuted" and "b_{p3}" in finding.message and "b_{p2}" in finding.message


def test_rows_of_another_pattern_say_nothing(tmp_path: Path) -> None:
    # a tridiagonal matrix: its first and last rows are boundary rows, not the generic row at 1 and n
    text = r"""$$
T = \begin{bmatrix}
  d_1 & u_1 & 0 \\
  \vdots & \vdots & \vdots \\
  l_j & d_j & u_j \\
  \vdots & \vdots & \vdots \\
  0 & l_n & d_n
\end{bmatrix}
$$
"""
    assert matrix_rows.run(context_of(tmp_path, text)) == []


def test_a_row_whose_index_no_other_row_confirms_says_nothing(tmp_path: Path) -> None:
    # only the first and the last row: with one of them wrong, nothing shows which one is the pattern
    text = r"""$$
\begin{bmatrix}
  c_{11} z_1 + c_{22} z_2 + \cdots + c_{1q} z_q \\
  \vdots \\
  c_{s1} z_1 + c_{s2} z_2 + \cdots + c_{sq} z_q
\end{bmatrix}
$$
"""
    assert matrix_rows.run(context_of(tmp_path, text)) == []


COLUMN = r"""$$
C z := \begin{bmatrix}
  c_{11} z_1 + c_{12} z_2 + \cdots + c_{1q} z_q \\
  \vdots \\
  c_{s1} z_1 + c_{s2} z_2 + \cdots + c_{sq} z_q
\end{bmatrix}
$$
"""


def test_the_rows_of_a_product_written_out_are_verified_at_an_instance(tmp_path: Path) -> None:
    (finding,) = matrix_rows.run(context_of(tmp_path, COLUMN))
    assert finding.status == "verified"
    assert finding.detail["instance"] == "rows 1, s agree with Cz at c_{rc} = 3(r - 1) + c and z_c = c, 3 columns"
    alone = "$$\nC z = \\begin{bmatrix} \\vdots \\\\ c_{s1} z_1 + \\cdots + c_{sq} z_q \\\\ \\vdots \\end{bmatrix}\n$$\n"
    (finding,) = matrix_rows.run(context_of(tmp_path, alone))
    assert finding.message == "The rows s written out are those of Cz at c_{rc} = 2(r - 1) + c and z_c = c, 2 columns."


def test_a_row_that_is_not_the_product_is_refuted_with_the_instance(tmp_path: Path) -> None:
    # the other concrete row is wrong too, so only the product can tell
    text = COLUMN.replace(r"c_{11} z_1", r"c_{21} z_1").replace(r"c_{sq} z_q", r"c_{sq} z_s")
    findings = matrix_rows.run(context_of(tmp_path, text))
    assert [f.status for f in findings] == ["refuted"]
    assert findings[0].message == (r"The row c_{21} z_1 + c_{12} z_2 + \cdots + c_{1q} z_q is not row 1 of Cz: at "
                                   "c_{rc} = 3(r - 1) + c and z_c = c, 3 columns it gives 17 where row 1 of Cz is 14.")


def test_a_product_whose_columns_the_instance_cannot_read_says_nothing(tmp_path: Path) -> None:
    # columns from 0, and `\cdots` between written columns: the instance would misread both
    text = COLUMN.replace(r"c_{11} z_1 + c_{12} z_2", r"c_{10} z_0 + c_{11} z_1")
    assert [f.status for f in matrix_rows.run(context_of(tmp_path, text))] == ["verified"]  # the last row only
    text = COLUMN.replace(r"c_{12} z_2 + \cdots + c_{1q} z_q", r"\cdots + c_{13} z_3")
    assert [f.status for f in matrix_rows.run(context_of(tmp_path, text))] == ["verified"]
