"""The body tree printed back as Markdown, for the `gfm` and `ipynb` writers.

One `_print_<Class>` method per node type, and a fallback for node types this printer does not know
(their children, or their text): a new node type prints as its content, never as a crash. The math
forms differ by target, so `MarkdownPrinter` leaves formulas, equation anchors and references to
subclasses (`gfm_print.GithubPrinter`, `ipynb_print.JupyterPrinter`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ..model import (
    BLOCK_TYPES,
    INLINE_TYPES,
    Block,
    BlockBreak,
    BlockQuote,
    BulletList,
    CodeBlock,
    CodeSpan,
    Comment,
    Document,
    Emphasis,
    HardBreak,
    Heading,
    HtmlBlock,
    HtmlInline,
    Image,
    Inline,
    InlineEval,
    Item,
    Link,
    ListItem,
    Math,
    MathBlock,
    Node,
    OrderedList,
    Paragraph,
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
    reference_text,
)
from .badges import SYMBOLS
from .dispatch import method_names

FORMULA_VERDICT_KINDS = ("check", "implements", "identity", "consistency")
_ESCAPED = re.compile(r"([\\`*_\[\]<>~|])")
# A literal dollar in prose. Jupyter and CommonMark readers take `\$`; GitHub reads `\$` as a dollar that
# may still open a formula after Markdown ran, and documents `<span>$</span>` for one outside math: its
# dollar is escaped as well, so that a CommonMark reader (veritex, MyST) never pairs it with another.
TEX_DOLLAR = "\\$"
GITHUB_DOLLAR = "<span>\\$</span>"
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(\s*)([#>=+-](?=\s|$)|\d+[.)](?=\s|$)|#+(?=\s|$))")
_BACKTICKS = re.compile(r"`+")


def escape_text(text: str, dollar: str = TEX_DOLLAR) -> str:
    """Prose text as Markdown that reads back as the same text; `dollar` is how a literal `$` is written."""
    return _ENTITY.sub("&amp;", _ESCAPED.sub(r"\\\1", text)).replace("$", dollar)


_TICKED = re.compile(r"(`[^`\n]+`)")


def message_markdown(message: str, *, in_table: bool = False, dollar: str = TEX_DOLLAR) -> str:
    """A report message as Markdown: its `quoted` TeX and code kept as code spans, the rest escaped."""
    parts = _TICKED.split(message)
    out = [_quoted(part[1:-1], dollar) if index % 2 else escape_text(part, dollar) for index, part in enumerate(parts)]
    text = "".join(out)
    return text.replace("|", "\\|") if in_table else text


def _quoted(code: str, dollar: str) -> str:
    """A code span, or escaped text when it holds a `$`: GitHub reads $` ... `$ as math, code spans and all."""
    if "$" in code:
        return escape_text(code, dollar)
    return f"`{code}`"


_TEX_BAR = re.compile(r"\\[\s\S]|\|")


def bars_as_commands(tex: str) -> str:
    """TeX with its bars spelled as commands (`|` as `\\vert`, `\\|` as `\\Vert`): the same formula, with no
    `|` for a table row to split at, and nothing to escape (a reader that takes formulas out before
    Markdown, as Jupyter does, would keep an escape)."""
    spelled = _TEX_BAR.sub(lambda m: {"|": "\\vert ", "\\|": "\\Vert "}.get(m.group(0), m.group(0)), tex)
    return spelled[:-1] if spelled.endswith(" ") and not tex.endswith(" ") else spelled


def code_span(code: str) -> str:
    longest = max((len(run) for run in _BACKTICKS.findall(code)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if code[:1] == "`" or code[-1:] == "`" or (code[:1] == " " and code[-1:] == " " and code.strip()) else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def fenced(code: str, info: str = "") -> str:
    longest = max((len(run) for run in _BACKTICKS.findall(code)), default=0)
    fence = "`" * max(3, longest + 1)
    body = code if code.endswith("\n") or not code else code + "\n"
    return f"{fence}{info}\n{body}{fence}"


def badge(item: Item, dollar: str = TEX_DOLLAR) -> str:
    """A verdict as one line of Markdown, worded as the HTML page's badges: `✓ verified` kind: message."""
    first = item.message.strip().split("\n", 1)[0]
    label = f" {code_span(item.label)}" if item.label else ""
    message = message_markdown(first, dollar=dollar)
    return f"**{SYMBOLS.get(item.status, '?')} {item.status}** {item.kind}{label}: {message}"


def verdict_table(items: Sequence[Item], dollar: str = TEX_DOLLAR) -> str:
    """Every verdict and problem of the document as a short table (empty when there is none)."""
    shown = [i for i in items if i.status in ("verified", "refuted", "unchecked", "error", "warning")]
    shown.sort(key=lambda i: (i.position.cell or 0, i.position.line, i.position.column) if i.position else (0, 0, 0))
    if not shown:
        return ""
    rows = ["| status | kind | label | where | message |", "| --- | --- | --- | --- | --- |"]
    for item in shown:
        where = ""
        if item.position is not None:
            cell = f"cell {item.position.cell}, " if item.position.cell is not None else ""
            where = f"{cell}{item.position.line}:{item.position.column}"
        message = message_markdown(item.message.strip().split("\n", 1)[0], in_table=True, dollar=dollar)
        label = code_span(item.label) if item.label else ""
        rows.append(f"| {SYMBOLS.get(item.status, '?')} {item.status} | {item.kind} | {label} | {where} | {message} |")
    return "\n".join(rows)


def _indent(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0], *[(rest + line) if line.strip() else line.rstrip() for line in lines[1:]]])


class MarkdownPrinter:
    """Prints body nodes as Markdown; subclasses say how formulas and references look."""

    dollar = TEX_DOLLAR  # how a literal dollar of the prose is written

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._in_table = False
        self._verdicts: dict[str, list[Item]] = {}
        for item in doc.items:
            if item.kind in FORMULA_VERDICT_KINDS and item.label:
                self._verdicts.setdefault(item.label, []).append(item)

    # What a target decides -----------------------------------------------------------------------
    def inline_math(self, math: Math) -> str:
        return f"${math.tex}$"

    def display_math(self, math: Math) -> str:
        return f"$$\n{math.tex}\n$$"

    def anchor(self, math: Math) -> str:
        return f'<a id="{math.anchor}"></a>'

    def math_in_table(self, math: Math) -> str:
        """An inline formula inside a table row. GitHub and MyST split a row at every `|` that is not
        escaped, inside `$...$` too, and take `\\|` for a `|`: bars are written escaped."""
        return self.inline_math(math).replace("|", "\\|")

    def verdicts_for(self, math: Math) -> list[Item]:
        """Verdicts on this formula's label, under its first formula only."""
        if not math.label or self.doc.labels().get(math.label) is not math:
            return []
        return self._verdicts.get(math.label, [])

    # Walking ---------------------------------------------------------------------------------------
    def blocks(self, nodes: Sequence[Node], tight: bool = False) -> str:
        parts = [self.block(node) for node in nodes]
        return ("\n" if tight else "\n\n").join(p for p in parts if p)

    def block(self, node: Node) -> str:
        name = _BLOCK_PRINTERS.get(type(node))
        if name is None:
            return self._fallback_block(node)
        method: Callable[[Any], str] = getattr(self, name)
        return method(node)

    def inlines(self, nodes: Sequence[Node]) -> str:
        return "".join(self.inline(node) for node in nodes)

    def inline(self, node: Node) -> str:
        name = _INLINE_PRINTERS.get(type(node))
        if name is None:
            return self._fallback_inline(node)
        method: Callable[[Any], str] = getattr(self, name)
        return method(node)

    def _fallback_block(self, node: Node) -> str:
        children = list(node.child_nodes())
        if children and all(isinstance(c, Inline) for c in children):
            return self._print_Paragraph(Paragraph(children))  # type: ignore[arg-type]
        if children:
            return self.blocks(children)
        text = _text_of(node)
        return escape_text(text, self.dollar) if text else ""

    def _fallback_inline(self, node: Node) -> str:
        children = list(node.child_nodes())
        if children:
            return self.inlines(children)
        return escape_text(_text_of(node), self.dollar)

    # Blocks ----------------------------------------------------------------------------------------
    def _print_Paragraph(self, node: Paragraph) -> str:
        # Text that starts a line must not read as a heading, quote or list marker; formulas and code
        # that happen to start a line are left as they are.
        parts: list[str] = []
        line_start = True
        for child in node.children:
            printed = self.inline(child)
            if line_start and isinstance(child, Text):
                printed = _LINE_START.sub(r"\1\\\2", printed, count=1)
            parts.append(printed)
            line_start = isinstance(child, (SoftBreak, HardBreak))
        return "".join(parts)

    def _print_Heading(self, node: Heading) -> str:
        text = self.inlines(node.children).replace("\n", " ")
        return f"{'#' * max(1, min(node.level, 6))} {text}"

    def _print_BlockQuote(self, node: BlockQuote) -> str:
        inner = self.blocks(node.children)
        return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))

    def _print_BulletList(self, node: BulletList) -> str:
        return ("\n" if node.tight else "\n\n").join(
            _indent(self._item(item, node.tight), "- ", "  ") for item in node.items)

    def _print_OrderedList(self, node: OrderedList) -> str:
        printed = []
        for n, item in enumerate(node.items, start=node.start):
            marker = f"{n}. "
            printed.append(_indent(self._item(item, node.tight), marker, " " * len(marker)))
        return ("\n" if node.tight else "\n\n").join(printed)

    def _item(self, item: Node, tight: bool) -> str:
        children = list(item.child_nodes())
        return self.blocks(children, tight=tight) if children else ""

    def _print_ListItem(self, node: ListItem) -> str:
        return self._item(node, True)

    def _print_Table(self, node: Table) -> str:
        rows = [*node.head, *node.body]
        if not rows:
            return ""
        head, body = (node.head[0], node.body) if node.head else (rows[0], rows[1:])
        width = max(len(r.cells) for r in rows)
        aligns = [c.align for c in head.cells] + [None] * (width - len(head.cells))
        rule = {None: "---", "left": ":---", "center": ":---:", "right": "---:"}
        lines = [self._row(head, width), "| " + " | ".join(rule[a] for a in aligns) + " |"]
        lines.extend(self._row(row, width) for row in body)
        return "\n".join(lines)

    def _row(self, row: TableRow, width: int) -> str:
        outer, self._in_table = self._in_table, True
        try:
            cells = [self.inlines(c.children).replace("\n", " ") for c in row.cells]
        finally:
            self._in_table = outer
        cells += [""] * (width - len(cells))
        return "| " + " | ".join(cells) + " |"

    def _print_TableRow(self, node: TableRow) -> str:
        return self._row(node, len(node.cells))

    def _print_TableCell(self, node: TableCell) -> str:
        return self.inlines(node.children)

    def _print_ThematicBreak(self, node: ThematicBreak) -> str:
        return "---"

    def _print_HtmlBlock(self, node: HtmlBlock) -> str:
        return node.html.rstrip("\n")

    def _print_CodeBlock(self, node: CodeBlock) -> str:
        return fenced(node.code, node.language)

    def _print_MathBlock(self, node: MathBlock) -> str:
        math = node.math
        parts = []
        if math.label and self.doc.labels().get(math.label) is math:
            parts.append(self.anchor(math))
        parts.append(self.display_math(math))
        badges = [badge(item, self.dollar) for item in self.verdicts_for(math)]
        if badges:
            parts.append("\n".join(f"> {b}  " if i < len(badges) - 1 else f"> {b}" for i, b in enumerate(badges)))
        return "\n\n".join(parts)

    def _print_Target(self, node: Target) -> str:
        return f'<a id="{escape_text(node.label)}"></a>'

    def _print_Comment(self, node: Comment) -> str:
        return ""

    def _print_BlockBreak(self, node: BlockBreak) -> str:
        return ""

    # Inline ----------------------------------------------------------------------------------------
    def _print_Text(self, node: Text) -> str:
        return escape_text(node.text, self.dollar)

    def _print_SoftBreak(self, node: SoftBreak) -> str:
        return "\n"

    def _print_HardBreak(self, node: HardBreak) -> str:
        return "\\\n"

    def _print_Emphasis(self, node: Emphasis) -> str:
        return f"*{self.inlines(node.children)}*"

    def _print_Strong(self, node: Strong) -> str:
        return f"**{self.inlines(node.children)}**"

    def _print_Strikethrough(self, node: Strikethrough) -> str:
        return f"~~{self.inlines(node.children)}~~"

    def _print_CodeSpan(self, node: CodeSpan) -> str:
        return code_span(node.code).replace("|", "\\|") if self._in_table else code_span(node.code)

    def _print_Link(self, node: Link) -> str:
        return f"[{self.inlines(node.children)}]({_destination(node.href)}{_title(node.title)})"

    def _print_Image(self, node: Image) -> str:
        return f"![{escape_text(node.alt)}]({_destination(node.src)}{_title(node.title)})"

    def _print_HtmlInline(self, node: HtmlInline) -> str:
        return node.html

    def _print_Role(self, node: Role) -> str:
        return code_span(node.content)

    def _print_Math(self, node: Math) -> str:
        if node.display:  # `$$..$$` inside a paragraph: on a line of its own
            return "\n" + self.display_math(node) + "\n"
        return self.math_in_table(node) if self._in_table else self.inline_math(node)

    def _print_Reference(self, node: Reference) -> str:
        if node.resolved is None:
            return escape_text(f"({node.target}?)", self.dollar)
        return f"[{escape_text(reference_text(node.resolved, node.role), self.dollar)}](#{node.resolved.anchor})"

    def _print_InlineEval(self, node: InlineEval) -> str:
        if node.error is not None or node.value is None:
            return code_span(node.expr)
        return escape_text(str(node.value.get("text/plain", "")), self.dollar)


def _text_of(node: Node) -> str:
    for name in ("text", "content", "code", "html", "tex"):
        value = getattr(node, name, None)
        if isinstance(value, str):
            return value
    return ""


def _destination(href: str) -> str:
    if not href or re.search(r"[\s()<>]", href):
        return "<" + href.replace("<", "%3C").replace(">", "%3E") + ">"
    return href


def _title(title: str | None) -> str:
    if title is None:
        return ""
    return ' "' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'


# Node type -> the name of its method (a subclass may override the method).
_BLOCK_PRINTERS = method_names(MarkdownPrinter, "_print_", (*BLOCK_TYPES, ListItem, TableRow, TableCell))
_INLINE_PRINTERS = method_names(MarkdownPrinter, "_print_", INLINE_TYPES)

__all__ = ["GITHUB_DOLLAR", "TEX_DOLLAR", "Block", "MarkdownPrinter", "badge", "bars_as_commands", "code_span",
           "escape_text", "fenced", "verdict_table"]
