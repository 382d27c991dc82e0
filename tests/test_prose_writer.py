"""The HTML writer's walk over the body tree: one method per node type, CommonMark markup exactly as
markdown-it writes it, and veritex's own nodes (formulas from the typeset service, references, values)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from veritex.model import BLOCK_TYPES, INLINE_TYPES, Block, Item, ListItem, MarkdownCell, TableCell, TableRow
from veritex.readers.markdown import markdown_parser, read_markdown
from veritex.stages.numbering import number_equations
from veritex.stages.render_math import render_math
from veritex.writers.html import typeset_formulas
from veritex.writers.prose import ProseWriter, render_body
from veritex.writers.state import PageState

# CommonMark without headings (veritex gives them ids), fences (veritex highlights them) and math.
COMMONMARK = [
    "plain *em* **strong** ***both*** ~~gone~~ `a < b` & \"q\" 'single' &copy; &#x41;",
    "soft\nbreak and hard  \nbreak and backslash\\\nbreak",
    "[link](http://a.b/c?d=1&e=2 \"Ti\\\"tle\") <http://auto.link> <mail@x.org> [empty]()",
    "![alt *e* `c` <b>h</b>](i.png \"T & T\") ![](j.png) ![a ![inner](k.png)](l.png)",
    "- a\n- b\n  - c\n  - d\n- e",
    "1. one\n\n2. two\n\n   again\n3. three",
    "3) x\n4) y\n\n0. zero",
    "- \n- after empty\n-\n  last",
    "- a\n  > quoted\n- b\n  ***\n  c\n- <div>x</div>",
    "> a\n> - b\n> - c\n>\n> d\n\n>\n\n> > nested",
    "| a | b | c |\n|:-|:-:|-:|\n| `x` | **y** | |\n| 1 | 2 | 3 |",
    "| only | head |\n|---|---|",
    "***\n---\n___",
    "<div class=\"raw\">\n*not emphasis*\n</div>\n\ntext <span>inline</span> <!-- c -->",
    "a\\*b \\<tag> \\\\ back",
    "- [ ] not a task list in CommonMark\n- [x] neither",
    "1. a\n   1. b\n      - c\n\n        loose inner\n   2. d",
]


def _page(text: str, tmp_path: Path) -> tuple[list[Block], PageState]:
    doc = read_markdown(text, tmp_path / "doc.md")
    number_equations(doc)
    render_math(doc, None)
    blocks = [b for cell in doc.markdown_cells() for b in cell.body]
    return blocks, PageState(doc, None, typeset_formulas(doc, None))


@pytest.mark.parametrize("text", COMMONMARK)
def test_commonmark_markup_is_markdown_its(text: str, tmp_path: Path) -> None:
    """On a trusted page (`trust: true`) raw HTML is kept as written, so the markup is markdown-it's exactly;
    without trust only the raw HTML changes (sanitized: tests/hostile)."""
    blocks, page = _page(text, tmp_path)
    page.doc.meta.trust = True
    assert render_body(blocks, page) == markdown_parser().render(text)
    page.doc.meta.trust = False
    if "<" not in text.replace("\\<", "").replace("a < b", ""):
        assert render_body(blocks, page) == markdown_parser().render(text)


def test_every_node_type_has_a_method() -> None:
    for cls in (*BLOCK_TYPES, *INLINE_TYPES, ListItem, TableRow, TableCell):
        assert callable(getattr(ProseWriter, f"_render_{cls.__name__}", None)), cls


def test_a_node_type_outside_the_model_falls_back_to_its_text(tmp_path: Path) -> None:
    @dataclass
    class Foreign(Block):
        text: str

    _, page = _page("x", tmp_path)
    assert render_body([Foreign("a < b")], page) == "a &lt; b"


def test_veritex_nodes(tmp_path: Path) -> None:
    text = ("# Loss $L$\n\n$$\nL = \\frac{1}{n}\n$$ (eq:l)\n\n"
            "See {eq}`eq:l`, \\ref{eq:l}, {eq}`eq:none`, {eval}`w` and {abbr}`HTML`; bad $\\frac{1}{$.\n\n"
            "(here)=\n% a secret remark\n")
    blocks, page = _page(text, tmp_path)
    html = render_body(blocks, page)
    assert '<h1 id="loss-l">Loss <span class="vt-math" id="math-1"><span class="katex">' in html
    assert '<div class="vt-equation" id="eq-eq-l"><div class="vt-equation-body"><span class="katex-display">' in html
    assert '<span class="vt-eqno">(1)</span>' in html
    assert '<a class="vt-ref" id="ref-1" href="#eq-eq-l">(1)</a>' in html
    assert '<a class="vt-ref" id="ref-2" href="#eq-eq-l">1</a>' in html
    assert '<span class="vt-ref vt-broken" id="ref-3"' in html and "(eq:none?)" in html
    assert '<code class="vt-eval vt-pending" id="eval-1" title="not evaluated: the code did not run">w</code>' in html
    assert '<code class="vt-role" data-role="abbr">HTML</code>' in html
    assert '<span class="vt-target" id="here"></span>' in html and "secret" not in html
    # The formula KaTeX rejects shows its TeX, titled with the build's error (KaTeX's words and the advice).
    (error,) = [i for i in page.doc.items if i.kind == "math" and i.status == "error"]
    assert "never closed" in error.message
    assert f'<code class="vt-tex vt-math-error" id="math-3" title="{error.message}">' in html.replace("&#x27;", "'")
    # The table of contents copy of a heading has no ids.
    (heading,) = page.headings
    assert heading.text == "Loss L" and 'id="' not in heading.html and "katex" in heading.html


def test_math_warnings_reach_the_formula(tmp_path: Path) -> None:
    blocks, page = _page("A lost underscore: $\\sum{i=1}^n x_i$.", tmp_path)
    html = render_body(blocks, page)
    assert '<span class="vt-math vt-math-warning" id="math-1" title="' in html and "\\sum_{i=1}^n" in html


def test_formula_verdicts_are_set_under_the_equation(tmp_path: Path) -> None:
    doc = read_markdown("$$\na = b\n$$ (eq:ab)\n", tmp_path / "doc.md")
    number_equations(doc)
    render_math(doc, None)
    doc.add(Item("identity", "refuted", "a is not b", doc.labels()["eq:ab"].position, label="eq:ab"))
    (cell,) = doc.cells
    assert isinstance(cell, MarkdownCell)
    html = render_body(cell.body, PageState(doc, None, typeset_formulas(doc, None)))
    assert '<details class="vt-chip vt-refuted"><summary title="a is not b">' in html
