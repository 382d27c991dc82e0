"""markdown-it tokens to the model's body tree, with each formula, reference and value placed in the file.

The token stream is flat (`*_open` / `*_close` pairs); a stack of open containers turns it into nested
nodes. Formulas, equation references and `{eval}` roles also go, in document order, into the lists
the stages work through.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token

from ..model import (
    Block,
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
    Inline,
    InlineEval,
    Link,
    ListItem,
    Math,
    MathBlock,
    Node,
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
    TableRow,
    Target,
    Text,
    ThematicBreak,
)

_REF_ROLES = {"eq", "numref", "ref"}
_LABEL_IN_TEX = re.compile(r"\\label\{([^{}]*)\}")
_TAG_IN_TEX = re.compile(r"\\tag\*?\{([^{}]*)\}")
_ALIGN = re.compile(r"text-align:\s*(left|center|right)")
_DISPLAY_MATH = ("math_block", "math_block_label", "amsmath")
_INLINE_CONTAINERS: dict[str, type[Emphasis | Strong | Strikethrough]] = {
    "em_open": Emphasis, "strong_open": Strong, "s_open": Strikethrough}


@dataclass
class Source:
    """The text being read, and how its lines map to positions in the user's file."""

    text: str
    file: str
    line_offset: int = 0  # added to 0-based token lines to give 1-based file lines, minus one
    cell: int | None = None

    def __post_init__(self) -> None:
        self.lines = self.text.split("\n")

    def position(self, line0: int, column0: int = 0) -> Position:
        return Position(self.file, line0 + 1 + self.line_offset, column0 + 1, self.cell)


def fence_language(info: str) -> str:
    """`python norun` -> python; MyST `{code-cell} python` -> python; "" when the fence names none."""
    words = info.strip().split()
    if words and words[0].startswith("{"):
        words = words[1:]
    return re.sub(r"[^\w+#.-]", "", words[0]) if words else ""


@dataclass
class Body:
    """A prose cell's tree and the indexes of its formulas, references and values."""

    blocks: list[Block] = field(default_factory=list)
    math: list[Math] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    evals: list[InlineEval] = field(default_factory=list)


def build_body(tokens: Sequence[Token], src: Source) -> Body:
    """The tree of the block tokens `tokens` (one prose cell)."""
    return _TreeBuilder(src).run(tokens)


class _TreeBuilder:
    def __init__(self, src: Source) -> None:
        self.src = src
        self.body = Body()

    def _position(self, token: Token) -> Position | None:
        return self.src.position(token.map[0]) if token.map else None

    def run(self, tokens: Sequence[Token]) -> Body:
        # Each entry: the open container (None for a wrapper veritex does not model) and the list its
        # children go to.
        stack: list[tuple[Node | None, list[Any]]] = [(None, self.body.blocks)]
        for token in tokens:
            children = stack[-1][1]
            if token.nesting == -1:
                stack.pop()
            elif token.nesting == 1:
                stack.append(self._open(token, stack))
            elif token.type == "inline":
                children.extend(self._inlines(token))
            else:
                block = self._leaf(token)
                if block is not None:
                    children.append(block)
        return self.body

    def _open(self, token: Token, stack: list[tuple[Node | None, list[Any]]]) -> tuple[Node | None, list[Any]]:
        parent, children = stack[-1]
        where = self._position(token)
        kind = token.type
        node: Node
        if kind == "paragraph_open":
            node = Paragraph(position=where)
            if isinstance(parent, ListItem) and len(stack) >= 2:
                owner = stack[-2][0]
                if isinstance(owner, BulletList | OrderedList):
                    owner.tight = owner.tight and token.hidden
            children.append(node)
            return node, node.children
        if kind == "heading_open":
            node = Heading(int(token.tag[1:]), position=where)
            children.append(node)
            return node, node.children
        if kind == "blockquote_open":
            node = BlockQuote(position=where)
            children.append(node)
            return node, node.children
        if kind in ("bullet_list_open", "ordered_list_open"):
            node = (BulletList(position=where) if kind == "bullet_list_open"
                    else OrderedList(start=int(token.attrs.get("start", 1)), position=where))
            children.append(node)
            return node, node.items
        if kind == "list_item_open":
            node = ListItem(position=where)
            children.append(node)
            return node, node.children
        if kind == "table_open":
            node = Table(position=where)
            children.append(node)
            return node, node.body
        if kind in ("thead_open", "tbody_open") and isinstance(parent, Table):
            return None, parent.head if kind == "thead_open" else parent.body
        if kind == "tr_open":
            node = TableRow()
            children.append(node)
            return node, node.cells
        if kind in ("th_open", "td_open"):
            style = str(token.attrs.get("style", ""))
            align = _ALIGN.search(style)
            node = TableCell(header=kind == "th_open", align=align.group(1) if align else None)  # type: ignore[arg-type]
            children.append(node)
            return node, node.children
        return None, children  # a wrapper veritex does not model: its content joins the parent

    def _leaf(self, token: Token) -> Block | None:
        kind = token.type
        where = self._position(token)
        if kind in _DISPLAY_MATH:
            return MathBlock(self._display_math(token), position=where)
        if kind == "fence":
            if token.info.strip().startswith("{math}"):
                return MathBlock(self._math_directive(token), position=where)
            return CodeBlock(token.content, fence_language(token.info), token.info, position=where)
        if kind == "code_block":
            return CodeBlock(token.content, position=where)
        if kind == "html_block":
            return HtmlBlock(token.content, position=where)
        if kind == "hr":
            return ThematicBreak(position=where)
        if kind == "myst_target":
            return Target(token.content, position=where)
        if kind == "myst_line_comment":
            return Comment(token.content, position=where)
        if kind == "myst_block_break":
            return BlockBreak(token.content, position=where)
        if kind == "front_matter" or not token.content:
            return None
        return Paragraph([Text(token.content)], position=where)

    # Formulas ---------------------------------------------------------------------------------
    def _add_math(self, node: Math) -> Math:
        self.body.math.append(node)
        return node

    def _display_math(self, token: Token) -> Math:
        src = self.src
        line0 = token.map[0] if token.map else 0
        opener = src.lines[line0] if line0 < len(src.lines) else ""
        if token.type != "amsmath" and "$$" in opener:
            column0 = opener.find("$$") + 2
        else:
            column0 = len(opener) - len(opener.lstrip())
        if token.type == "amsmath":
            column0 = opener.find("\\begin") if "\\begin" in opener else column0
        tex, start = _strip_leading(token.content, src.position(line0, max(column0, 0)))
        label, tag = _label_and_tag(tex, token.info.strip() if token.type == "math_block_label" else None)
        return self._add_math(Math(tex=tex.rstrip(), display=True, position=start, label=label, tag=tag))

    def _math_directive(self, token: Token) -> Math:
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
        tex, start = _strip_leading("\n".join(body[skip:]), self.src.position(line0))
        label, tag = _label_and_tag(tex, label)
        return self._add_math(Math(tex=tex.rstrip(), display=True, position=start, label=label, tag=tag))

    # Inline -----------------------------------------------------------------------------------
    def _inlines(self, parent: Token) -> list[Inline]:
        """The children of an `inline` token; formulas, roles and references get their place in the file."""
        line0 = parent.map[0] if parent.map else 0
        content = parent.content
        cursor = 0
        top: list[Inline] = []
        stack: list[list[Inline]] = [top]
        for child in parent.children or []:
            out = stack[-1]
            kind = child.type
            if kind == "text":
                out.append(Text(child.content))
            elif kind in ("softbreak", "hardbreak"):
                out.append(SoftBreak() if kind == "softbreak" else HardBreak())
            elif kind == "code_inline":
                out.append(CodeSpan(child.content))
            elif kind in _INLINE_CONTAINERS:
                container = _INLINE_CONTAINERS[kind]()
                out.append(container)
                stack.append(container.children)
            elif kind == "link_open":
                title = child.attrs.get("title")
                link = Link(str(child.attrs.get("href", "")), title=None if title is None else str(title))
                out.append(link)
                stack.append(link.children)
            elif child.nesting == -1:
                if len(stack) > 1:
                    stack.pop()
            elif kind == "image":
                title = child.attrs.get("title")
                out.append(Image(str(child.attrs.get("src", "")), _alt_text(child.children or []),
                                 None if title is None else str(title)))
            elif kind == "html_inline":
                out.append(HtmlInline(child.content))
            elif kind in ("math_inline", "math_inline_double"):
                offset, delim = _find(content, child.content, cursor)
                cursor = offset + 2 * len(delim) + len(child.content)
                pos = _inline_position(self.src, line0, content, offset + len(delim), child.content)
                out.append(self._add_math(Math(tex=child.content.strip(), display=kind == "math_inline_double",
                                               position=pos)))
            elif kind == "myst_role":
                name = str(child.meta.get("name", ""))
                literal = f"{{{name}}}`{child.content}`"
                offset = content.find(literal, cursor)
                cursor = offset + len(literal) if offset >= 0 else cursor
                pos = _inline_position(self.src, line0, content, max(offset, 0), literal)
                out.append(self._role(name, child.content, pos))
            elif kind == "tex_ref":
                offset = content.find(child.content, cursor)
                cursor = offset + len(child.content) if offset >= 0 else cursor
                pos = _inline_position(self.src, line0, content, max(offset, 0), child.content)
                ref = Reference(target=child.meta["target"], role=child.meta["role"], position=pos)
                self.body.references.append(ref)
                out.append(ref)
            elif child.nesting == 1:
                stack.append(out)  # a wrapper veritex does not model: its content joins the parent
            elif child.content:
                out.append(Text(child.content))
        return top

    def _role(self, name: str, content: str, pos: Position) -> Inline:
        if name in _REF_ROLES:
            ref = Reference(target=content.strip(), role=name, position=pos)
            self.body.references.append(ref)
            return ref
        if name == "eval":
            node = InlineEval(expr=content, position=pos)
            self.body.evals.append(node)
            return node
        return Role(name, content, pos)


def _alt_text(tokens: Sequence[Token]) -> str:
    """An image's description as plain text, as CommonMark asks for its `alt` attribute."""
    parts: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline", "html_inline"):
            parts.append(token.content)
        elif token.type == "image":
            parts.append(_alt_text(token.children or []))
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def _label_and_tag(tex: str, label: str | None) -> tuple[str | None, str | None]:
    found = _LABEL_IN_TEX.search(tex)
    tag = _TAG_IN_TEX.search(tex)
    return (label or (found.group(1).strip() if found else None), tag.group(1) if tag else None)


def _strip_leading(tex: str, start: Position) -> tuple[str, Position]:
    """Drop leading blank space from TeX and move its position to the first real character."""
    stripped = tex.lstrip()
    gone = tex[: len(tex) - len(stripped)]
    newlines = gone.count("\n")
    if newlines:
        column = len(gone) - gone.rfind("\n")
        return stripped, start.shifted(lines=newlines, column=column)
    return stripped, start.shifted(column=start.column + len(gone))


def _find(content: str, tex: str, cursor: int) -> tuple[int, str]:
    """Offset of the opening delimiter of `tex` in the paragraph, and the delimiter."""
    for delim in ("$$", "$"):
        offset = content.find(f"{delim}{tex}{delim}", cursor)
        if offset >= 0:
            return offset, delim
    return cursor, ""


def _inline_position(src: Source, line0: int, content: str, offset: int, literal: str) -> Position:
    """Line from the paragraph text; column from the original line, which keeps list/quote indents."""
    line = line0 + content.count("\n", 0, offset)
    original = src.lines[line] if line < len(src.lines) else ""
    in_line = content[content.rfind("\n", 0, offset) + 1 : offset]
    head = literal.split("\n")[0]
    found = original.find(head, max(0, len(in_line) - 1)) if head else -1
    if found < 0 and head:
        found = original.find(head)
    return src.position(line, found if found >= 0 else len(in_line))
