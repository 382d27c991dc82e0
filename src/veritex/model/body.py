"""The body of a prose cell: a small, closed tree of block and inline nodes (Pandoc-like).

Readers build it; stages annotate its formulas, references and values; writers walk it by type. It
holds what every output needs and nothing one output alone needs: a formula keeps its TeX, label and
number, never markup made for one target.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from .position import Position

Align = Literal["left", "center", "right"]


class Node:
    """Any node of the body tree."""

    __slots__ = ()

    def child_nodes(self) -> Iterable[Node]:
        """The nodes directly under this one, in order."""
        return ()


class Inline(Node):
    """A node inside a line of text."""

    __slots__ = ()


class Block(Node):
    """A node that stacks vertically: a paragraph, a list, a table, a displayed formula ..."""

    __slots__ = ()


# Inline nodes -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Text(Inline):
    text: str


@dataclass(slots=True)
class SoftBreak(Inline):
    """A line end inside a paragraph."""


@dataclass(slots=True)
class HardBreak(Inline):
    """A forced line break (two trailing spaces or a backslash)."""


@dataclass(slots=True)
class Emphasis(Inline):
    children: list[Inline] = field(default_factory=list)

    def child_nodes(self) -> Iterable[Node]:
        return self.children


@dataclass(slots=True)
class Strong(Inline):
    children: list[Inline] = field(default_factory=list)

    def child_nodes(self) -> Iterable[Node]:
        return self.children


@dataclass(slots=True)
class Strikethrough(Inline):
    children: list[Inline] = field(default_factory=list)

    def child_nodes(self) -> Iterable[Node]:
        return self.children


@dataclass(slots=True)
class CodeSpan(Inline):
    code: str


@dataclass(slots=True)
class Link(Inline):
    href: str
    children: list[Inline] = field(default_factory=list)
    title: str | None = None

    def child_nodes(self) -> Iterable[Node]:
        return self.children


@dataclass(slots=True)
class Image(Inline):
    src: str
    alt: str = ""  # the description as plain text
    title: str | None = None


@dataclass(slots=True)
class HtmlInline(Inline):
    """Raw HTML written in the prose, kept as written."""

    html: str


@dataclass(slots=True)
class Role(Inline):
    """A MyST role veritex does not interpret (`{abbr}`HTML``): its name and content."""

    name: str
    content: str
    position: Position | None = None


@dataclass
class Math(Inline):
    """A formula: raw TeX (delimiters and label syntax stripped), where it is, and its label.

    Inline it sits in a line of text (`display` is True for `$$..$$` inside a paragraph); a displayed
    equation on its own is a `MathBlock` holding one."""

    tex: str
    display: bool
    position: Position
    label: str | None = None
    tag: str | None = None
    number: int | None = None  # equation number, set by the numbering stage

    @property
    def anchor(self) -> str:
        return "eq-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in (self.label or ""))


def reference_text(math: Math, role: str) -> str:
    """What a reference to `math` reads as: `(2)` for `{eq}` / `\\eqref`, `2` for `\\ref`."""
    shown = math.tag if math.tag is not None else str(math.number) if math.number is not None else math.label or "?"
    return shown if role == "ref" else f"({shown})"


@dataclass
class Reference(Inline):
    """`{eq}`label``, `\\eqref{label}` or `\\ref{label}` in prose."""

    target: str
    role: str
    position: Position
    resolved: Math | None = None


@dataclass
class InlineEval(Inline):
    """`{eval}`expr`` in prose: replaced by the value of `expr` after all cells ran."""

    expr: str
    position: Position
    value: dict[str, Any] | None = None  # a MIME bundle ("text/plain", maybe "text/html")
    error: str | None = None


# Block nodes --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Paragraph(Block):
    children: list[Inline] = field(default_factory=list)
    position: Position | None = None

    def child_nodes(self) -> Iterable[Node]:
        return self.children


@dataclass(slots=True)
class Heading(Block):
    level: int
    children: list[Inline] = field(default_factory=list)
    position: Position | None = None

    def child_nodes(self) -> Iterable[Node]:
        return self.children

    @property
    def text(self) -> str:
        return plain_text(self.children)


@dataclass(slots=True)
class BlockQuote(Block):
    children: list[Block] = field(default_factory=list)
    position: Position | None = None

    def child_nodes(self) -> Iterable[Node]:
        return self.children


@dataclass(slots=True)
class ListItem(Node):
    children: list[Block] = field(default_factory=list)
    position: Position | None = None

    def child_nodes(self) -> Iterable[Node]:
        return self.children


@dataclass(slots=True)
class BulletList(Block):
    items: list[ListItem] = field(default_factory=list)
    tight: bool = True  # no blank lines between items: their paragraphs are not set apart
    position: Position | None = None

    def child_nodes(self) -> Iterable[Node]:
        return self.items


@dataclass(slots=True)
class OrderedList(Block):
    items: list[ListItem] = field(default_factory=list)
    start: int = 1
    tight: bool = True
    position: Position | None = None

    def child_nodes(self) -> Iterable[Node]:
        return self.items


@dataclass(slots=True)
class TableCell(Node):
    children: list[Inline] = field(default_factory=list)
    header: bool = False
    align: Align | None = None

    def child_nodes(self) -> Iterable[Node]:
        return self.children


@dataclass(slots=True)
class TableRow(Node):
    cells: list[TableCell] = field(default_factory=list)

    def child_nodes(self) -> Iterable[Node]:
        return self.cells


@dataclass(slots=True)
class Table(Block):
    head: list[TableRow] = field(default_factory=list)
    body: list[TableRow] = field(default_factory=list)
    position: Position | None = None

    def child_nodes(self) -> Iterable[Node]:
        return [*self.head, *self.body]


@dataclass(slots=True)
class ThematicBreak(Block):
    position: Position | None = None


@dataclass(slots=True)
class HtmlBlock(Block):
    """Raw HTML written between paragraphs, kept as written."""

    html: str
    position: Position | None = None


@dataclass(slots=True)
class CodeBlock(Block):
    """Code shown, never run: a fence in another language, `python norun` in a notebook's prose, an
    indented block. `language` is the fence's language ("" when it names none); `info` the whole fence line."""

    code: str
    language: str = ""
    info: str = ""
    position: Position | None = None


@dataclass(slots=True)
class MathBlock(Block):
    """A displayed equation on its own (`$$ .. $$`, `\\begin{align}`, ```{math}```)."""

    math: Math
    position: Position | None = None

    def child_nodes(self) -> Iterable[Node]:
        return (self.math,)


@dataclass(slots=True)
class Target(Block):
    """A MyST target `(label)=`: a place other documents can link to."""

    label: str
    position: Position | None = None


@dataclass(slots=True)
class Comment(Block):
    """A MyST comment line `% ...`: kept in the model, shown by no writer."""

    text: str
    position: Position | None = None


@dataclass(slots=True)
class BlockBreak(Block):
    """A MyST block break `+++` inside a notebook's prose cell, with its metadata text."""

    meta: str = ""
    position: Position | None = None


BLOCK_TYPES: tuple[type[Block], ...] = (
    Paragraph, Heading, BlockQuote, BulletList, OrderedList, Table, ThematicBreak, HtmlBlock, CodeBlock,
    MathBlock, Target, Comment, BlockBreak,
)
INLINE_TYPES: tuple[type[Inline], ...] = (
    Text, SoftBreak, HardBreak, Emphasis, Strong, Strikethrough, CodeSpan, Link, Image, HtmlInline, Role, Math,
    Reference, InlineEval,
)


def walk(nodes: Iterable[Node]) -> Iterator[Node]:
    """Every node under `nodes`, depth first, in document order."""
    stack = [iter(nodes)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        yield node
        stack.append(iter(node.child_nodes()))


_CONTAINERS = (Emphasis, Strong, Strikethrough, Link)


def plain_text(inlines: Iterable[Inline]) -> str:
    """The words of a line as text: code as written, formulas as their TeX, images and roles left out."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, CodeSpan):
            parts.append(node.code)
        elif isinstance(node, Math):
            parts.append(node.tex)
        elif isinstance(node, _CONTAINERS):
            parts.append(plain_text(node.children))
    return "".join(parts)
