"""Prose cells to HTML: the body tree walked by type, one `_render_<Class>` method per node type.

The markup is CommonMark's as markdown-it writes it (so pages read as before the tree existed):
`<br />`, attributes escaped without touching `'`, the paragraphs of a tight list set without `<p>`.
Formulas come out as the KaTeX markup of the typeset service, equation references as links to the
numbered formula, `{eval}` roles as the value the kernel computed.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from ..model import (
    Bibliography,
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
    InlineEval,
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
    directive_kind,
    plain_text,
    reference_text,
    walk,
)
from .badges import formula_verdicts, inline_verdicts, message_html
from .dispatch import method_names
from .highlight import code_block as highlighted_block
from .sanitize import Keeper, clean_kept, safe_url
from .state import PageState

# Blocks that open with a plain tag: after the unwrapped paragraph of a tight list item they start
# on a new line.
_TAGGED_BLOCKS = (Paragraph, BlockQuote, BulletList, OrderedList, Table, ThematicBreak)


def escape(text: str) -> str:
    """`&`, `<`, `>` and `"` escaped, as markdown-it escapes text and attributes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _raw_tex(tex: str, display: bool, message: str | None, element_id: str | None) -> str:
    """A formula KaTeX rejected (or that was never typeset): its TeX, marked."""
    title = f' title="{html.escape(message)}"' if message else ""
    ident = f' id="{escape(element_id)}"' if element_id else ""
    if display:
        note = f'<div class="vt-math-message">{message_html(message)}</div>' if message else ""
        return (f'<div class="vt-equation vt-math-error"{ident}><pre class="vt-tex"{title}>'
                f"{html.escape(tex)}</pre>{note}</div>\n")
    return f'<code class="vt-tex vt-math-error"{ident}{title}>{html.escape(tex)}</code>'


def _needs_cleaning(nodes: Sequence[Node], page: PageState) -> bool:
    """Whether the nodes carry HTML someone else wrote (raw HTML, an `{eval}` value's HTML) on a page
    whose author did not say `trust: true`."""
    if page.doc.meta.trust:
        return False
    return any(isinstance(n, HtmlBlock | HtmlInline) or (isinstance(n, InlineEval) and n.value is not None
               and "text/html" in n.value) for n in walk(nodes))


def render_body(blocks: Sequence[Node], page: PageState) -> str:
    """A prose cell's body as HTML; HTML the author wrote is sanitized unless the page is trusted."""
    if _needs_cleaning(blocks, page):
        return clean_kept(lambda keeper: ProseWriter(page, keeper=keeper).blocks(blocks))
    return ProseWriter(page).blocks(blocks)


def render_inline_text(inlines: Sequence[Node], page: PageState) -> str:
    """Inline nodes as HTML without element ids (for copies such as the table of contents)."""
    if _needs_cleaning(inlines, page):
        return clean_kept(lambda keeper: ProseWriter(page, copy=True, keeper=keeper).inlines(inlines))
    return ProseWriter(page, copy=True).inlines(inlines)


class ProseWriter:
    """Renders nodes of the body tree; `copy` leaves element ids out (the id belongs to the original)."""

    def __init__(self, page: PageState, *, copy: bool = False, keeper: Keeper | None = None) -> None:
        self.page = page
        self.copy = copy
        self.keeper = keeper  # set while the HTML is to be sanitized: veritex's own markup is kept aside
        self._tight = False  # inside an item of a tight list

    def render(self, node: Node) -> str:
        method = _RENDERERS.get(type(node))
        if method is None:
            return self._render_unknown(node)
        return method(self, node)

    def _render_unknown(self, node: Node) -> str:
        """A node type this writer does not know: its children, or its text, so nothing is lost."""
        children = list(node.child_nodes())
        if children:
            return self.blocks(children)
        text = getattr(node, "text", None) or getattr(node, "content", None)
        return escape(str(text)) if text else ""

    def blocks(self, nodes: Sequence[Node]) -> str:
        parts: list[str] = []
        unwrapped = False  # the last block was a paragraph set without <p>
        for node in nodes:
            if self._tight and type(node) is Paragraph:
                parts.append(self.inlines(node.children))
                unwrapped = True
                continue
            if unwrapped and isinstance(node, _TAGGED_BLOCKS):
                parts.append("\n")
            unwrapped = False
            parts.append(self.render(node))
        return "".join(parts)

    def inlines(self, nodes: Sequence[Node]) -> str:
        return "".join(self.render(node) for node in nodes)

    def _own(self, markup: str) -> str:
        """veritex's own markup (typeset math, highlighted code): kept out of the sanitizer's reach."""
        return self.keeper.keep(markup) if self.keeper is not None else markup

    def _nested(self, nodes: Sequence[Node], tight: bool) -> str:
        outer, self._tight = self._tight, tight
        try:
            return self.blocks(nodes)
        finally:
            self._tight = outer

    # Blocks -----------------------------------------------------------------------------------
    def _render_Paragraph(self, node: Paragraph) -> str:
        return f"<p>{self.inlines(node.children)}</p>\n"

    def _render_Heading(self, node: Heading) -> str:
        tag = f"h{node.level}"
        element_id = self.page.heading(node.level, plain_text(node.children),
                                       render_inline_text(node.children, self.page))
        return f'<{tag} id="{escape(element_id)}">{self.inlines(node.children)}</{tag}>\n'

    def _render_BlockQuote(self, node: BlockQuote) -> str:
        inner = self._nested(node.children, tight=False)
        return f"<blockquote>{chr(10) if node.children else ''}{inner}</blockquote>\n"

    def _render_BulletList(self, node: BulletList) -> str:
        return f"<ul>\n{self._items(node.items, node.tight)}</ul>\n"

    def _render_OrderedList(self, node: OrderedList) -> str:
        start = f' start="{node.start}"' if node.start != 1 else ""
        return f"<ol{start}>\n{self._items(node.items, node.tight)}</ol>\n"

    def _items(self, items: Sequence[ListItem], tight: bool) -> str:
        outer, self._tight = self._tight, tight
        try:
            return "".join(self.render(item) for item in items)
        finally:
            self._tight = outer

    def _render_ListItem(self, node: ListItem) -> str:
        first = node.children[0] if node.children else None
        # The item's text follows <li> directly when it is empty or starts with an unwrapped paragraph.
        newline = "" if first is None or (self._tight and type(first) is Paragraph) else "\n"
        return f"<li>{newline}{self._nested(node.children, self._tight)}</li>\n"

    def _render_Table(self, node: Table) -> str:
        head = "".join(self.render(row) for row in node.head)
        body = "".join(self.render(row) for row in node.body)
        tbody = f"<tbody>\n{body}</tbody>\n" if node.body else ""
        return f"<table>\n<thead>\n{head}</thead>\n{tbody}</table>\n"

    def _render_TableRow(self, node: TableRow) -> str:
        return f"<tr>\n{''.join(self.render(cell) for cell in node.cells)}</tr>\n"

    def _render_TableCell(self, node: TableCell) -> str:
        tag = "th" if node.header else "td"
        style = f' style="text-align:{escape(node.align)}"' if node.align else ""
        return f"<{tag}{style}>{self.inlines(node.children)}</{tag}>\n"

    def _render_ThematicBreak(self, node: ThematicBreak) -> str:
        return "<hr />\n"

    def _render_HtmlBlock(self, node: HtmlBlock) -> str:
        return node.html

    def _render_CodeBlock(self, node: CodeBlock) -> str:
        if node.language.lower() == "mermaid":  # drawn in the page by the mermaid script veritex ships
            return self._own(f'<pre class="mermaid vt-mermaid">{escape(node.code)}</pre>') + "\n"
        return self._own(highlighted_block(node.code, node.language or "text", cache=self.page.highlights)) + "\n"

    def _render_MathBlock(self, node: MathBlock) -> str:
        math, page = node.math, self.page
        element_id = page.math_id(math)
        rendered = page.typeset_of(math)
        if rendered is None or rendered.html is None:
            return self._own(_raw_tex(math.tex, True, page.math_error(math, rendered), element_id))
        number = f'<span class="vt-eqno">({math.number})</span>' if math.number is not None else ""
        verdicts = formula_verdicts(page.verdicts_for(math))
        warnings = "".join(f'<div class="vt-math-note">{message_html(w.message)}</div>'
                           for w in page.warnings_for(math))
        return self._own(f'<div class="vt-equation" id="{escape(element_id)}"><div class="vt-equation-body">'
                         f"{rendered.html}</div>{number}{verdicts}{warnings}</div>\n")

    def _render_Target(self, node: Target) -> str:
        return f'<span class="vt-target" id="{html.escape(node.label)}"></span>\n'

    def _render_Comment(self, node: Comment) -> str:
        return ""

    def _render_BlockBreak(self, node: BlockBreak) -> str:
        return "<hr>\n"

    def _render_Directive(self, node: Directive) -> str:
        if node.name.lower() == "include":
            return self._nested(node.children, tight=False)
        return self.directive_open(node) + self._nested(node.children, tight=False) + self.directive_close(node)

    def directive_open(self, node: Directive) -> str:
        """A directive's box up to its body: a folded one is a <details>, a margin note an <aside>."""
        name = node.name.lower()
        ident = "" if self.copy or not node.label else f' id="{escape(node.label)}"'
        classes = "vt-directive vt-" + "".join(c if c.isalnum() else "-" for c in name)
        if name == "epigraph":
            return f'<blockquote class="{classes}"{ident}>\n'
        title = self._directive_title(node)
        if _folded(node):
            return (f'<details class="{classes}"{ident}><summary class="vt-directive-title">{title or "Details"}'
                    f'</summary>\n<div class="vt-directive-body">\n')
        tag = "aside" if name in ("margin", "sidebar") else "div"
        head = f'<p class="vt-directive-title">{title}</p>\n' if title else ""
        return f'<{tag} class="{classes}"{ident}>\n{head}<div class="vt-directive-body">\n'

    def directive_close(self, node: Directive) -> str:
        name = node.name.lower()
        if name == "epigraph":
            return "</blockquote>\n"
        if _folded(node):
            return "</div></details>\n"
        return "</div></aside>\n" if name in ("margin", "sidebar") else "</div></div>\n"

    def _directive_title(self, node: Directive) -> str:
        """`Theorem 2 (Title)`, `Exercise 1`, `Note`, an admonition's own title, a solution's reference."""
        name = node.name.lower()
        title = self.inlines(node.title) if node.title else ""
        if name == "solution":
            return title or "Solution"
        kind = escape(directive_kind(node.name))
        if node.number is not None:
            return f"{kind} {node.number}" + (f" ({title})" if title else "")
        if name == "admonition" or not kind:
            return title
        if name.startswith("prf:") or name == "exercise":
            return kind + (f" ({title})" if title else "")
        return title or kind

    def _render_Figure(self, node: Figure) -> str:
        ident = "" if self.copy or not node.label else f' id="{escape(node.label)}"'
        align = f' style="text-align:{node.align}"' if node.align in ("left", "center", "right") else ""
        width = f' style="width:{escape(node.width)}"' if node.width else ""
        caption = ""
        if node.caption or node.number is not None:
            number = f'<span class="vt-figure-number">Figure {node.number}:</span> ' if node.number else ""
            inner = self._nested(node.caption, tight=True)
            caption = f"<figcaption>{number}{inner}</figcaption>"
        return (f'<figure class="vt-figure"{ident}{align}><img src="{escape(node.src)}" alt="{escape(node.alt)}"'
                f"{width} />{caption}</figure>\n")

    def _render_Bibliography(self, node: Bibliography) -> str:
        if not node.entries:
            return ""
        items = "".join(f'<li id="bib-{escape(key)}">{escape(text)}</li>\n' for key, text in node.entries)
        return (f'<section class="vt-bibliography"><h2 class="vt-bibliography-title">References</h2>\n'
                f"<ol>\n{items}</ol></section>\n")

    # Inline -----------------------------------------------------------------------------------
    def _render_Text(self, node: Text) -> str:
        return escape(node.text)

    def _render_SoftBreak(self, node: SoftBreak) -> str:
        return "\n"

    def _render_HardBreak(self, node: HardBreak) -> str:
        return "<br />\n"

    def _render_Emphasis(self, node: Emphasis) -> str:
        return f"<em>{self.inlines(node.children)}</em>"

    def _render_Strong(self, node: Strong) -> str:
        return f"<strong>{self.inlines(node.children)}</strong>"

    def _render_Strikethrough(self, node: Strikethrough) -> str:
        return f"<s>{self.inlines(node.children)}</s>"

    def _render_CodeSpan(self, node: CodeSpan) -> str:
        return f"<code>{escape(node.code)}</code>"

    def _render_Link(self, node: Link) -> str:
        title = f' title="{escape(node.title)}"' if node.title is not None else ""
        return f'<a href="{escape(safe_url(node.href))}"{title}>{self.inlines(node.children)}</a>'

    def _render_Image(self, node: Image) -> str:
        title = f' title="{escape(node.title)}"' if node.title is not None else ""
        return f'<img src="{escape(safe_url(node.src))}" alt="{escape(node.alt)}"{title} />'

    def _render_HtmlInline(self, node: HtmlInline) -> str:
        return node.html

    def _render_Role(self, node: Role) -> str:
        return f'<code class="vt-role" data-role="{html.escape(node.name)}">{html.escape(node.content)}</code>'

    def _render_Math(self, node: Math) -> str:
        page = self.page
        element_id = None if self.copy else page.math_id(node)
        rendered = page.typeset_of(node)
        if rendered is None or rendered.html is None:
            return self._own(_raw_tex(node.tex, False, page.math_error(node, rendered), element_id))
        ident = f' id="{escape(element_id)}"' if element_id else ""
        warnings = page.warnings_for(node)
        if warnings:
            title = html.escape("; ".join(w.message for w in warnings))
            return self._own(f'<span class="vt-math vt-math-warning"{ident} title="{title}">{rendered.html}</span>')
        marks = "" if self.copy else inline_verdicts(page.verdicts_for(node))
        return self._own(f'<span class="vt-math"{ident}>{rendered.html}</span>{marks}')

    def _render_Reference(self, node: Reference) -> str:
        ident = "" if self.copy else f' id="{escape(self.page.ref_id(node))}"'
        if node.resolved is not None:
            text = html.escape(node.shown or reference_text(node.resolved, node.role))
            return f'<a class="vt-ref"{ident} href="#{escape(self.page.math_id(node.resolved))}">{text}</a>'
        if node.anchor:
            href = node.anchor if node.role == "doc" else "#" + node.anchor
            return f'<a class="vt-ref"{ident} href="{escape(href)}">{html.escape(node.shown or node.target)}</a>'
        if node.shown or node.text or node.role != "eq":
            shown = html.escape(node.shown or node.text or node.target)
            return (f'<span class="vt-ref vt-elsewhere"{ident} title="{html.escape(node.target)}: not in this '
                    f'page">{shown}</span>')
        return (f'<span class="vt-ref vt-broken"{ident} title="unknown reference: no formula is labelled '
                f'{html.escape(node.target)}">({html.escape(node.target)}?)</span>')

    def _render_Citation(self, node: Citation) -> str:
        shown = html.escape(node.shown if node.shown is not None else ", ".join(node.keys))
        if not node.found:
            return f'<span class="vt-cite vt-elsewhere" title="not in the bibliography">[{shown}]</span>'
        href = f"#bib-{escape(node.found[0])}"
        return f'<a class="vt-cite" href="{href}">{shown}</a>'

    def _render_InlineEval(self, node: InlineEval) -> str:
        ident = "" if self.copy else f' id="{escape(self.page.eval_id(node))}"'
        expr = html.escape(node.expr)
        if node.error is not None:
            return (f'<code class="vt-eval vt-broken"{ident} title="{html.escape(node.error)}">'
                    f"{expr} ⚠</code>")
        if node.value is None:
            return f'<code class="vt-eval vt-pending"{ident} title="not evaluated: the code did not run">{expr}</code>'
        if "text/html" in node.value:
            return f'<span class="vt-eval"{ident} title="{expr}">{node.value["text/html"]}</span>'
        shown = html.escape(str(node.value.get("text/plain", "")))
        return f'<span class="vt-eval"{ident} title="{expr}">{shown}</span>'


def _folded(node: Directive) -> bool:
    """Solutions and dropdowns fold, and any directive with `:class: dropdown`."""
    return node.name.lower() in ("solution", "dropdown") or "dropdown" in node.options.get("class", "").split()


# Node type -> its method, looked up once: rendering a node is one dictionary lookup.
_RENDERERS: dict[type, Callable[[ProseWriter, Node], str]] = {
    cls: getattr(ProseWriter, name) for cls, name in method_names(ProseWriter, "_render_", required=True).items()}

__all__ = ["ProseWriter", "escape", "render_body", "render_inline_text"]
