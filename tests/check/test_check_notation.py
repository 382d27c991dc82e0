"""Notation found in real documents: a trailing shape annotation, a letter reused for two sizes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import veritex.runtime as vt
from veritex.readers import read_markdown
from veritex.runtime import session
from veritex.stages.context import math_context

DOC = r"""
A Monte Carlo estimate with $N = 20\,000$ pairs.

$$
S = \frac{Q K^\top}{\sqrt{d_k}} \in \mathbb{R}^{n\times m}
$$ (eq:scores)

Later, a batch of $N$ labelled points:

$$
\mathcal{L} = -\frac{1}{N}\sum_{i=1}^{N}\left[y^{(i)}\log p^{(i)} + \left(1 - y^{(i)}\right)\log\left(1 - p^{(i)}\right)\right]
$$ (eq:bce)
"""


def _use() -> None:
    session.context = math_context(read_markdown(DOC, Path("doc.md")))


def test_trailing_shape_annotation_is_not_the_compared_side() -> None:
    _use()
    rng = np.random.default_rng(0)
    Q, K = rng.normal(size=(4, 8)), rng.normal(size=(6, 8))
    assert vt.check("eq:scores", lambda Q, K: Q @ K.T / np.sqrt(8), Q=Q, K=K, d_k=8).status == "verified"
    assert vt.check("eq:scores", lambda Q, K: Q @ K.T, Q=Q, K=K, d_k=8).status == "refuted"


def test_sum_over_given_arrays_is_sized_by_them_not_by_a_size_defined_elsewhere() -> None:
    _use()
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 8).astype(float)
    p = 1 / (1 + np.exp(-rng.normal(size=8)))

    def bce(p: np.ndarray, y: np.ndarray) -> float:
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    assert vt.check("eq:bce", bce, p=p, y=y).status == "verified"
    assert vt.check("eq:bce", lambda p, y: 2 * bce(p, y), p=p, y=y).status == "refuted"


# ---- letters side by side that spell a longer name ---------------------------------------------

PE_DOC = r"""
The encoding $PE \in \mathbb{R}^{L \times d}$ is added to the embeddings $X \in \mathbb{R}^{L\times d}$.

$$
h_{p} = x_{p} + PE_{(p, 1)}
$$ (eq:row)

$$
Y = 2PE + X
$$ (eq:twice)

$$
s = \sum_{p=1}^{L} PE_{(p, 1)}
$$ (eq:sum)

$$
y = ab + c
$$ (eq:ab)

$$
u = \eta\, lr
$$ (eq:lr)
"""


def _pe(declared: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    text = PE_DOC if declared else PE_DOC.replace("The encoding $PE", "The encoding $P")
    session.context = math_context(read_markdown(text, Path("doc.md")))
    rng = np.random.default_rng(2)
    return rng.normal(size=(5, 4)), rng.normal(size=(5, 4)), rng.normal(size=5)


def test_a_declared_word_joins_its_letters_with_its_index() -> None:
    PE, X, x = _pe()
    assert vt.check("eq:row", lambda x, PE: x + PE[:, 0], x=x, PE=PE).status == "verified"
    assert vt.check("eq:row", lambda x, PE: x + PE[:, 1], x=x, PE=PE).status == "refuted"
    assert vt.check("eq:twice", lambda X, PE: 2 * PE + X, X=X, PE=PE).status == "verified"
    wrong = vt.check("eq:twice", lambda X, PE: PE + X, X=X, PE=PE)
    assert wrong.status == "refuted" and "factor `2` dropped" in wrong.message


def test_a_sum_bound_comes_from_the_declared_words_shape() -> None:
    PE, _, _ = _pe()
    assert vt.check("eq:sum", lambda PE: PE[:, 0].sum(), PE=PE).status == "verified"
    assert vt.check("eq:sum", lambda PE: PE[1:, 0].sum(), PE=PE).status == "refuted"


def test_a_value_given_under_a_word_joins_its_letters_even_undeclared() -> None:
    PE, X, x = _pe(declared=False)
    assert vt.check("eq:row", lambda x, PE: x + PE[:, 0], x=x, PE=PE).status == "verified"
    assert vt.check("eq:twice", lambda X, PE: 2 * PE + X, X=X, PE=PE).status == "verified"
    mapped = vt.check("eq:row", lambda x, pe: x + pe[:, 0], x=x, pe=PE, symbols={"pe": "PE"})
    assert mapped.status == "verified"


def test_letters_stay_a_product_unless_a_word_is_known() -> None:
    _pe()
    assert vt.check("eq:ab", lambda a, b, c: a * b + c, a=2.0, b=3.0, c=1.0).status == "verified"
    assert vt.check("eq:lr", lambda eta, lr: eta * lr, eta=2.0, lr=0.1).status == "verified"
    assert vt.check("eq:lr", lambda eta, lr: eta + lr, eta=2.0, lr=0.1).status == "refuted"
    spelled = vt.check("eq:lr", lambda eta, ell, r: eta * ell * r, eta=2.0, ell=0.5, r=3.0, symbols={"ell": "l"})
    assert spelled.status == "verified"  # no value named `lr`: the letters are l times r
