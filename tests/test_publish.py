"""The ipynb and gfm writers: valid notebooks whose math reads back as the same formulas, GitHub Markdown
whose formulas survive GitHub's Markdown, references that resolve, figures as files, the portability
warnings, and outputs that never write over their source."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from publish_support import github_formulas, jupyter_formulas

from veritex.builder import build
from veritex.math import parse
from veritex.model import Block, Document, MarkdownCell, Paragraph, Position, Text
from veritex.portable.tex import FormulaRewriter
from veritex.readers import read, read_ipynb
from veritex.stages.numbering import number_equations
from veritex.writers.gfm import GithubPrinter, needs_code_form, render_gfm
from veritex.writers.ipynb import JupyterPrinter, notebook

DOC = r"""---
title: Publishing
macros:
  \norm: "\\left\\lVert #1 \\right\\rVert"
  \R: "\\mathbb{R}"
---

# Publishing

Weights $w \in \R^d$, a product $a_i * b_j$, a set $\{x_1, \dots, x_n\}$ and a norm $\norm{w_2}$;
a row break $\begin{matrix} a \\ b \end{matrix}$ and $x<y$, $[0, 1]$.

$$
L(w) = \frac{1}{n} \sum_{i=1}^{n} \left( w^\top x_i - y_i \right)^2 + \lambda \norm{w}^2
$$ (eq:loss)

$$
\newcommand{\grad}{\nabla_{\!w}}
\grad L = \frac{2}{n} \sum_{i=1}^{n} x_i \left( w^\top x_i - y_i \right) + 2 \lambda w
$$ (eq:grad)

$$
\begin{align}
u &= \grad L \label{eq:u} \\
v &= 2u
\end{align}
$$

By {eq}`eq:loss`, \eqref{eq:grad} and {eq}`eq:u`, it costs \$5.
"""


def compiled(tmp_path: Path, text: str = DOC, name: str = "pub.md") -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = read(path)
    number_equations(doc)
    return doc


def _expected(doc: Document, target: str) -> list[str]:
    rewriter = FormulaRewriter(doc, target)
    return [rewriter.of(m).tex.strip() for m in doc.all_math()]


def test_gfm_formulas_survive_githubs_markdown(tmp_path: Path) -> None:
    doc = compiled(tmp_path)
    from veritex.writers.gfm import _Figures

    text = render_gfm(doc, _Figures(tmp_path / "f", tmp_path))
    assert github_formulas(text) == _expected(doc, "gfm")
    assert "$`a_i * b_j`$" in text and "$`\\{x_1, \\dots, x_n\\}`$" in text
    assert "```math\n" in text and "\\newcommand" not in text and "\\norm" not in text and "\\label" not in text
    assert "\\tag{1}" in text and "\\tag{2}" in text and "\\tag{3}" in text


def test_the_github_model_catches_plain_dollars_that_markdown_breaks() -> None:
    # The same formulas written the naive way lose characters: the model of GitHub can fail.
    assert github_formulas(r"$\{x_1\}$ and $a_i * b_j * c$") != [r"\{x_1\}", "a_i * b_j * c"]
    assert github_formulas(r"$`\{x_1\}`$") == [r"\{x_1\}"]


@pytest.mark.parametrize("tex", [r"x_1", r"a * b", r"\{a\}", r"a \\ b", "[0, 1]", "x<y", r"\|x\|", " x"])
def test_markdown_active_formulas_take_the_code_form(tex: str) -> None:
    assert needs_code_form(tex)


@pytest.mark.parametrize("tex", [r"\alpha + \beta", "w", r"\frac{a}{b}"])
def test_quiet_formulas_stay_plain(tex: str) -> None:
    assert not needs_code_form(tex)


def test_ipynb_math_parses_back_to_the_same_formulas(tmp_path: Path) -> None:
    doc = compiled(tmp_path)
    data = notebook(doc)
    nbformat.validate(nbformat.from_dict(data))
    markdown = "\n\n".join(c["source"] for c in data["cells"] if c["cell_type"] == "markdown")
    written = jupyter_formulas(markdown)
    assert written == _expected(doc, "ipynb")
    # Each formula means what it meant: same parse, with the front matter's macros on the original side.
    for math, tex in zip(doc.all_math(), written, strict=True):
        if "\\begin" in math.tex or "\\newcommand" in math.tex:
            continue  # environments and definitions: compared as text above
        bare = re.sub(r"\\tag\{[^{}]*\}", "", tex)
        assert parse(bare) == parse(math.tex, macros=doc.meta.macros)
    # Read back by veritex, the notebook keeps the front matter and its formulas.
    path = tmp_path / "back.ipynb"
    path.write_text(json.dumps(data), encoding="utf-8")
    again = read_ipynb(path.read_text(encoding="utf-8"), path)
    assert again.meta.title == "Publishing" and again.meta.macros == doc.meta.macros
    assert len(list(again.all_math())) == len(list(doc.all_math()))


def _links_resolve(text: str, anchor: str) -> None:
    links = set(re.findall(r"\]\(#(eq-[\w-]+)\)", text))
    anchors = set(re.findall(anchor, text))
    assert links and links <= anchors, (links, anchors)


def test_equation_references_resolve_in_both_targets(tmp_path: Path) -> None:
    doc = compiled(tmp_path)
    from veritex.writers.gfm import _Figures

    gfm = render_gfm(doc, _Figures(tmp_path / "f", tmp_path))
    _links_resolve(gfm, r'<a name="(eq-[\w-]+)"></a>')
    assert "[(1)](#eq-eq-loss)" in gfm and "[(2)](#eq-eq-grad)" in gfm and "[(3)](#eq-eq-u)" in gfm
    cells = "\n\n".join(c["source"] for c in notebook(doc)["cells"] if c["cell_type"] == "markdown")
    _links_resolve(cells, r'<a id="(eq-[\w-]+)"></a>')


class Unknown(Block):
    """A node type this printer has never seen (another part of veritex may add such types)."""

    __slots__ = ("children", "position")

    def __init__(self, children: list[Block]) -> None:
        self.children = children
        self.position = None

    def child_nodes(self) -> list[Block]:
        return self.children


def test_unknown_node_types_print_their_content(tmp_path: Path) -> None:
    doc = compiled(tmp_path)
    cell = next(doc.markdown_cells())
    assert isinstance(cell, MarkdownCell)
    cell.body.append(Unknown([Paragraph([Text("inside *it*")])]))
    for printer in (GithubPrinter(doc), JupyterPrinter(doc)):
        assert printer.blocks(cell.body).endswith("inside \\*it\\*")


def test_lint_warns_at_each_construct(tmp_path: Path) -> None:
    text = r"""---
macros:
  \R: "\\mathbb{R}"
---

Let $\mathbf{x} \in \R^n$ and $2x$ be given; it costs $5.

$$
\newcommand{\E}[1]{\mathbb{E}\left[#1\right]}
L = \E{x^2} \qquad (3)
$$

$$
\begin{align}
a &= b \label{eq:ab}
\end{align}
$$

A link $\href{https://example.org}{x}$ and {eq}`eq:ab`.
"""
    (tmp_path / "lint.md").write_text(text, encoding="utf-8")
    report = build([tmp_path / "lint.md"], tmp_path / "out", formats="gfm,ipynb", execute=False,
                   cache_dir=tmp_path / "cache")
    warnings = {(i.position.line, i.position.column): i.message for i in report.items() if i.status == "warning"}
    assert "front matter" in warnings[(6, 21)] and warnings[(6, 21)].startswith("GitHub and Jupyter:")
    assert "bold" in warnings[(6, 33)]  # `x` plain in $2x$, bold before
    assert "followed by a digit" in warnings[(6, 55)]
    assert "defined inside a formula" in warnings[(9, 1)]
    assert "typed by hand" in warnings[(10, 12)]
    assert "`align` nests badly" in warnings[(14, 7)]
    assert "`\\label`" in warnings[(15, 8)]
    assert warnings[(19, 9)].startswith("GitHub:") and "\\href" in warnings[(19, 9)]
    assert all(i.kind == "math" for i in report.items() if i.status == "warning")
    # HTML alone is not linted for other renderers.
    html_only = build([tmp_path / "lint.md"], tmp_path / "html", execute=False, cache_dir=tmp_path / "cache2")
    assert not any("GitHub" in i.message for i in html_only.items())


def test_outputs_never_write_over_their_source(tmp_path: Path) -> None:
    source = tmp_path / "note.md"
    source.write_text("# Note\n\nSome $x_1$.\n", encoding="utf-8")
    report = build([source], tmp_path, formats="gfm,ipynb", execute=False, cache_dir=tmp_path / "cache")
    assert source.read_text(encoding="utf-8") == "# Note\n\nSome $x_1$.\n"
    written = report.documents[0].outputs
    assert written["gfm"][0] == tmp_path / "note.veritex.md"
    assert written["ipynb"][0] == tmp_path / "note.ipynb"
    from veritex.builder import discover

    assert "note.veritex.md" not in {found.name for found, _ in discover([tmp_path])}


def test_unchanged_rebuild_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "note.md"
    source.write_text("# Note\n\n$$\na_1 = 2\n$$ (eq:a)\n\nSee {eq}`eq:a`.\n", encoding="utf-8")
    first = build([source], tmp_path / "out", formats="html,gfm,ipynb", execute=False)
    again = build([source], tmp_path / "out", formats="html,gfm,ipynb", execute=False)
    assert not first.documents[0].skipped and again.documents[0].skipped
    assert set(again.documents[0].outputs) == {"html", "gfm", "ipynb"}


def test_position_of_lint_in_a_notebook_cell(tmp_path: Path) -> None:
    data = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "id": "a", "metadata": {}, "source": "Intro.\n\nIt costs $5 and $x \\qquad (2)$."}]}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = build([path], tmp_path / "out", formats="gfm", execute=False)
    dollars = [i for i in report.items() if "digit" in i.message]
    assert [i.position for i in dollars] == [Position(str(path), 3, 10, 1)]


def test_tables_and_line_starts_keep_their_formulas(tmp_path: Path) -> None:
    text = ("# T\n\n| norm | value |\n| --- | --- |\n| $\\|x\\|_1 + |y|$ | 2 |\n\n"
            "A paragraph\n$$\n- a + b\n$$\nand\n\\- not a list, \\# nor a heading.\n")
    doc = compiled(tmp_path, text, "t.md")
    from veritex.writers.gfm import _Figures

    gfm = render_gfm(doc, _Figures(tmp_path / "f", tmp_path))
    assert github_formulas(gfm) == _expected(doc, "gfm")
    assert "\n- a + b\n" in gfm and "\\- not a list, # nor" in gfm
    cells = [c["source"] for c in notebook(doc)["cells"] if c["cell_type"] == "markdown"]
    assert [f for c in cells for f in jupyter_formulas(c)] == _expected(doc, "ipynb")
    # Read back as Markdown, the paragraph is still a paragraph (no list, no heading).
    back = read_markdown_text(gfm, tmp_path)
    assert "- not a list, # nor a heading." in back


def read_markdown_text(text: str, tmp_path: Path) -> str:
    from veritex.model import plain_text, walk

    doc = compiled(tmp_path, text, "back.md")
    return " ".join(plain_text(n.children) for c in doc.markdown_cells() for n in walk(c.body)
                    if isinstance(n, Paragraph))


def test_literal_dollars_never_open_math_and_read_back_the_same(tmp_path: Path) -> None:
    text = ("# Prices\n\nIt costs $5 and $10, a \\$ sign, and $a_1$ stays a formula.\n\n"
            "An open display\n$$\nwith no end\n")
    doc = compiled(tmp_path, text, "p.md")
    assert any("not closed" in i.message for i in doc.items)  # a message that quotes dollars
    from veritex.writers.gfm import _Figures

    gfm = render_gfm(doc, _Figures(tmp_path / "f", tmp_path))
    assert github_formulas(gfm) == _expected(doc, "gfm") == ["a_1"]
    assert "<span>\\$</span>5" in gfm and "\\$5" not in gfm.replace("<span>\\$</span>", "")
    back = read_markdown_text(gfm, tmp_path)
    assert "It costs $5 and $10, a $ sign, and " in back and "$$with no end" in back
    assert [m.tex for m in compiled(tmp_path, gfm, "again.md").all_math()] == ["`a_1`"]  # GitHub's $`..`$ form
    cells = [c["source"] for c in notebook(doc)["cells"] if c["cell_type"] == "markdown"]
    assert [f for c in cells for f in jupyter_formulas(c)] == _expected(doc, "ipynb")
    assert "It costs \\$5 and \\$10, a \\$ sign" in cells[0] and "<span>" not in "".join(cells)


def test_bars_in_table_formulas_split_no_row(tmp_path: Path) -> None:
    # GitHub and MyST split a row at every bar that is not escaped, inside `$...$` too.
    text = "| norm | value |\n| --- | --- |\n| $\\\\|x\\\\|_1 + \\|y\\|$ | 2 |\n"
    doc = compiled(tmp_path, text, "bars.md")
    assert [m.tex for m in doc.all_math()] == ["\\|x\\|_1 + |y|"]
    from veritex.writers.gfm import _Figures

    assert github_formulas(render_gfm(doc, _Figures(tmp_path / "f", tmp_path))) == _expected(doc, "gfm")
    data = notebook(doc)
    cells = [c["source"] for c in data["cells"] if c["cell_type"] == "markdown"]
    in_jupyter = [f for c in cells for f in jupyter_formulas(c)]
    (tmp_path / "bars.ipynb").write_text(json.dumps(data), encoding="utf-8")
    assert [m.tex for m in read(tmp_path / "bars.ipynb").all_math()] == in_jupyter
    assert [parse(f) for f in in_jupyter] == [parse(f) for f in _expected(doc, "ipynb")]
