"""Markdown reader: CommonMark via markdown-it-py, with math, MyST and Quarto cell syntax as plugins.

Math is tokenised by mdit-py-plugins before emphasis and escapes run, so `$a_i * b_j$` keeps its
underscores and stars. Inline math follows Pandoc's rule (no space inside the dollars, no digit right
after the closing one), so a "$5 and $10" price pair stays prose.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it.token import Token

from ..model import Cell, Directive, Document, FrontMatter, Item, MarkdownCell
from .cells import code_cell_from_fence, dialect_tabs, is_runnable_fence
from .directives import directive_name
from .front_matter import parse_front_matter
from .syntax import markdown_parser
from .tree import Body, Source, build_body

DEFAULT_TAB = "pytorch"


def read_markdown(text: str, path: Path | str, tab: str | None = None) -> Document:
    """Read a Markdown document into the model; code fences that run become code cells. `tab` picks the
    textbook dialect's code tab (over the front matter's `tab:`; default pytorch)."""
    items: list[Item] = []
    tokens = markdown_parser().parse(text)
    meta = FrontMatter()
    if tokens and tokens[0].type == "front_matter":
        meta = parse_front_matter(tokens[0].content, Source(text, str(path)).position(0), items)
        tokens = tokens[1:]
    src = Source(text, str(path), tab=tab or meta.tab or DEFAULT_TAB)
    cells = split_cells(tokens, src, items)
    return Document(path=Path(path), meta=meta, cells=cells, source_format="markdown", items=items)


def read_markdown_cell(text: str, src: Source, body: Body | None = None) -> tuple[MarkdownCell, list[Item]]:
    """One notebook markdown cell (no code-cell splitting: fences stay prose)."""
    items: list[Item] = []
    tokens = markdown_parser().parse(text)
    cell = _markdown_cell(tokens, src, items, body)
    return cell, items


def split_cells(tokens: list[Token], src: Source, items: list[Item]) -> list[Cell]:
    cells: list[Cell] = []
    pending: list[Token] = []
    body = Body()  # shared by the document's prose cells: directive names are warned about once
    tabs = dialect_tabs(tokens)
    spans: list[tuple[str, int]] = []  # `{x-start}` still open at the top level: (x, the cell holding it)

    def flush() -> None:
        if pending:
            cells.append(_markdown_cell(list(pending), src, items, body))
            pending.clear()

    for token in tokens:
        pair = directive_name(token.info) if token.level == 0 and token.type == "fence" else None
        if pair is not None and pair[0].endswith("-start"):
            spans.append((pair[0][: -len("-start")], len(cells)))
            pending.append(token)
        elif pair is not None and pair[0].endswith("-end") and spans and spans[-1][0] == pair[0][: -len("-end")]:
            name, opened_in = spans.pop()
            if opened_in == len(cells):
                pending.append(token)  # opened in this same prose cell: the tree closes it
                continue
            flush()  # the prose before the `-end` is the last cell inside
            _span_cells(cells, opened_in, name)
        elif token.level == 0 and token.type == "fence" and tabs is not None and tabs.is_input(token.info):
            cell = tabs.cell(token, src, items)
            if cell is not None:
                flush()
                cells.append(cell)
        elif token.level == 0 and token.type == "fence" and is_runnable_fence(token.info):
            flush()
            cells.append(code_cell_from_fence(token, src.position(token.map[0] if token.map else 0), items))
        elif token.level == 0 and token.type == "myst_block_break":
            flush()
        else:
            pending.append(token)
    flush()
    return cells


def _span_cells(cells: list[Cell], opened_in: int, name: str) -> None:
    """A `{name-start}` .. `{name-end}` pair with code cells between: the directive, left open at the end of
    its prose cell, holds the cells up to the `-end` (so a solution folds its code too)."""
    cell = cells[opened_in] if opened_in < len(cells) else None
    if not isinstance(cell, MarkdownCell):
        return
    last = cell.body[-1] if cell.body else None
    if isinstance(last, Directive) and last.name == name:
        last.span = len(cells) - opened_in - 1


def _markdown_cell(tokens: list[Token], src: Source, items: list[Item], shared: Body | None = None) -> MarkdownCell:
    first_line = next((t.map[0] for t in tokens if t.map), 0)
    last_line = max((t.map[1] for t in tokens if t.map), default=first_line)
    body = build_body(tokens, src, Body(unknown=shared.unknown) if shared else None)
    items.extend(body.items)
    return MarkdownCell(
        source="\n".join(src.lines[first_line:last_line]), position=src.position(first_line), body=body.blocks,
        math=body.math, references=body.references, evals=body.evals, citations=body.citations,
    )
