"""The body tree the readers build: every node kind, list tightness, table alignment, positions of
formulas, references and values, and the indexes the stages work through."""

from __future__ import annotations

import json
from pathlib import Path

from veritex.model import (
    BlockBreak,
    BlockQuote,
    BulletList,
    CodeBlock,
    CodeSpan,
    Comment,
    Emphasis,
    HardBreak,
    Heading,
    HtmlBlock,
    HtmlInline,
    Image,
    InlineEval,
    Link,
    MarkdownCell,
    Math,
    MathBlock,
    OrderedList,
    Paragraph,
    Position,
    Reference,
    Role,
    SoftBreak,
    Strikethrough,
    Strong,
    Table,
    TableCell,
    Target,
    Text,
    ThematicBreak,
    plain_text,
    walk,
)
from veritex.readers import read_ipynb, read_markdown


def _body(text: str) -> list:  # type: ignore[type-arg]
    (cell,) = read_markdown(text, "t.md").cells
    assert isinstance(cell, MarkdownCell)
    return cell.body


def test_paragraph_inlines() -> None:
    (para,) = _body('a *e* **s** ~~x~~ `c` [l](http://x "T") ![alt *e*](p.png) <b>h</b> &amp; end  \nnext\nlast')
    assert isinstance(para, Paragraph) and para.position == Position("t.md", 1, 1)
    kinds = [type(n) for n in para.children]
    assert kinds == [Text, Emphasis, Text, Strong, Text, Strikethrough, Text, CodeSpan, Text, Link, Text, Image,
                     Text, HtmlInline, Text, HtmlInline, Text, HardBreak, Text, SoftBreak, Text]
    assert para.children[1] == Emphasis([Text("e")])
    assert para.children[7] == CodeSpan("c")
    assert para.children[9] == Link("http://x", [Text("l")], "T")
    assert para.children[11] == Image("p.png", "alt e", None)  # the description as plain text
    assert para.children[13] == HtmlInline("<b>")
    assert para.children[16] == Text(" & end")  # entities decoded


def test_headings_quotes_breaks_and_html() -> None:
    heading, quote, rule, html = _body("## A *b* $x$\n\n> q\n\n***\n\n<div>\nraw\n</div>\n")
    assert isinstance(heading, Heading) and heading.level == 2 and heading.text == "A b x"
    assert isinstance(quote, BlockQuote) and quote.children == [Paragraph([Text("q")], Position("t.md", 3, 1))]
    assert isinstance(rule, ThematicBreak) and rule.position == Position("t.md", 5, 1)
    assert isinstance(html, HtmlBlock) and html.html == "<div>\nraw\n</div>\n"


def test_lists_keep_start_and_tightness() -> None:
    tight, loose, numbered = _body("- a\n- b\n  - c\n\n1. x\n\n2. y\n\n5) z\n")
    assert isinstance(tight, BulletList) and tight.tight and len(tight.items) == 2
    nested = tight.items[1].children[1]
    assert isinstance(nested, BulletList) and nested.tight
    assert isinstance(loose, OrderedList) and not loose.tight and loose.start == 1
    assert isinstance(numbered, OrderedList) and numbered.start == 5
    assert loose.items[1].position == Position("t.md", 7, 1)


def test_table_rows_cells_and_alignment() -> None:
    (table,) = _body("| l | c | r | n |\n|:--|:-:|--:|---|\n| 1 | $y$ | **b** | |\n")
    assert isinstance(table, Table) and len(table.head) == 1 and len(table.body) == 1
    head = table.head[0].cells
    assert [c.align for c in head] == ["left", "center", "right", None] and all(c.header for c in head)
    row = table.body[0].cells
    assert not any(c.header for c in row) and row[3] == TableCell([], False, None)
    assert isinstance(row[1].children[0], Math) and row[1].children[0].tex == "y"


def test_code_blocks_that_do_not_run() -> None:
    indented, bare, bash, attributed = _body("    code\n\n```\nbare\n```\n\n```bash\nls\n```\n\n```{.r}\nx\n```\n")
    assert indented == CodeBlock("code\n", "", "", Position("t.md", 1, 1))
    assert (bare.language, bare.code) == ("", "bare\n")
    assert (bash.language, bash.info, bash.position) == ("bash", "bash", Position("t.md", 7, 1))
    assert (attributed.language, attributed.info) == ("", "{.r}")  # a directive ({note}) is a box now


def test_display_math_in_every_spelling_with_labels_and_positions() -> None:
    text = ("$$\nx = 1\n$$ (eq:a)\n\n"
            "\\begin{align}\na &= b \\label{eq:b}\n\\end{align}\n\n"
            "```{math}\n:label: eq:c\nc = d\n```\n\n"
            "$$ e = f \\tag{7} $$\n")
    blocks = _body(text)
    assert all(isinstance(b, MathBlock) for b in blocks)
    maths = [b.math for b in blocks]
    assert [(m.label, m.tag, m.display) for m in maths] == [("eq:a", None, True), ("eq:b", None, True),
                                                            ("eq:c", None, True), (None, "7", True)]
    assert [(m.position.line, m.position.column) for m in maths] == [(2, 1), (5, 1), (11, 1), (14, 4)]
    assert maths[3].tex == "e = f \\tag{7}"


def test_inline_nodes_of_veritex_and_myst() -> None:
    para, target, comment = _body("See $a_i$, {eq}`eq:x`, \\eqref{eq:y}, {eval}`w` and {abbr}`HTML`.\n"
                                  "(sec)=\n% hidden\n")
    nodes = [n for n in para.children if not isinstance(n, Text)]
    math, eq, tex_ref, value, role = nodes
    assert isinstance(math, Math) and not math.display and math.position == Position("t.md", 1, 6)
    assert isinstance(eq, Reference) and (eq.role, eq.target, eq.position.column) == ("eq", "eq:x", 12)
    assert isinstance(tex_ref, Reference) and (tex_ref.role, tex_ref.target) == ("eqref", "eq:y")
    assert isinstance(value, InlineEval) and value.expr == "w" and value.position.column == 38
    assert role == Role("abbr", "HTML", Position("t.md", 1, 52))
    assert target == Target("sec", Position("t.md", 2, 1)) and comment == Comment(" hidden", Position("t.md", 3, 1))


def test_indexes_hold_exactly_the_tree_nodes_in_order() -> None:
    doc = read_markdown("# T $h$\n\n- $a$ {eq}`eq:z`\n  > $b$ {eval}`x`\n\n$$\nz\n$$ (eq:z)\n\n| $c$ |\n|--|\n", "t.md")
    (cell,) = doc.markdown_cells()
    in_tree = [n for n in walk(cell.body) if isinstance(n, Math)]  # a MathBlock's formula is its child
    assert [m.tex for m in cell.math] == ["h", "a", "b", "z", "c"]
    assert all(a is b for a, b in zip(cell.math, in_tree, strict=True))
    assert cell.references == [n for n in walk(cell.body) if isinstance(n, Reference)]
    assert cell.evals == [n for n in walk(cell.body) if isinstance(n, InlineEval)]


def test_title_is_the_text_of_the_first_top_level_heading() -> None:
    doc = read_markdown("Intro.\n\n## Not this\n\n# The *real* `one` $x$\n", "t.md")
    assert doc.title == "The real one x"
    assert read_markdown("no heading", "plain.md").title == "plain"
    assert plain_text([Text("a"), Image("i.png", "skipped"), Strong([CodeSpan("c")])]) == "ac"


def test_notebook_prose_keeps_fences_and_block_breaks(tmp_path: Path) -> None:
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "id": "a", "metadata": {},
         "source": "Intro $x$\n\n```python\nprint(1)\n```\n\n+++\n\nafter"},
    ]}
    doc = read_ipynb(json.dumps(notebook), tmp_path / "n.ipynb")
    (cell,) = doc.markdown_cells()
    para, code, block_break, after = cell.body
    assert isinstance(code, CodeBlock) and code.language == "python" and code.code == "print(1)\n"
    assert isinstance(block_break, BlockBreak) and isinstance(after, Paragraph)
    (math,) = cell.math
    assert math.position == Position(str(tmp_path / "n.ipynb"), 1, 8, cell=1)
    assert para.position == Position(str(tmp_path / "n.ipynb"), 1, 1, cell=1)
