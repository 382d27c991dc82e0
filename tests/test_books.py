"""Books as their own tools show them: MyST / Jupyter Book directives, references, citations, project
macros, the textbook dialect and the guard on unclosed `$$`, each read from a small document written here."""

from __future__ import annotations

from pathlib import Path

import pytest

import veritex
from veritex.model import (
    Bibliography,
    Citation,
    CodeBlock,
    Directive,
    Document,
    Figure,
    HtmlBlock,
    Item,
    MathBlock,
    Paragraph,
    Reference,
    Target,
    plain_text,
    walk,
)
from veritex.readers import read
from veritex.stages.citations import resolve_citations
from veritex.stages.numbering import number_equations


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _doc(folder: Path, text: str, name: str = "page.md", tab: str | None = None) -> Document:
    doc = read(_write(folder, name, text), tab)
    number_equations(doc)
    resolve_citations(doc)
    return doc


def _nodes(doc: Document, kind: type) -> list:
    return [n for cell in doc.markdown_cells() for n in walk(cell.body) if isinstance(n, kind)]


def _problems(doc: Document, status: str) -> list[Item]:
    return [i for i in doc.items if i.status == status]


def _page(folder: Path, text: str, name: str = "page.md") -> str:
    source = _write(folder, name, text)
    report = veritex.build([source], folder / "site", execute=False, cache_dir=folder / "cache")
    page = report.documents[0].output
    assert page is not None
    return Path(page).read_text(encoding="utf-8")


# Directives -----------------------------------------------------------------------------------------

def test_admonitions_are_boxes_with_markdown_and_math_inside(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "# T\n\n```{note}\nThe *mean* is $\\mu = 1$.\n```\n\n"
               ":::{admonition} Careful with $x$\n:class: dropdown\nFolded text.\n:::\n\n"
               "```{warning}\n$$\nE = mc^2\n$$\n```\n")
    note, custom, warning = _nodes(doc, Directive)
    assert (note.name, note.position.line) == ("note", 3)
    assert isinstance(note.children[0], Paragraph)
    assert custom.options == {"class": "dropdown"} and custom.title[-1].tex == "x"
    assert isinstance(warning.children[0], MathBlock)
    formulas = {m.tex: m.position.line for m in doc.all_math()}
    assert formulas == {"\\mu = 1": 4, "x": 7, "E = mc^2": 14}  # found by all_math(), at their lines
    assert not _problems(doc, "warning")


def test_admonitions_render_as_boxes_and_dropdowns_fold(tmp_path: Path) -> None:
    html = _page(tmp_path, "```{tip}\nUse $a$.\n```\n\n```{note}\n:class: dropdown\nHidden.\n```\n")
    assert '<div class="vt-directive vt-tip">' in html and '<p class="vt-directive-title">Tip</p>' in html
    assert '<details class="vt-directive vt-note"><summary class="vt-directive-title">Note</summary>' in html
    assert "{tip}" not in html and "```" not in html and ":class:" not in html


def test_exercises_are_numbered_and_solutions_fold_and_name_them(tmp_path: Path) -> None:
    text = ("```{exercise}\n:label: ex-one\nFirst.\n```\n\n"
            "```{exercise-start}\n:label: ex-two\n```\n\nSecond, $y^2$.\n\n```{exercise-end}\n```\n\n"
            "```{solution-start} ex-two\n:class: dropdown\n```\n\nAnswer.\n\n```{solution-end}\n```\n\n"
            "See {ref}`ex-one` and {numref}`Exercise %s <ex-two>`.\n")
    doc = _doc(tmp_path, text)
    first, second, solution = _nodes(doc, Directive)
    assert (first.number, second.number, second.label) == (1, 2, "ex-two")
    assert [type(b).__name__ for b in second.children] == ["Paragraph"]
    assert solution.name == "solution" and [type(b).__name__ for b in solution.children] == ["Paragraph"]
    refs = {r.target: r for r in doc.all_references()}
    assert refs["ex-two"].shown in ("Exercise 2",) and refs["ex-one"].shown == "Exercise 1"
    html = _page(tmp_path, text)
    assert '<details class="vt-directive vt-solution"' in html and "Solution to" in html
    assert '<div class="vt-directive vt-exercise" id="ex-one">' in html
    assert 'href="#ex-two">Exercise 2</a>' in html


def test_proof_blocks_are_numbered_per_kind_and_referable(tmp_path: Path) -> None:
    text = ("```{prf:theorem} Perron\n:label: thm-p\nIf $A > 0$ then $r(A) > 0$.\n```\n\n"
            "```{prf:lemma}\n:label: lem-a\nA lemma.\n```\n\n```{prf:Theorem}\n:label: thm-q\nAnother.\n```\n\n"
            "```{prf:proof}\nObvious.\n```\n\nBy {prf:ref}`thm-q` and {ref}`the lemma <lem-a>`, {prf:ref}`thm-p`.\n")
    doc = _doc(tmp_path, text)
    theorem, lemma, other, proof = _nodes(doc, Directive)
    assert (theorem.number, lemma.number, other.number, proof.number) == (1, 1, 2, None)
    shown = [r.shown for r in doc.all_references()]
    assert shown == ["Theorem 2", "the lemma", "Theorem 1"]
    assert [m.tex for m in doc.all_math()] == ["A > 0", "r(A) > 0"]
    html = _page(tmp_path, text)
    assert "Theorem 1 (Perron)" in html and "Lemma 1" in html and "Proof" in html


def test_figures_images_code_and_invisible_directives(tmp_path: Path) -> None:
    _write(tmp_path, "snippet.py", "print('hi')\n")
    text = ("```{figure} img/a.png\n:name: fig-a\n:width: 60%\n:align: center\nThe $\\alpha$ curve.\n```\n\n"
            "```{image} img/b.png\n:width: 200\n:align: sideways\n```\n\n"
            "```{code-block} python\nx = 1\n```\n\n```{literalinclude} snippet.py\n```\n\n"
            "```{index} single: thing\n```\n\n```{raw} latex\n\\newpage\n```\n\n```{raw} html\n<b>kept</b>\n```\n\n"
            "See {numref}`fig-a`.\n")
    doc = _doc(tmp_path, text)
    figure, image = _nodes(doc, Figure)
    assert (figure.label, figure.number, figure.width, figure.align) == ("fig-a", 1, "60%", "center")
    assert image.width == "200px" and image.align is None  # a refused value is dropped, with a warning
    assert any("align" in w.message for w in _problems(doc, "warning"))
    code, included = _nodes(doc, CodeBlock)
    assert (code.language, code.code) == ("python", "x = 1\n") and included.code == "print('hi')\n"
    assert [h.html for h in _nodes(doc, HtmlBlock)] == ["<b>kept</b>\n"]
    assert [r.shown for r in doc.all_references()] == ["Figure 1"]
    html = _page(tmp_path, text)
    assert '<figure class="vt-figure" id="fig-a" style="text-align:center"><img src="img/a.png"' in html
    assert "Figure 1:" in html and "newpage" not in html and "single: thing" not in html


def test_include_reads_markdown_inside_the_project_only(tmp_path: Path) -> None:
    _write(tmp_path / "book", "_config.yml", "title: B\n")
    _write(tmp_path / "book", "parts/intro.md", "Included $z$.\n")
    _write(tmp_path, "secret.md", "outside\n")
    doc = _doc(tmp_path / "book", "```{include} parts/intro.md\n```\n\n```{include} ../secret.md\n```\n")
    assert [m.tex for m in doc.all_math()] == ["z"]
    assert any("only files inside the project folder" in w.message for w in _problems(doc, "warning"))


def test_tabs_cards_margins_and_an_unknown_directive(tmp_path: Path) -> None:
    text = ("````{tab-set}\n```{tab-item} One\nFirst $a$.\n```\n```{tab-item} Two\nSecond.\n```\n````\n\n"
            "```{card} A card\nBody.\n```\n\n```{margin}\nAside.\n```\n\n```{mystery} arg\nSome *text* $b$.\n```\n\n"
            "```{mystery}\nAgain.\n```\n")
    doc = _doc(tmp_path, text)
    names = [d.name for d in _nodes(doc, Directive)]
    assert names == ["tab-set", "tab-item", "tab-item", "card", "margin", "mystery", "mystery"]
    unknown = [w for w in _problems(doc, "warning") if "unknown directive" in w.message]
    assert len(unknown) == 1 and "'mystery'" in unknown[0].message and unknown[0].position.line == 18
    assert [m.tex for m in doc.all_math()] == ["a", "b"]
    html = _page(tmp_path, text)
    assert '<aside class="vt-directive vt-margin">' in html and "{mystery}" not in html
    assert '<p class="vt-directive-title">Mystery</p>' not in html or "arg" in html


# References -----------------------------------------------------------------------------------------

def test_reference_forms_resolve_against_targets_headings_and_labels(tmp_path: Path) -> None:
    text = ("(sec-intro)=\n## Introduction\n\n$$\na = b\n$$ (eq-a)\n\n"
            "See {ref}`sec-intro`, {ref}`this part <sec-intro>`, {eq}`eq-a`, {numref}`eq-a`, "
            "{ref}`the equation <eq-a>`.\n")
    doc = _doc(tmp_path, text)
    refs = list(doc.all_references())
    assert [r.role for r in refs] == ["ref", "ref", "eq", "numref", "ref"]
    assert [r.shown for r in refs[:2]] == ["Introduction", "this part"]
    assert refs[2].resolved is not None and refs[4].shown == "the equation"
    assert not _problems(doc, "error") and not _problems(doc, "warning")
    html = _page(tmp_path, text)
    assert '<a class="vt-ref" id="ref-1" href="#sec-intro">Introduction</a>' in html
    assert 'href="#eq-eq-a">(1)</a>' in html


def test_a_target_missing_from_a_lone_page_is_an_error(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "See {ref}`nowhere`.\n")
    (error,) = _problems(doc, "error")
    assert "unknown reference 'nowhere'" in error.message and error.position.line == 1


def test_a_target_that_may_live_in_another_page_of_the_book_is_a_warning(tmp_path: Path) -> None:
    _write(tmp_path, "other.md", "# Other\n")
    doc = _doc(tmp_path, "See {ref}`elsewhere`, :eqref:`eq_far`, {doc}`other` and {doc}`gone <missing>`; "
               "{eq}`eq-here`.\n")
    warned = [w.label for w in _problems(doc, "warning")]
    assert warned == ["elsewhere", "eq_far", "missing"]
    (error,) = _problems(doc, "error")  # in a veritex document `{eq}` names a formula of this page
    assert error.label == "eq-here"
    myst = _doc(tmp_path, "---\njupytext:\n  formats: md:myst\n---\n\nSee {eq}`eq-here`.\n", name="myst.md")
    assert not _problems(myst, "error") and [w.label for w in _problems(myst, "warning")] == ["eq-here"]
    other = [r for r in doc.all_references() if r.role == "doc"]
    assert (other[0].anchor, other[0].shown) == ("other.html", "other") and other[1].shown == "gone"
    html = _page(tmp_path, "See :numref:`sec_far`.\n", name="far.md")
    assert '<span class="vt-ref vt-elsewhere" id="ref-1" title="sec_far: not in this page">sec_far</span>' in html


def test_a_project_file_above_makes_a_book(tmp_path: Path) -> None:
    _write(tmp_path, "myst.yml", "project:\n  title: B\n")
    doc = _doc(tmp_path / "chapter", "See {numref}`fig-x` and {eq}`eq-y`.\n")
    assert not _problems(doc, "error") and [w.label for w in _problems(doc, "warning")] == ["fig-x", "eq-y"]


# The textbook dialect ---------------------------------------------------------------------------------

DIALECT = """# Softmax
:label:`sec_softmax`

$$y = \\mathrm{softmax}(o)$$
:eqlabel:`eq_softmax`

As :eqref:`eq_softmax` shows (see :numref:`sec_softmax` and :numref:`fig_net`):
$$z = 1$$
:eqlabel:`eq_inline`

![A network with $n$ inputs](../img/net.svg)
:label:`fig_net`
:width:`300px`

```{.python .input}
#@tab mxnet
from mxnet import np
```

```{.python .input}
#@tab pytorch, tensorflow
import torch
x = 1
```

```{.python .input}
#@tab all
y = 2
```

:begin_tab:`mxnet`
MXNet words.
:end_tab:

:begin_tab:`pytorch`
PyTorch words.
:end_tab:
"""


def test_dialect_labels_references_and_figures(tmp_path: Path) -> None:
    doc = _doc(tmp_path, DIALECT)
    assert [(m.label, m.number) for m in doc.all_math() if m.display] == [("eq_softmax", 1), ("eq_inline", 2)]
    refs = list(doc.all_references())
    assert refs[0].resolved is not None and refs[0].role == "numref"  # reads as (1), like {eq}
    assert [r.shown for r in refs[1:]] == ["Softmax", "Figure 1"]
    (figure,) = _nodes(doc, Figure)
    assert (figure.label, figure.width, figure.src) == ("fig_net", "300px", "../img/net.svg")
    assert [m.tex for m in doc.all_math() if not m.display] == ["n"]  # the caption's formula
    assert [t.label for t in _nodes(doc, Target)] == ["sec_softmax"]
    assert not _problems(doc, "error") and not _problems(doc, "warning")


def test_dialect_code_tabs_pytorch_by_default_and_chosen_by_option(tmp_path: Path) -> None:
    doc = _doc(tmp_path, DIALECT)
    cells = list(doc.code_cells())
    assert [c.source for c in cells] == ["import torch\nx = 1", "y = 2"]
    assert cells[0].position.line == 22 and all(c.execute for c in cells)
    words = " ".join(plain_text(p.children) for p in _nodes(doc, Paragraph))
    assert "PyTorch words." in words and "MXNet words." not in words
    chosen = _doc(tmp_path, DIALECT, name="mx.md", tab="mxnet")
    assert [c.source for c in chosen.code_cells()] == ["from mxnet import np", "y = 2"]
    by_front_matter = _doc(tmp_path, "---\ntab: tensorflow\n---\n" + DIALECT, name="tf.md")
    assert [c.source for c in by_front_matter.code_cells()] == ["import torch\nx = 1", "y = 2"]


def test_dialect_page_shows_no_markup(tmp_path: Path) -> None:
    html = _page(tmp_path, DIALECT)
    for raw in (":label:", ":eqlabel:", ":eqref:", ":numref:", ":width:", "#@tab", ":begin_tab:", "$$"):
        assert raw not in html, raw
    assert '<figure class="vt-figure" id="fig_net">' in html and 'style="width:300px"' in html
    assert 'href="#eq-eq_softmax">(1)</a>' in html


def test_tab_option_on_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from veritex.cli import main

    source = _write(tmp_path, "d.md", DIALECT)
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--no-execute", "--tab", "mxnet", "-o", str(out), str(source)])
    assert result.exit_code == 0, result.output
    page = (out / "d.html").read_text(encoding="utf-8")
    assert "mxnet" in page and "torch" not in page


# Citations --------------------------------------------------------------------------------------------

BIB = """@article{smith2020,
  author = {Smith, Jane and Jones, Bob},
  title = {Checking Formulas},
  journal = {Journal of Tests},
  year = {2020},
}
"""


def test_citations_resolve_against_the_front_matters_bib_and_list_the_works(tmp_path: Path) -> None:
    _write(tmp_path, "refs.bib", BIB)
    text = ("---\nbibliography: refs.bib\n---\n\nAs {cite:t}`smith2020` show, and others "
            "{cite:p}`smith2020,nobody`; Pandoc style [@smith2020].\n")
    doc = _doc(tmp_path, text)
    cites = list(doc.all_citations())
    assert [c.form for c in cites] == ["t", "p", "p"]
    assert cites[0].shown == "Smith and Jones (2020)" and cites[2].shown == "(Smith and Jones, 2020)"
    assert cites[1].shown == "smith2020, nobody"
    (missing,) = [w for w in _problems(doc, "warning") if "nobody" in w.message]
    assert "no bibliography entry" in missing.message
    (bibliography,) = _nodes(doc, Bibliography)
    assert [key for key, _ in bibliography.entries] == ["smith2020"]
    assert "Smith and Bob Jones. Checking formulas" in bibliography.entries[0][1]
    html = _page(tmp_path, text)
    assert '<a class="vt-cite" href="#bib-smith2020">Smith and Jones (2020)</a>' in html
    assert '<li id="bib-smith2020">' in html and "{cite" not in html


def test_citations_from_the_books_config_and_without_any_bib(tmp_path: Path) -> None:
    _write(tmp_path / "book", "_config.yml", "bibtex_bibfiles:\n  - works.bib\n")
    _write(tmp_path / "book", "works.bib", BIB)
    doc = _doc(tmp_path / "book", "See {cite}`smith2020`.\n")
    assert [c.found for c in doc.all_citations()] == [["smith2020"]]
    lone = _doc(tmp_path, "See {cite}`a` and {cite}`b` and :cite:`c`.\n", name="lone.md")
    (warning,) = _problems(lone, "warning")
    assert "no .bib file" in warning.message and "a, b, c" in warning.message
    assert [c.shown for c in lone.all_citations()] == ["a", "b", "c"]


# Macros -----------------------------------------------------------------------------------------------

def test_project_macros_merge_under_the_documents_own(tmp_path: Path) -> None:
    _write(tmp_path, "_config.yml", "sphinx:\n  config:\n    mathjax3_config:\n      tex:\n        macros:\n"
           "          R: \"\\\\mathbb{R}\"\n          E: [\"\\\\mathbb{E}\\\\left[#1\\\\right]\", 1]\n"
           "          dd: \"d\"\n")
    _write(tmp_path / "ch", "myst.yml", "project:\n  math:\n    '\\argmax': '\\operatorname{arg\\,max}'\n"
           "    '\\dd': '\\mathrm{d}'\n")
    doc = _doc(tmp_path / "ch", "---\nmacros:\n  R: \\mathbf{R}\n---\n\n$x \\in \\R$, $\\E{X}$, $\\argmax_x f$, $\\dd x$\n")
    macros = doc.meta.macros
    assert macros["\\R"] == "\\mathbf{R}"  # the document's own wins
    assert macros["\\E"] == "\\mathbb{E}\\left[#1\\right]" and macros["\\dd"] == "\\mathrm{d}"  # nearer file wins
    assert macros["\\argmax"] == "\\operatorname{arg\\,max}"
    assert sorted(doc.project_files) == ["../_config.yml", "myst.yml"]
    report = veritex.build([doc.path], tmp_path / "site", execute=False, cache_dir=tmp_path / "cache")
    assert not [i for i in report.documents[0].items if i.kind == "math"]


def test_a_project_macro_katex_cannot_expand_is_a_warning_naming_it(tmp_path: Path) -> None:
    _write(tmp_path, "myst.yml", "project:\n  math:\n    '\\bad': '\\frac{1}{'\n")
    source = _write(tmp_path, "p.md", "Here $\\bad x$.\n")
    report = veritex.build([source], tmp_path / "site", execute=False, cache_dir=tmp_path / "cache")
    (warning,) = [i for i in report.documents[0].items if i.status == "warning" and i.kind == "math"]
    assert "\\bad" in warning.message and "myst.yml" in warning.message


def test_project_files_are_read_only_when_there(tmp_path: Path) -> None:
    import sys

    doc = _doc(tmp_path, "plain $x$\n")
    assert doc.project_files == [] and doc.meta.macros == {}
    code = ("import sys, veritex.readers as r; r.read(sys.argv[1]); "
            "print('yaml' in sys.modules, 'pybtex' in sys.modules)")
    import subprocess

    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "page.md")], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


# The math-span guard ------------------------------------------------------------------------------------

def test_an_unclosed_display_never_crosses_a_code_fence(tmp_path: Path) -> None:
    text = "Intro\n\n$$\nx = 1\n\n```python\nprint(1)\n```\n\nAfter the fence $y$ and $$z$$.\n"
    doc = _doc(tmp_path, text)
    assert [type(c).__name__ for c in doc.cells] == ["MarkdownCell", "CodeCell", "MarkdownCell"]
    assert [(m.tex, m.display) for m in doc.all_math()] == [("y", False), ("z", True)]
    (warning,) = [i for i in doc.items if i.kind == "math"]
    assert warning.position.line == 3 and "not closed" in warning.message


def test_a_display_may_hold_blank_lines_when_it_is_closed(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "$$\na = 1\n\nb = 2\n$$\n")
    assert [m.tex for m in doc.all_math()] == ["a = 1\n\nb = 2"] and not doc.items


def test_a_display_under_a_paragraph_line_is_a_display(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "The solution is:\n$$\np = 4\n$$\n\nThe end.\n")
    assert [(m.tex, m.display, m.position.line) for m in doc.all_math()] == [("p = 4", True, 3)]


def test_an_unclosed_display_in_a_notebook_cell_stops_at_the_cell(tmp_path: Path) -> None:
    import json

    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "id": "a", "metadata": {}, "source": "Open $$ here"},
        {"cell_type": "markdown", "id": "b", "metadata": {}, "source": "closed? $$ no, and $w$"}]}
    doc = read(_write(tmp_path, "n.ipynb", json.dumps(nb)))
    assert [m.tex for m in doc.all_math()] == ["w"]
    assert [(i.position.cell, i.position.line) for i in doc.items if i.kind == "math"] == [(1, 1), (2, 1)]


@pytest.mark.parametrize("role", ["ref", "numref", "prf:ref"])
def test_each_reference_role_is_a_reference(tmp_path: Path, role: str) -> None:
    doc = _doc(tmp_path, f"```{{prf:definition}}\n:label: d1\nA definition.\n```\n\nSee {{{role}}}`d1`.\n")
    (ref,) = doc.all_references()
    assert isinstance(ref, Reference) and ref.anchor == "d1"
    assert ref.shown == ("Definition 1" if role != "ref" else "Definition 1")


def test_citation_nodes_are_inline(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "Text [@a; @b] and [@c](not-a-cite) and [see](x).\n")
    assert [c.keys for c in _nodes(doc, Citation)] == [["a", "b"]]


def test_a_solution_pair_around_code_cells_holds_them_folded(tmp_path: Path) -> None:
    text = ("```{exercise}\n:label: ex1\nCompute.\n```\n\n```{solution-start} ex1\n:class: dropdown\n```\n\n"
            "Part 1:\n\n```python\nanswer = 1\n```\n\nPart 2:\n\n```python\nanswer += 1\n```\n\nLast words.\n\n"
            "```{solution-end}\n```\n\nAfter the solution.\n")
    doc = _doc(tmp_path, text)
    kinds = [type(c).__name__ for c in doc.cells]
    assert kinds == ["MarkdownCell", "CodeCell", "MarkdownCell", "CodeCell", "MarkdownCell", "MarkdownCell"]
    solution = doc.cells[0].body[-1]
    assert isinstance(solution, Directive) and solution.name == "solution" and solution.span == 4
    assert all(c.execute for c in doc.code_cells())  # the solution's code still runs
    html = _page(tmp_path, text)
    folded = html[html.index('<details class="vt-directive vt-solution"'):html.index("</details>")]
    assert "Part 1:" in folded and "Part 2:" in folded and "Last words." in folded
    assert 'id="cell-1"' in folded and 'id="cell-2"' in folded
    assert "After the solution." not in folded and html.index("After the solution.") > html.index("</details>")
