"""markdown-it tokens to the model's body tree, with each formula, reference and value placed in the file.

The token stream is flat (`*_open` / `*_close` pairs); a stack of open containers turns it into nested
nodes. Formulas, equation references and `{eval}` roles also go, in document order, into the lists
the stages work through.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from markdown_it.token import Token

from ..model import (
    Block,
    BlockBreak,
    BlockQuote,
    BulletList,
    Citation,
    CodeBlock,
    CodeSpan,
    Comment,
    Directive,
    Emphasis,
    Figure,
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
from .directives import DirectiveCall, convert_options, directive_name, generic_spec, spec_for, split_options

_REF_ROLES = {"eq", "numref", "ref", "doc", "prf:ref", "eqref", "term", "any"}
_CITE_ROLES = {"cite": "", "cite:p": "p", "cite:t": "t", "cite:ps": "p", "cite:ts": "t", "citet": "t",
               "citep": "p", "cite:alp": "", "cite:author": "t", "cite:year": "p"}
# Roles whose content is simply shown as text (the part before `<...>` where there is one).
_TEXT_ROLES = {"index", "sub", "sup", "kbd", "term", "download", "guilabel", "menuselection", "file",
               "samp", "command", "program", "dfn", "title-reference", "emphasis", "strong"}
# The textbook dialect's lines that label the block above them (`:label:`, `:eqlabel:`, `:width:`) or mark
# prose for one code tab (`:begin_tab:` / `:end_tab:`).
_DIALECT_MARKS = {"label", "eqlabel", "width", "begin_tab", "end_tab"}
_LABELLED = re.compile(r"^(.*?)\s*<([^<>]+)>\s*$", re.S)
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
    tab: str = "pytorch"  # the textbook dialect's code tab whose prose is kept

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
    citations: list[Citation] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)  # the reader's warnings (unknown directives, ...)
    unknown: set[str] = field(default_factory=set)  # directive names already warned about
    captions: dict[int, list[Inline]] = field(default_factory=dict)  # id(Image) -> its description's nodes


def build_body(tokens: Sequence[Token], src: Source, body: Body | None = None) -> Body:
    """The tree of the block tokens `tokens` (one prose cell), its indexes and the reader's warnings; a
    `body` given here brings the directive names already warned about in earlier cells."""
    out = body if body is not None else Body()
    _TreeBuilder(src, out).run_into(tokens, out.blocks)
    return out


class _TreeBuilder:
    def __init__(self, src: Source, body: Body | None = None) -> None:
        self.src = src
        self.body = Body() if body is None else body

    def _position(self, token: Token) -> Position | None:
        return self.src.position(token.map[0]) if token.map else None

    def run(self, tokens: Sequence[Token]) -> Body:
        self.run_into(tokens, self.body.blocks)
        return self.body

    def run_into(self, tokens: Sequence[Token], blocks: list[Block]) -> list[Block]:
        # Each entry: the open container (None for a wrapper veritex does not model) and the list its
        # children go to.
        stack: list[tuple[Node | None, list[Any]]] = [(None, blocks)]
        opened: list[Directive] = []  # `{exercise-start}` .. `{exercise-end}` containers still open
        for token in tokens:
            children = stack[-1][1]
            if token.nesting == -1:
                if len(stack) > 1 and not (opened and stack[-1][0] is opened[-1]):
                    stack.pop()
            elif token.nesting == 1:
                stack.append(self._open(token, stack))
            elif token.type == "inline":
                children.extend(self._inlines(token))
            elif token.type == "fence" and _pair_end(token.info):
                if opened and stack[-1][0] is opened[-1]:
                    stack.pop()
                    opened.pop()
            elif token.type == "fence" and _pair_start(token.info) and token.level == 0:
                directive = self._pair_start(token)
                children.append(directive)
                opened.append(directive)
                stack.append((directive, directive.children))
            else:
                children.extend(self._leaf(token))
        _attach_dialect_marks(blocks, self.src.tab, self.body)
        return blocks

    # Markdown read again for a directive's body or title: positions stay those of the file.
    def parse_blocks(self, text: str, line0: int) -> list[Block]:
        from .syntax import markdown_parser  # markdown-it is loaded by the reader already

        sub = _TreeBuilder(replace(self.src, text=text, line_offset=self.src.line_offset + line0), self.body)
        return sub.run_into(markdown_parser().parse(text), [])

    def parse_inline(self, text: str, line0: int) -> list[Inline]:
        blocks = self.parse_blocks(text, line0)
        first = blocks[0] if blocks else None
        return first.children if isinstance(first, Paragraph | Heading) else [Text(text)]

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

    def _leaf(self, token: Token) -> list[Block]:
        block = self._leaf_block(token)
        return block if isinstance(block, list) else [] if block is None else [block]

    def _leaf_block(self, token: Token) -> Block | list[Block] | None:
        kind = token.type
        where = self._position(token)
        if kind in _DISPLAY_MATH:
            return MathBlock(self._display_math(token), position=where)
        if kind in ("fence", "colon_fence"):
            if token.info.strip().startswith("{math}"):
                return MathBlock(self._math_directive(token), position=where)
            named = directive_name(token.info)
            if named is not None and not named[0].startswith(".") and named[0] != "code-cell":
                return self._directive(token, *named)
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

    # Directives ---------------------------------------------------------------------------------
    def _call(self, token: Token, name: str, argument: str) -> DirectiveCall:
        line0 = token.map[0] if token.map else 0
        options, body, used = split_options(token.content)
        return DirectiveCall(
            name=name, argument=argument, options=options, body=body, position=self.src.position(line0),
            body_line=line0 + 1 + used, fence_line=line0, parse=self.parse_blocks, parse_inline=self.parse_inline,
            items=self.body.items, references=self.body.references)

    def _directive(self, token: Token, name: str, argument: str) -> list[Block]:
        call = self._call(token, name, argument)
        spec = spec_for(name)
        if spec is None:
            spec = generic_spec()
            if name not in self.body.unknown:
                self.body.unknown.add(name)
                call.warn(f"unknown directive '{name}': shown as a box with its content; veritex reads "
                          "admonitions, exercises, prf: blocks, figures, code, tabs, cards and the like")
        convert_options(call, spec)
        return spec.run(call)

    def _pair_start(self, token: Token) -> Directive:
        named = directive_name(token.info) or ("exercise-start", "")
        name, argument = named[0][: -len("-start")], named[1]
        blocks = self._directive(token, name, argument)
        found = blocks[0] if blocks and isinstance(blocks[0], Directive) else None
        return found if found is not None else Directive(name, position=self._position(token))

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
                if "$$" in child.content:
                    self._unclosed_display(content, child.content, cursor, line0)
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
                image = Image(str(child.attrs.get("src", "")), _alt_text(child.children or []),
                              None if title is None else str(title))
                if child.children:
                    described = Token("inline", "", 0, content=content, map=parent.map, children=child.children)
                    self.body.captions[id(image)] = self._inlines(described)
                out.append(image)
            elif kind == "html_inline":
                out.append(HtmlInline(child.content))
            elif kind in ("math_inline", "math_inline_double"):
                offset, delim = _find(content, child.content, cursor)
                cursor = offset + 2 * len(delim) + len(child.content)
                pos = _inline_position(self.src, line0, content, offset + len(delim), child.content)
                tex, pos = _strip_leading(child.content, pos)
                out.append(self._add_math(Math(tex=tex.rstrip(), display=kind == "math_inline_double",
                                               position=pos)))
            elif kind in ("myst_role", "dialect_role"):
                name = str(child.meta.get("name", ""))
                literal = f"{{{name}}}`{child.content}`" if kind == "myst_role" else f":{name}:`{child.content}`"
                offset = content.find(literal, cursor)
                cursor = offset + len(literal) if offset >= 0 else cursor
                pos = _inline_position(self.src, line0, content, max(offset, 0), literal)
                out.append(self._role(name, child.content, pos, "dialect" if kind == "dialect_role" else "myst"))
            elif kind == "pandoc_cite":
                offset = content.find(child.content, cursor)
                cursor = offset + len(child.content) if offset >= 0 else cursor
                pos = _inline_position(self.src, line0, content, max(offset, 0), child.content)
                out.append(self._cite(list(child.meta["keys"]), "p", pos))
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

    def _role(self, name: str, content: str, pos: Position, kind_of_role: str = "myst") -> Inline:
        name = name.lower()
        if name in _REF_ROLES:
            text, target = _split_labelled(content)
            # The dialect's `:eqref:` reads as `(2)` like `{eq}`, and may point into another page like `{numref}`.
            role = {"term": "ref", "any": "ref"}.get(name, name)
            if kind_of_role == "dialect" and name == "eqref":
                role = "numref"
            ref = Reference(target=target, role=role, position=pos, text=text)
            self.body.references.append(ref)
            return ref
        if name in _CITE_ROLES:
            keys = [k.strip() for k in content.split(",") if k.strip()]
            return self._cite(keys, _CITE_ROLES[name], pos)
        if name == "eval":
            node = InlineEval(expr=content, position=pos)
            self.body.evals.append(node)
            return node
        if name == "math":
            return self._add_math(Math(tex=content.strip(), display=False, position=pos.shifted(
                column=pos.column + len("{math}`"))))
        if name in _TEXT_ROLES:
            text, _ = _split_labelled(content)
            return Text(text if text is not None else content.lstrip("!"))
        return Role(name, content, pos)

    def _cite(self, keys: list[str], form: str, pos: Position) -> Citation:
        node = Citation(keys=keys, form=form, position=pos)
        self.body.citations.append(node)
        return node

    def _unclosed_display(self, content: str, text: str, cursor: int, line0: int) -> None:
        """A `$$` left in the text opens a display the paragraph never closes: the reader stops it at the
        paragraph's end (a blank line, a code fence, the cell's end) rather than reading on."""
        offset = content.find("$$", cursor)
        pos = _inline_position(self.src, line0, content, max(offset, 0), "$$")
        self.body.items.append(Item(
            "math", "warning", "`$$` opens a displayed formula that is not closed before the paragraph ends "
            "(a blank line, a code fence or the cell's end); add the closing `$$`, or escape it as `\\$\\$`",
            pos))


def _pair_start(info: str) -> bool:
    named = directive_name(info)
    return named is not None and named[0].endswith("-start")


def _pair_end(info: str) -> bool:
    named = directive_name(info)
    return named is not None and named[0].endswith("-end")


def _split_labelled(content: str) -> tuple[str | None, str]:
    """`words <label>` -> ("words", "label"); `label` -> (None, "label")."""
    match = _LABELLED.match(content)
    if match and match.group(1).strip():
        return match.group(1).strip(), match.group(2).strip()
    return None, content.strip()


def _marks(block: Block) -> list[Role] | None:
    """The dialect marks of a paragraph made only of them (`:label:`x`` lines), else None."""
    if not isinstance(block, Paragraph):
        return None
    marks: list[Role] = []
    for node in block.children:
        if isinstance(node, Role) and node.name in _DIALECT_MARKS:
            marks.append(node)
        elif not (isinstance(node, SoftBreak) or isinstance(node, Text) and not node.text.strip()):
            return None
    return marks or None


def _attach_dialect_marks(blocks: list[Block], tab: str, body: Body) -> None:
    """The textbook dialect labels the block above a `:label:` line: a formula, a heading (its section)
    or a figure (`![caption](src)` with `:label:` / `:width:` lines under it). Prose between
    `:begin_tab:`name`` and `:end_tab:` is kept only for the chosen tab."""
    out: list[Block] = []
    skipping = False
    for block in blocks:
        if isinstance(block, Paragraph) and block.children:
            block = _figure_of(block, body.captions) or block
            head = block.children[0] if isinstance(block, Paragraph) else None
            if isinstance(head, Role) and head.name == "begin_tab":
                skipping = tab not in [t.strip() for t in head.content.split(",")] and head.content.strip() != "all"
            if isinstance(block, Paragraph) and any(isinstance(n, Role) and n.name in ("begin_tab", "end_tab")
                                                    for n in block.children):
                ends = any(isinstance(n, Role) and n.name == "end_tab" for n in block.children)
                kept = [] if skipping else [n for n in block.children
                                            if not (isinstance(n, Role) and n.name in ("begin_tab", "end_tab"))]
                if ends:
                    skipping = False
                if any(not isinstance(n, SoftBreak) and not (isinstance(n, Text) and not n.text.strip())
                       for n in kept):
                    out.append(Paragraph(kept, block.position))
                continue
        if skipping:
            continue
        if isinstance(block, Paragraph) and _marks(block) is None:
            for label in _inline_marks(block):
                out.append(Target(label, block.position))
        marks = _marks(block)
        if marks is None or not out:
            out.append(block)
            continue
        before = out[-1]
        for mark in marks:
            if mark.name in ("label", "eqlabel") and isinstance(before, MathBlock):
                before.math.label = mark.content.strip()
            elif mark.name == "label" and isinstance(before, Figure):
                before.label = mark.content.strip()
            elif mark.name == "width" and isinstance(before, Figure):
                before.width = mark.content.strip()
            elif mark.name == "label":
                target = Target(mark.content.strip(), mark.position)
                # A section's label names the heading above it: the target goes before the heading.
                out.insert(len(out) - 1 if isinstance(before, Heading) else len(out), target)
    blocks[:] = out


def _inline_marks(paragraph: Paragraph) -> list[str]:
    """Label marks inside a paragraph of prose: one right after a `$$..$$` display labels it; any other is
    returned as a target for the paragraph. The marks leave the paragraph's text."""
    kept: list[Inline] = []
    loose: list[str] = []
    for node in paragraph.children:
        if isinstance(node, Role) and node.name in ("label", "eqlabel", "width"):
            while kept and isinstance(kept[-1], SoftBreak):
                kept.pop()
            before = kept[-1] if kept else None
            if isinstance(before, Math) and before.display and node.name != "width":
                before.label = node.content.strip()
            elif node.name != "width":
                loose.append(node.content.strip())
            continue
        kept.append(node)
    paragraph.children = kept
    return loose


def _figure_of(paragraph: Paragraph, captions: dict[int, list[Inline]]) -> Figure | None:
    """`![caption](src)` followed by `:label:` / `:width:` lines: a figure."""
    nodes = [n for n in paragraph.children if not isinstance(n, SoftBreak)]
    if len(nodes) < 2 or not isinstance(nodes[0], Image):
        return None
    rest = nodes[1:]
    if not all(isinstance(n, Role) and n.name in ("label", "width") or isinstance(n, Text) and not n.text.strip()
               for n in rest):
        return None
    image = nodes[0]
    described = captions.get(id(image)) or ([Text(image.alt)] if image.alt else [])
    caption: list[Block] = [Paragraph(described, paragraph.position)] if described else []
    figure = Figure(image.src, image.alt, caption, position=paragraph.position)
    for node in rest:
        if isinstance(node, Role):
            if node.name == "label":
                figure.label = node.content.strip()
            else:
                figure.width = node.content.strip()
    return figure


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
