"""Prose cells to LaTeX: the body tree walked by type, one `_tex_<Class>` method per node type, and a
generic fallback for a node type this writer does not know (its children, else its text).

Formulas go through as their TeX: a labelled display formula becomes an `equation` with its
`\\label` (so `\\eqref` resolves in LaTeX), an unnumbered one `equation*`; a number veritex gave that
LaTeX's counter would not give is set with `\\tag`. An `align` (`gather`, ...) written out is one formula
with one number to veritex, so it becomes `aligned` (`gathered`, ...) inside the equation. Commands KaTeX
knows and LaTeX does not get definitions in the preamble (see `preamble.KATEX_EXTRAS`), so the TeX needs
no other rewriting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ...model import (
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
    plain_text,
    reference_text,
)
from ..dispatch import method_names
from ..state import slug
from .cells import ERROR_STYLE
from .escape import code_text, escape, label_name, url, verbatim_safe
from .verdicts import verdict_line, verdict_lines

if TYPE_CHECKING:
    from .document import LatexState

_SECTIONS = ("section", "subsection", "subsubsection", "paragraph", "subparagraph")
# A displayed environment written out is one formula to veritex, with one number: in LaTeX it becomes the
# inner form of the same layout inside `equation`, so that LaTeX gives it that one number and its label.
_INNER = {"align": "aligned", "flalign": "aligned", "gather": "gathered", "multline": "multlined",
          "alignat": "alignedat", "equation": None}
_ENVIRONMENT = re.compile(r"\\begin\{(?P<env>[a-z]+)(?P<star>\*?)\}(?P<body>.*)\\end\{(?P=env)(?P=star)\}\Z", re.DOTALL)
_NO_NUMBER = re.compile(r"\\(?:nonumber|notag)\b")


def _inner(tex: str) -> str:
    """`\\begin{align}..\\end{align}` as `\\begin{aligned}..\\end{aligned}` (and so on); other TeX as it is."""
    found = _ENVIRONMENT.match(tex)
    if found is None or found["env"] not in _INNER:
        return tex
    inner, body = _INNER[found["env"]], _NO_NUMBER.sub("", found["body"]).strip()
    return body if inner is None else f"\\begin{{{inner}}}{body}\n\\end{{{inner}}}"


def source_marker(node: Node) -> str:
    """`% veritex: line N` before a block, so that a LaTeX error can be traced back to the source."""
    position = getattr(node, "position", None)
    return marker(position) if isinstance(position, Position) else ""


def marker(position: Position) -> str:
    cell = f" cell {position.cell}" if position.cell is not None else ""
    return f"% veritex: line {position.line}{cell}\n"


class LatexProse:
    """Renders nodes of the body tree as LaTeX for one document (`state` holds what spans cells)."""

    def __init__(self, state: LatexState) -> None:
        self.state = state

    def render(self, node: Node) -> str:
        method = _RENDERERS.get(type(node))
        if method is None:
            return self._fallback(node)
        return method(self, node)

    def blocks(self, nodes: Sequence[Node]) -> str:
        return "".join(source_marker(node) + self.render(node) for node in nodes)

    def inlines(self, nodes: Sequence[Node]) -> str:
        return "".join(self.render(node) for node in nodes)

    def _fallback(self, node: Node) -> str:
        """A node type from elsewhere: its children in the same way, else whatever text it holds."""
        children = list(node.child_nodes())
        if children:
            if isinstance(node, Inline):
                return self.inlines(children)
            inline = all(isinstance(child, Inline) for child in children)
            return f"{self.inlines(children)}\n\n" if inline else self.blocks(children)
        for name in ("text", "code", "content", "html"):
            value = getattr(node, name, None)
            if isinstance(value, str) and value.strip():
                return escape(value) if isinstance(node, Inline) else f"{escape(value)}\n\n"
        return ""

    # Blocks -----------------------------------------------------------------------------------
    def _tex_Paragraph(self, node: Paragraph) -> str:
        return f"{self.inlines(node.children)}\n\n"

    def _tex_Heading(self, node: Heading) -> str:
        level = node.level - self.state.heading_shift
        text = self.inlines(node.children)
        anchor = label_name(slug(plain_text(node.children)))
        if level < 1:  # the document's title, set by \maketitle
            return f"\\hypertarget{{{anchor}}}{{}}\n"
        command = _SECTIONS[min(level, len(_SECTIONS)) - 1]
        return f"\\{command}*{{{text}}}\\hypertarget{{{anchor}}}{{}}\n\n"

    def _tex_BlockQuote(self, node: BlockQuote) -> str:
        return f"\\begin{{quote}}\n{self.blocks(node.children)}\\end{{quote}}\n\n"

    def _tex_BulletList(self, node: BulletList) -> str:
        items = "".join(self.render(item) for item in node.items)
        return f"\\begin{{itemize}}\n{items}\\end{{itemize}}\n\n" if items else ""

    def _tex_OrderedList(self, node: OrderedList) -> str:
        items = "".join(self.render(item) for item in node.items)
        if not items:
            return ""
        start = f"\\setcounter{{enumi}}{{{node.start - 1}}}\n" if node.start != 1 else ""
        return f"\\begin{{enumerate}}\n{start}{items}\\end{{enumerate}}\n\n"

    def _tex_ListItem(self, node: ListItem) -> str:
        return f"\\item {self.blocks(node.children).rstrip()}\n"

    def _tex_Table(self, node: Table) -> str:
        rows = [*node.head, *node.body]
        width = max((len(row.cells) for row in rows), default=0)
        if not width:
            return ""
        first = rows[0].cells
        spec = "".join((first[i].align or "left")[0] if i < len(first) else "l" for i in range(width))
        lines = [f"\\begin{{tabular}}{{{spec}}}", "\\hline"]
        for index, row in enumerate(rows):
            lines.append(self.render(row))
            if index == len(node.head) - 1 or index == len(rows) - 1:
                lines.append("\\hline")
        return "\\begin{center}\n" + "\n".join(lines) + "\n\\end{tabular}\n\\end{center}\n\n"

    def _tex_TableRow(self, node: TableRow) -> str:
        return " & ".join(self.render(cell) for cell in node.cells) + r" \\"

    def _tex_TableCell(self, node: TableCell) -> str:
        text = self.inlines(node.children)
        return f"\\textbf{{{text}}}" if node.header and text else text

    def _tex_ThematicBreak(self, node: ThematicBreak) -> str:
        return "\\par\\noindent\\rule{\\linewidth}{0.4pt}\\par\n\n"

    def _tex_HtmlBlock(self, node: HtmlBlock) -> str:
        return "% raw HTML left out\n"

    def _tex_CodeBlock(self, node: CodeBlock) -> str:
        if node.language.lower() == "mermaid":
            return self.state.diagram(node)
        return self.state.code.block(node.code, node.language or "text") + "\n"

    def _tex_MathBlock(self, node: MathBlock) -> str:
        math = node.math
        body = math.tex.strip()
        verdicts = verdict_lines(self.state.page.verdicts_for(math))
        broken = self.state.page.math_error(math, None)
        if broken is not None:  # LaTeX would stop on it too: its TeX as text, marked, with veritex's number
            number = f"\\noindent\\hfill({math.number})\\par\n" if math.number is not None else ""
            return (f"\\begin{{Verbatim}}[{ERROR_STYLE}]\n{verbatim_safe(body)}\n\\end{{Verbatim}}\n"
                    f"{number}{verdict_line('error', 'math', broken)}\n")
        body = _inner(body)
        label = self.state.label_of(math)
        tag = ""
        if math.tag is not None:
            tag = f"\\tag{{{math.tag}}}"
        elif math.number is not None and math.number != self.state.next_equation():
            tag = f"\\tag{{{math.number}}}"
        numbered = math.number is not None and not tag
        if numbered:
            self.state.equations += 1
        env = "equation" if numbered else "equation*"
        label_tex = f"\\label{{{label}}}" if label else ""
        return f"\\begin{{{env}}}{label_tex}{tag}\n{body}\n\\end{{{env}}}\n{verdicts}\n"

    def _tex_Target(self, node: Target) -> str:
        return f"\\hypertarget{{{label_name(node.label)}}}{{}}\n"

    def _tex_Comment(self, node: Comment) -> str:
        return "".join(f"% {line}\n" for line in node.text.splitlines())

    def _tex_BlockBreak(self, node: BlockBreak) -> str:
        return "\\medskip\n\n"

    # Inline -----------------------------------------------------------------------------------
    def _tex_Text(self, node: Text) -> str:
        return escape(node.text)

    def _tex_SoftBreak(self, node: SoftBreak) -> str:
        return "\n"

    def _tex_HardBreak(self, node: HardBreak) -> str:
        return "\\hfill\\break\n"

    def _tex_Emphasis(self, node: Emphasis) -> str:
        return f"\\emph{{{self.inlines(node.children)}}}"

    def _tex_Strong(self, node: Strong) -> str:
        return f"\\textbf{{{self.inlines(node.children)}}}"

    def _tex_Strikethrough(self, node: Strikethrough) -> str:
        return f"\\vtstrike{{{self.inlines(node.children)}}}"

    def _tex_CodeSpan(self, node: CodeSpan) -> str:
        return f"\\texttt{{{code_text(node.code)}}}"

    def _tex_Link(self, node: Link) -> str:
        text = self.inlines(node.children)
        if node.href.startswith("#"):
            return f"\\hyperlink{{{label_name(node.href[1:])}}}{{{text}}}"
        return f"\\href{{{url(node.href)}}}{{{text}}}"

    def _tex_Image(self, node: Image) -> str:
        return self.state.image(node)

    def _tex_HtmlInline(self, node: HtmlInline) -> str:
        return ""

    def _tex_Role(self, node: Role) -> str:
        return f"\\texttt{{{escape(node.content)}}}"

    def _tex_Math(self, node: Math) -> str:
        tex = node.tex.strip()
        if not tex:
            return ""
        if self.state.page.math_error(node, None) is not None:
            return f"\\textcolor{{vterror}}{{\\texttt{{{escape(tex)}}}}}"
        return f"\\[{tex}\\]" if node.display else f"\\({tex}\\)"

    def _tex_Reference(self, node: Reference) -> str:
        math = node.resolved
        if math is None:
            return f"\\textcolor{{vterror}}{{\\textbf{{({escape(node.target)}?)}}}}"
        label = self.state.label_of(math) if self.state.is_equation(math) else None
        if label is None:  # a formula LaTeX does not number: veritex's text, as a link when possible
            return escape(reference_text(math, node.role))
        return f"\\ref{{{label}}}" if node.role == "ref" else f"\\eqref{{{label}}}"

    def _tex_InlineEval(self, node: InlineEval) -> str:
        if node.error is not None:
            return f"\\textcolor{{vterror}}{{\\texttt{{{escape(node.expr)}}}~(error)}}"
        if node.value is None:
            return f"\\texttt{{{escape(node.expr)}}}"
        return escape(str(node.value.get("text/plain", "")))


_RENDERERS: dict[type, Callable[[LatexProse, Node], str]] = {
    cls: getattr(LatexProse, name) for cls, name in method_names(LatexProse, "_tex_").items()}
