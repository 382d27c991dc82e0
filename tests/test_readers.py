"""Readers: Markdown (math protection, cell syntaxes, positions) and notebooks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from veritex.model import CodeBlock, CodeCell, MarkdownCell
from veritex.readers import NotebookError, read, read_ipynb, read_markdown

ACCEPTANCE = Path(__file__).resolve().parents[2] / "shared" / "acceptance"


def _math(text: str) -> list[str]:
    return [m.tex for m in read_markdown(text, "t.md").all_math()]


def test_math_survives_markdown_emphasis_and_underscores() -> None:
    assert _math("Here $a_i * b_j$ and $x_1 * y_2$ stay.") == ["a_i * b_j", "x_1 * y_2"]
    assert _math("The sum $\\sum_{i=1}^n x_i$ and $\\frac{a}{b}$.") == ["\\sum_{i=1}^n x_i", "\\frac{a}{b}"]


def test_price_pair_is_prose_not_math() -> None:
    assert _math("It costs $5 and $10 at most.") == []
    assert _math("Between $5 and $10, and $x$ is math.") == ["x"]


def test_display_math_label_and_position() -> None:
    doc = read_markdown("intro\n\n$$\n\\frac{1}{2}\n$$ (eq:half)\n", "d.md")
    (m,) = doc.all_math()
    assert (m.tex, m.display, m.label) == ("\\frac{1}{2}", True, "eq:half")
    assert (m.position.line, m.position.column) == (4, 1)


def test_inline_math_position_is_line_and_column_of_the_tex() -> None:
    doc = read_markdown("# T\n\nA sum $\\sum{i=1}^n x_i$ here.\n", "d.md")
    (m,) = doc.all_math()
    assert (m.position.line, m.position.column) == (3, 8)


def test_math_directive_and_tex_label_and_tag() -> None:
    text = "```{math}\n:label: eq:a\nx = 1\n```\n\n$$\ny = 2 \\label{eq:b} \\tag{7}\n$$\n"
    a, b = read_markdown(text, "d.md").all_math()
    assert (a.tex, a.label, a.position.line) == ("x = 1", "eq:a", 3)
    assert (b.label, b.tag) == ("eq:b", "7")


def test_references_and_evals() -> None:
    doc = read_markdown("See {eq}`eq:a`, \\eqref{eq:b} and {eval}`1 + 1`.\n", "d.md")
    assert [(r.role, r.target) for r in doc.all_references()] == [("eq", "eq:a"), ("eqref", "eq:b")]
    (ev,) = doc.all_evals()
    assert ev.expr == "1 + 1" and ev.position.column == 34


def test_code_cell_syntaxes() -> None:
    text = (
        "---\ntitle: T\ntimeout: 5\nseed: 3\nmacros:\n  \\norm: \"\\\\lVert #1 \\\\rVert\"\n---\n"
        "```python\na = 1\n```\n"
        "```{code-cell} ipython3\n:tags: [raises-exception]\n1/0\n```\n"
        "```{python}\n#| eval: false\nprint(2)\n```\n"
        "```python norun\nimport os\n```\n"
        "```bash\nls\n```\n"
        "+++\n\nafter the break\n"
    )
    doc = read_markdown(text, "c.md")
    assert (doc.meta.title, doc.meta.timeout, doc.meta.seed) == ("T", 5.0, 3)
    assert doc.meta.macros == {"\\norm": "\\lVert #1 \\rVert"}
    code = list(doc.code_cells())
    assert [c.source for c in code] == ["a = 1", "1/0", "#| eval: false\nprint(2)", "import os"]
    assert [c.execute for c in code] == [True, True, False, False]
    assert code[1].raises_ok and code[1].position.line == 13
    assert code[0].position.line == 9
    # the bash fence stays prose, and +++ starts a new markdown cell
    kinds = [type(c).__name__ for c in doc.cells]
    assert kinds[-2:] == ["MarkdownCell", "MarkdownCell"]
    prose = doc.cells[-2]
    assert isinstance(prose, MarkdownCell)
    assert any(isinstance(b, CodeBlock) and b.language == "bash" and b.code == "ls\n" for b in prose.body)


def test_front_matter_error_is_reported_not_raised() -> None:
    doc = read_markdown("---\ntitle: [unclosed\n---\n# x\n", "f.md")
    assert doc.items and doc.items[0].status == "error" and "YAML" in doc.items[0].message


def test_notebook_reader(tmp_path: Path) -> None:
    doc = read(ACCEPTANCE / "softmax_stability.ipynb")
    assert doc.title == "Numerically stable softmax"
    assert isinstance(doc.cells[0], MarkdownCell) and isinstance(doc.cells[1], CodeCell)
    labels = doc.labels()
    assert set(labels) == {"eq:logsumexp", "eq:shift"}
    assert labels["eq:logsumexp"].position.cell == 1
    (ev,) = doc.all_evals()
    assert ev.position.cell == 5


def test_malformed_notebook_names_file_and_problem(tmp_path: Path) -> None:
    with pytest.raises(NotebookError) as err:
        read_ipynb('{"cells": [', tmp_path / "bad.ipynb")
    assert "not valid JSON" in err.value.message and err.value.position.line == 1
    bad = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": "x"}]}
    with pytest.raises(NotebookError) as err2:
        read_ipynb(json.dumps(bad), "bad.ipynb")
    assert err2.value.position.cell == 1 and "invalid notebook" in err2.value.message


def test_acceptance_documents_read() -> None:
    broken = read(ACCEPTANCE / "broken.md")
    assert broken.meta.timeout == 5
    assert [c.position.line for c in broken.code_cells()] == [27, 34, 40, 47]
    lines = [m.position.line for m in broken.all_math()]
    assert lines == [13, 19, 22]
    attention = read(ACCEPTANCE / "attention.md")
    assert attention.meta.macros["\\norm"].startswith("\\left")
