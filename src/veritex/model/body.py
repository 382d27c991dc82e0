"""The body of a prose cell: a small, closed tree of block and inline nodes (Pandoc-like).

Readers build it; stages annotate its formulas, references and values; writers walk it by type. It
holds what every output needs and nothing one output alone needs: a formula keeps its TeX, label and
number, never markup made for one target.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal

from .position import Position

Align = Literal["left", "center", "right"]


class Node:
    """Any node of the body tree.

    Most node classes are written out by hand with `__slots__` rather than as dataclasses: a prose edit
    rebuild imports this module, and making 25 dataclasses costs more than reading the document. The
    fields of a node are its `__slots__`; equality and `repr` follow them.
    """

    __slots__ = ()

    def child_nodes(self) -> Iterable[Node]:
        """The nodes directly under this one, in order."""
        return ()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        names: tuple[str, ...] = self.__slots__
        return all(getattr(self, name) == getattr(other, name) for name in names)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclasses beside it

    def __repr__(self) -> str:
        names: tuple[str, ...] = self.__slots__
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__name__}({shown})"


class Inline(Node):
    """A node inside a line of text."""

    __slots__ = ()


class Block(Node):
    """A node that stacks vertically: a paragraph, a list, a table, a displayed formula ..."""

    __slots__ = ()


# Inline nodes -------------------------------------------------------------------------------------


class Text(Inline):
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class SoftBreak(Inline):
    """A line end inside a paragraph."""

    __slots__ = ()


class HardBreak(Inline):
    """A forced line break (two trailing spaces or a backslash)."""

    __slots__ = ()


class Emphasis(Inline):
    __slots__ = ("children",)

    def __init__(self, children: list[Inline] | None = None) -> None:
        self.children = [] if children is None else children

    def child_nodes(self) -> Iterable[Node]:
        return self.children


class Strong(Inline):
    __slots__ = ("children",)

    def __init__(self, children: list[Inline] | None = None) -> None:
        self.children = [] if children is None else children

    def child_nodes(self) -> Iterable[Node]:
        return self.children


class Strikethrough(Inline):
    __slots__ = ("children",)

    def __init__(self, children: list[Inline] | None = None) -> None:
        self.children = [] if children is None else children

    def child_nodes(self) -> Iterable[Node]:
        return self.children


class CodeSpan(Inline):
    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code


class Link(Inline):
    __slots__ = ("href", "children", "title")

    def __init__(self, href: str, children: list[Inline] | None = None, title: str | None = None) -> None:
        self.href = href
        self.children = [] if children is None else children
        self.title = title

    def child_nodes(self) -> Iterable[Node]:
        return self.children


class Image(Inline):
    __slots__ = ("src", "alt", "title")

    def __init__(self, src: str, alt: str = "", title: str | None = None) -> None:
        self.src = src
        self.alt = alt  # the description as plain text
        self.title = title


class HtmlInline(Inline):
    """Raw HTML written in the prose, kept as written."""

    __slots__ = ("html",)

    def __init__(self, html: str) -> None:
        self.html = html


class Role(Inline):
    """A MyST role veritex does not interpret (`{abbr}`HTML``): its name and content."""

    __slots__ = ("name", "content", "position")

    def __init__(self, name: str, content: str, position: Position | None = None) -> None:
        self.name = name
        self.content = content
        self.position = position


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
    """A cross-reference in prose: `{eq}`label``, `\\eqref{label}`, `\\ref{label}`, MyST's `{ref}`,
    `{numref}`, `{doc}`, `{prf:ref}` and the textbook dialect's `:eqref:` / `:numref:`.

    `text` is what the author wrote before `<label>` (`{ref}`words <label>``), if anything. The
    numbering stage sets `resolved` (a formula) or `shown` and `anchor` (any other target: a heading, a
    figure, a theorem ...); `anchor` may name another page (`other.html#id`)."""

    target: str
    role: str
    position: Position
    resolved: Math | None = None
    text: str | None = None
    shown: str | None = None
    anchor: str | None = None


@dataclass
class Citation(Inline):
    """`{cite}`key1,key2``, `{cite:p}`, `{cite:t}`, Pandoc's `[@key]` and the dialect's `:cite:`.

    `form` is "p" (in parentheses), "t" (in the text: Author (year)) or "" (the key list as the role
    gives it). The citation stage sets `shown` (the text) and `found` (the keys the bibliography has)."""

    keys: list[str]
    form: str
    position: Position
    shown: str | None = None
    found: list[str] = field(default_factory=list)


@dataclass
class InlineEval(Inline):
    """`{eval}`expr`` in prose: replaced by the value of `expr` after all cells ran."""

    expr: str
    position: Position
    value: dict[str, Any] | None = None  # a MIME bundle ("text/plain", maybe "text/html")
    error: str | None = None


# Block nodes --------------------------------------------------------------------------------------


class Paragraph(Block):
    __slots__ = ("children", "position")

    def __init__(self, children: list[Inline] | None = None, position: Position | None = None) -> None:
        self.children = [] if children is None else children
        self.position = position

    def child_nodes(self) -> Iterable[Node]:
        return self.children


class Heading(Block):
    __slots__ = ("level", "children", "position")

    def __init__(
        self, level: int, children: list[Inline] | None = None, position: Position | None = None,
    ) -> None:
        self.level = level
        self.children = [] if children is None else children
        self.position = position

    def child_nodes(self) -> Iterable[Node]:
        return self.children

    @property
    def text(self) -> str:
        return plain_text(self.children)


class BlockQuote(Block):
    __slots__ = ("children", "position")

    def __init__(self, children: list[Block] | None = None, position: Position | None = None) -> None:
        self.children = [] if children is None else children
        self.position = position

    def child_nodes(self) -> Iterable[Node]:
        return self.children


class ListItem(Node):
    __slots__ = ("children", "position")

    def __init__(self, children: list[Block] | None = None, position: Position | None = None) -> None:
        self.children = [] if children is None else children
        self.position = position

    def child_nodes(self) -> Iterable[Node]:
        return self.children


class BulletList(Block):
    __slots__ = ("items", "tight", "position")

    def __init__(
        self, items: list[ListItem] | None = None, tight: bool = True, position: Position | None = None,
    ) -> None:
        self.items = [] if items is None else items
        self.tight = tight  # no blank lines between items: their paragraphs are not set apart
        self.position = position

    def child_nodes(self) -> Iterable[Node]:
        return self.items


class OrderedList(Block):
    __slots__ = ("items", "start", "tight", "position")

    def __init__(
        self,
        items: list[ListItem] | None = None,
        start: int = 1,
        tight: bool = True,
        position: Position | None = None,
    ) -> None:
        self.items = [] if items is None else items
        self.start = start
        self.tight = tight
        self.position = position

    def child_nodes(self) -> Iterable[Node]:
        return self.items


class TableCell(Node):
    __slots__ = ("children", "header", "align")

    def __init__(
        self, children: list[Inline] | None = None, header: bool = False, align: Align | None = None,
    ) -> None:
        self.children = [] if children is None else children
        self.header = header
        self.align = align

    def child_nodes(self) -> Iterable[Node]:
        return self.children


class TableRow(Node):
    __slots__ = ("cells",)

    def __init__(self, cells: list[TableCell] | None = None) -> None:
        self.cells = [] if cells is None else cells

    def child_nodes(self) -> Iterable[Node]:
        return self.cells


class Table(Block):
    __slots__ = ("head", "body", "position")

    def __init__(
        self,
        head: list[TableRow] | None = None,
        body: list[TableRow] | None = None,
        position: Position | None = None,
    ) -> None:
        self.head = [] if head is None else head
        self.body = [] if body is None else body
        self.position = position

    def child_nodes(self) -> Iterable[Node]:
        return [*self.head, *self.body]


class ThematicBreak(Block):
    __slots__ = ("position",)

    def __init__(self, position: Position | None = None) -> None:
        self.position = position


class HtmlBlock(Block):
    """Raw HTML written between paragraphs, kept as written."""

    __slots__ = ("html", "position")

    def __init__(self, html: str, position: Position | None = None) -> None:
        self.html = html
        self.position = position


class CodeBlock(Block):
    """Code shown, never run: a fence in another language, `python norun` in a notebook's prose, an
    indented block. `language` is the fence's language ("" when it names none); `info` the whole fence line."""

    __slots__ = ("code", "language", "info", "position")

    def __init__(
        self, code: str, language: str = "", info: str = "", position: Position | None = None,
    ) -> None:
        self.code = code
        self.language = language
        self.info = info
        self.position = position


class MathBlock(Block):
    """A displayed equation on its own (`$$ .. $$`, `\\begin{align}`, ```{math}```)."""

    __slots__ = ("math", "position")

    def __init__(self, math: Math, position: Position | None = None) -> None:
        self.math = math
        self.position = position

    def child_nodes(self) -> Iterable[Node]:
        return (self.math,)


class Target(Block):
    """A MyST target `(label)=`: a place other documents can link to."""

    __slots__ = ("label", "position")

    def __init__(self, label: str, position: Position | None = None) -> None:
        self.label = label
        self.position = position


class Comment(Block):
    """A MyST comment line `% ...`: kept in the model, shown by no writer."""

    __slots__ = ("text", "position")

    def __init__(self, text: str, position: Position | None = None) -> None:
        self.text = text
        self.position = position


class BlockBreak(Block):
    """A MyST block break `+++` inside a notebook's prose cell, with its metadata text."""

    __slots__ = ("meta", "position")

    def __init__(self, meta: str = "", position: Position | None = None) -> None:
        self.meta = meta
        self.position = position


class Directive(Block):
    """A MyST / Jupyter Book directive shown as a box: an admonition, an exercise or solution, a `prf:`
    theorem, a tab, a card, a margin note, or a directive veritex does not know (shown the same way).

    `name` is the directive's name as written (`note`, `prf:theorem`, `solution`); `title` its argument
    read as Markdown; `options` its `:key: value` lines; `number` is set by the numbering stage for the
    numbered kinds (exercises, `prf:` blocks). The body is read as Markdown with math, like any prose.
    `span` is how many of the cells after this one the directive holds too: a `{solution-start}` ..
    `{solution-end}` pair with code cells between (0 for a directive within its prose)."""

    __slots__ = ("name", "title", "options", "label", "number", "children", "position", "span")

    def __init__(
        self,
        name: str,
        title: list[Inline] | None = None,
        options: dict[str, str] | None = None,
        label: str | None = None,
        children: list[Block] | None = None,
        position: Position | None = None,
        number: int | None = None,
    ) -> None:
        self.name = name
        self.title = [] if title is None else title
        self.options = {} if options is None else options
        self.label = label
        self.number = number
        self.children = [] if children is None else children
        self.position = position
        self.span = 0

    def child_nodes(self) -> Iterable[Node]:
        return [*self.title, *self.children]


class Figure(Block):
    """An image with a caption (`{figure}`, `{image}`, the dialect's `![..](..)` + `:label:`); `number`
    is set by the numbering stage when the figure has a label."""

    __slots__ = ("src", "alt", "caption", "label", "width", "align", "number", "position")

    def __init__(
        self,
        src: str,
        alt: str = "",
        caption: list[Block] | None = None,
        label: str | None = None,
        width: str | None = None,
        align: str | None = None,
        position: Position | None = None,
        number: int | None = None,
    ) -> None:
        self.src = src
        self.alt = alt
        self.caption = [] if caption is None else caption
        self.label = label
        self.width = width
        self.align = align
        self.number = number
        self.position = position

    def child_nodes(self) -> Iterable[Node]:
        return self.caption


class Bibliography(Block):
    """The list of works a page cites, one entry per key in order of first citation: (key, text)."""

    __slots__ = ("entries", "position")

    def __init__(self, entries: list[tuple[str, str]] | None = None, position: Position | None = None) -> None:
        self.entries = [] if entries is None else entries
        self.position = position


BLOCK_TYPES: tuple[type[Block], ...] = (
    Paragraph, Heading, BlockQuote, BulletList, OrderedList, Table, ThematicBreak, HtmlBlock, CodeBlock,
    MathBlock, Target, Comment, BlockBreak, Directive, Figure, Bibliography,
)
INLINE_TYPES: tuple[type[Inline], ...] = (
    Text, SoftBreak, HardBreak, Emphasis, Strong, Strikethrough, CodeSpan, Link, Image, HtmlInline, Role, Math,
    Reference, InlineEval, Citation,
)


def node_fields(node: Node) -> tuple[str, ...]:
    """The names of a node's fields, in order."""
    if is_dataclass(node):
        return tuple(spec.name for spec in fields(node))
    return tuple(node.__slots__)


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


_KIND_TITLES = {"seealso": "See also", "tab-set": "", "tab-item": "", "grid": "", "grid-item": "",
                "grid-item-card": "", "card": "", "margin": "", "sidebar": "", "include": "", "prf:proof": "Proof"}


def directive_kind(name: str) -> str:
    """What a directive is called on the page: `prf:theorem` -> Theorem, `seealso` -> See also."""
    lowered = name.lower()
    if lowered in _KIND_TITLES:
        return _KIND_TITLES[lowered]
    return lowered.split(":")[-1].replace("-", " ").capitalize()


def is_numbered(directive: Directive) -> bool:
    """Exercises and `prf:` blocks other than proofs are numbered (unless `:nonumber:`)."""
    name = directive.name.lower()
    return (name == "exercise" or name.startswith("prf:") and name != "prf:proof") and (
        "nonumber" not in directive.options)
