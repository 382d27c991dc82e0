"""Markdown reader: CommonMark via markdown-it-py, with math, MyST and Quarto cell syntax as plugins.

Math is tokenised by mdit-py-plugins before emphasis and escapes run, so `$a_i * b_j$` keeps its
underscores and stars. Inline math follows Pandoc's rule (no space inside the dollars, no digit right
after the closing one), so a "$5 and $10" price pair stays prose.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from ..model import (
    Cell,
    Document,
    FrontMatter,
    InlineEval,
    Item,
    MarkdownCell,
    Math,
    Position,
    Reference,
)
from .cells import code_cell_from_fence, is_runnable_fence
from .plain_yaml import plain_mapping

_REF_ROLES = {"eq", "numref", "ref"}
_LABEL_IN_TEX = re.compile(r"\\label\{([^{}]*)\}")
_TAG_IN_TEX = re.compile(r"\\tag\*?\{([^{}]*)\}")
_TEX_REF = re.compile(r"\\(eqref|ref)\{([^{}\s]+)\}")


def _tex_reference(state: StateInline, silent: bool) -> bool:
    """Inline rule: `\\eqref{label}` / `\\ref{label}` written in prose."""
    if state.src[state.pos] != "\\":
        return False
    match = _TEX_REF.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("tex_ref", "", 0)
        token.meta = {"role": match.group(1), "target": match.group(2)}
        token.content = match.group(0)
    state.pos = match.end()
    return True


@functools.cache
def markdown_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.use(dollarmath_plugin, allow_labels=True, allow_space=False, allow_digits=False)
    md.use(amsmath_plugin)
    md.use(myst_role_plugin)
    md.use(myst_block_plugin)
    md.inline.ruler.before("escape", "tex_ref", _tex_reference)
    return md


@dataclass
class _Source:
    """The text being read, and how its lines map to positions in the user's file."""

    text: str
    file: str
    line_offset: int = 0  # added to 0-based token lines to give 1-based file lines, minus one
    cell: int | None = None

    def __post_init__(self) -> None:
        self.lines = self.text.split("\n")

    def position(self, line0: int, column0: int = 0) -> Position:
        return Position(self.file, line0 + 1 + self.line_offset, column0 + 1, self.cell)


def parse_front_matter(raw: str, where: Position, items: list[Item]) -> FrontMatter:
    plain = plain_mapping(raw)
    if plain is not None:
        return front_matter_from_dict(plain, where, items)
    import yaml  # only for front matter beyond `key: value` lines

    try:
        data = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        pos = where.shifted(lines=mark.line + 1, column=mark.column + 1) if mark else where
        items.append(Item("document", "error", f"front matter is not valid YAML: {exc}; fix the YAML "
                          "between the --- lines", pos))
        return FrontMatter()
    if not isinstance(data, dict):
        items.append(Item("document", "error", "front matter must be a YAML mapping (key: value lines)", where))
        return FrontMatter()
    return front_matter_from_dict(data, where, items)


def front_matter_from_dict(data: dict[str, Any], where: Position, items: list[Item]) -> FrontMatter:
    meta = FrontMatter(raw=data)
    meta.title = str(data["title"]) if data.get("title") is not None else None
    kernel = data.get("kernel")
    if kernel is None and isinstance(data.get("jupyter"), dict):  # Quarto / jupytext spelling
        kernel = data["jupyter"].get("kernel") or data["jupyter"].get("kernelspec")
    if isinstance(kernel, dict):
        kernel = kernel.get("name")
    meta.kernel = str(kernel or "python3")
    for key in ("timeout", "seed"):
        value = data.get(key)
        if value is None:
            continue
        try:
            setattr(meta, key, float(value) if key == "timeout" else int(value))
        except (TypeError, ValueError):
            items.append(Item("document", "error", f"front matter `{key}` must be a number, not {value!r}", where))
    macros = data.get("macros") or {}
    if isinstance(macros, dict):
        meta.macros = {(k if k.startswith("\\") else "\\" + k): str(v) for k, v in macros.items()}
    else:
        items.append(Item("document", "error", "front matter `macros` must map names to TeX", where))
    if data.get("execute") is not None:
        meta.execute = bool(data["execute"])
    return meta


def read_markdown(text: str, path: Path | str) -> Document:
    """Read a Markdown document into the model; code fences that run become code cells."""
    src = _Source(text, str(path))
    items: list[Item] = []
    tokens = markdown_parser().parse(text)
    meta = FrontMatter()
    if tokens and tokens[0].type == "front_matter":
        meta = parse_front_matter(tokens[0].content, src.position(0), items)
        tokens = tokens[1:]
    cells = split_cells(tokens, src, items)
    return Document(path=Path(path), meta=meta, cells=cells, source_format="markdown", items=items)


def read_markdown_cell(text: str, src: _Source) -> tuple[MarkdownCell, list[Item]]:
    """One notebook markdown cell (no code-cell splitting: fences stay prose)."""
    items: list[Item] = []
    tokens = markdown_parser().parse(text)
    cell = _markdown_cell(tokens, src, items)
    return cell, items


def split_cells(tokens: list[Token], src: _Source, items: list[Item]) -> list[Cell]:
    cells: list[Cell] = []
    pending: list[Token] = []

    def flush() -> None:
        if pending:
            cells.append(_markdown_cell(list(pending), src, items))
            pending.clear()

    for token in tokens:
        if token.level == 0 and token.type == "fence" and is_runnable_fence(token.info):
            flush()
            cells.append(code_cell_from_fence(token, src.position(token.map[0] if token.map else 0), items))
        elif token.level == 0 and token.type == "myst_block_break":
            flush()
        else:
            pending.append(token)
    flush()
    return cells


def _markdown_cell(tokens: list[Token], src: _Source, items: list[Item]) -> MarkdownCell:
    first_line = next((t.map[0] for t in tokens if t.map), 0)
    last_line = max((t.map[1] for t in tokens if t.map), default=first_line)
    cell = MarkdownCell(
        source="\n".join(src.lines[first_line:last_line]), position=src.position(first_line), tokens=tokens
    )
    for token in tokens:
        if token.type in ("math_block", "math_block_label", "amsmath"):
            _display_math(token, src, cell)
        elif token.type == "fence" and token.info.strip().startswith("{math}"):
            _math_directive(token, src, cell)
        elif token.type == "inline" and token.children:
            _inline(token, src, cell, items)
    return cell


def _label_and_tag(tex: str, label: str | None) -> tuple[str | None, str | None]:
    found = _LABEL_IN_TEX.search(tex)
    tag = _TAG_IN_TEX.search(tex)
    return (label or (found.group(1).strip() if found else None), tag.group(1) if tag else None)


def _display_math(token: Token, src: _Source, cell: MarkdownCell) -> None:
    line0 = token.map[0] if token.map else 0
    raw = token.content
    opener = src.lines[line0] if line0 < len(src.lines) else ""
    column0 = opener.find("$$") + 2 if token.type != "amsmath" and "$$" in opener else len(opener) - len(opener.lstrip())
    if token.type == "amsmath":
        column0 = opener.find("\\begin") if "\\begin" in opener else column0
    start = src.position(line0, max(column0, 0))
    tex, start = _strip_leading(raw, start)
    label, tag = _label_and_tag(tex, token.info.strip() if token.type == "math_block_label" else None)
    node = Math(tex=tex.rstrip(), display=True, position=start, label=label, tag=tag)
    _turn_into_math(token, "math_block", node)
    cell.math.append(node)


def _math_directive(token: Token, src: _Source, cell: MarkdownCell) -> None:
    """```{math} with `:label:` options before the TeX."""
    body = token.content.split("\n")
    label = None
    skip = 0
    for line in body:
        match = re.match(r"\s*:(\w+):\s*(.*)$", line)
        if not match:
            break
        skip += 1
        if match.group(1) == "label":
            label = match.group(2).strip()
    line0 = (token.map[0] if token.map else 0) + 1 + skip
    tex = "\n".join(body[skip:])
    tex, start = _strip_leading(tex, src.position(line0))
    label, tag = _label_and_tag(tex, label)
    node = Math(tex=tex.rstrip(), display=True, position=start, label=label, tag=tag)
    _turn_into_math(token, "math_block", node)
    cell.math.append(node)


def _strip_leading(tex: str, start: Position) -> tuple[str, Position]:
    """Drop leading blank space from TeX and move its position to the first real character."""
    stripped = tex.lstrip()
    gone = tex[: len(tex) - len(stripped)]
    newlines = gone.count("\n")
    if newlines:
        column = len(gone) - gone.rfind("\n")
        return stripped, start.shifted(lines=newlines, column=column)
    return stripped, start.shifted(column=start.column + len(gone))


def _turn_into_math(token: Token, kind: str, node: Math) -> None:
    token.type = kind
    token.content = node.tex
    token.meta = {**(token.meta or {}), "node": node}


def _inline(parent: Token, src: _Source, cell: MarkdownCell, items: list[Item]) -> None:
    """Give inline math, roles and references their node and their place in the file."""
    line0 = parent.map[0] if parent.map else 0
    content = parent.content
    cursor = 0
    for child in parent.children or []:
        if child.type in ("math_inline", "math_inline_double"):
            offset, delim = _find(content, child.content, cursor)
            cursor = offset + 2 * len(delim) + len(child.content)
            pos = _inline_position(src, line0, content, offset + len(delim), child.content)
            node = Math(tex=child.content.strip(), display=child.type == "math_inline_double", position=pos)
            _turn_into_math(child, "math_inline", node)
            cell.math.append(node)
        elif child.type == "myst_role":
            name = child.meta.get("name", "")
            literal = f"{{{name}}}`{child.content}`"
            offset = content.find(literal, cursor)
            cursor = offset + len(literal) if offset >= 0 else cursor
            pos = _inline_position(src, line0, content, max(offset, 0), literal)
            if name in _REF_ROLES:
                ref = Reference(target=child.content.strip(), role=name, position=pos)
                child.type, child.meta = "eq_ref", {"node": ref}
                cell.references.append(ref)
            elif name == "eval":
                ev = InlineEval(expr=child.content, position=pos)
                child.type, child.meta = "eval_role", {"node": ev}
                cell.evals.append(ev)
        elif child.type == "tex_ref":
            offset = content.find(child.content, cursor)
            cursor = offset + len(child.content) if offset >= 0 else cursor
            pos = _inline_position(src, line0, content, max(offset, 0), child.content)
            ref = Reference(target=child.meta["target"], role=child.meta["role"], position=pos)
            child.type, child.meta = "eq_ref", {"node": ref}
            cell.references.append(ref)


def _find(content: str, tex: str, cursor: int) -> tuple[int, str]:
    """Offset of the opening delimiter of `tex` in the paragraph, and the delimiter."""
    for delim in ("$$", "$"):
        offset = content.find(f"{delim}{tex}{delim}", cursor)
        if offset >= 0:
            return offset, delim
    return cursor, ""


def _inline_position(src: _Source, line0: int, content: str, offset: int, literal: str) -> Position:
    """Line from the paragraph text; column from the original line, which keeps list/quote indents."""
    line = line0 + content.count("\n", 0, offset)
    original = src.lines[line] if line < len(src.lines) else ""
    in_line = content[content.rfind("\n", 0, offset) + 1 : offset]
    head = literal.split("\n")[0]
    found = original.find(head, max(0, len(in_line) - 1)) if head else -1
    if found < 0 and head:
        found = original.find(head)
    return src.position(line, found if found >= 0 else len(in_line))
