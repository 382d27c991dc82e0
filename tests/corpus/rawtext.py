"""Markup a reader sees as text on a built page: directive fences and option lines, roles, TeX delimiters.

Only the page's visible text counts, outside rendered math: the `<main>` element when the page has one
(the header, the contents and the problem list are veritex's own), without scripts and styles, without
KaTeX's `.katex` markup (its MathML copy holds the TeX source as an annotation), without the verdicts and
notes veritex attaches to formulas (their messages quote TeX on purpose) and without the source of code
cells (code is shown as code on purpose). Inline `<code>` is put back between backticks so that a role
whose target became a code span, `{ref}<code>x</code>` or `:label:<code>x</code>`, reads as the
`` {ref}`x` `` the author wrote; a role veritex printed as its own content (`<code class="vt-role">`)
counts as a role shown as source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Subtrees whose text is not the document shown to a reader, by class.
HIDDEN_CLASSES = frozenset({
    "katex", "katex-display",  # rendered math
    "vt-formula-verdicts", "vt-verdict", "vt-math-message", "vt-math-note",  # veritex's verdicts and notes
    "vt-source",  # the source of a code cell
})
HIDDEN_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript", "svg", "math"})
ROLE_CLASS = "vt-role"  # veritex prints a role it does not resolve as `<code class="vt-role" data-role=NAME>`
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                       "source", "track", "wbr"})
BLOCK_TAGS = frozenset({"address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
                        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
                        "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th",
                        "tr", "ul"})

DIRECTIVE_FENCE = re.compile(r"^\s*(?:`{3,}|~{3,}|:{3,})\s*\{[^}\s]+\}")
OPTION_LINE = re.compile(r"^\s*:[A-Za-z][\w.-]*:(?:\s|$)")
ROLE = re.compile(r"\{[A-Za-z][\w:.+-]*\}`[^`\n]*`")  # MyST: {ref}`label`
DIALECT_ROLE = re.compile(r"(?<![\w:`]):[A-Za-z][\w.+-]*(?::[\w.+-]+)*:`[^`\n]*`")  # Sphinx / d2l: :eqref:`x`
TEX_DELIMITER = re.compile(r"\$\$|\\begin\{|\\end\{")
_MATHML = re.compile(r"<math\b.*?</math>", re.S)  # never shown, never nested: dropped before parsing
SAMPLES = 5  # kept per kind, for a message that shows what was found


COUNTS = ("directives", "roles", "dialect", "tex", "boxes")


@dataclass
class RawCounts:
    """Markup found in visible text, with a few samples of each kind.

    directives: directive fences (```` ```{name} ````, `:::{name}`) and option lines (`:label: x`);
    roles:      MyST roles (`` {ref}`x` ``); dialect: Sphinx-style roles (`` :eqref:`x` ``, the textbook's);
    tex:        `$$`, `\\begin{`, `\\end{`;
    boxes:      code boxes outside code cells (`<pre>`): a directive whose body is shown as a code block
                has its fence hidden by the box, so the boxes are counted too.
    """

    directives: int = 0
    roles: int = 0
    dialect: int = 0
    tex: int = 0
    boxes: int = 0
    samples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, other: RawCounts) -> RawCounts:
        samples = {k: (self.samples.get(k, []) + other.samples.get(k, []))[:SAMPLES]
                   for k in set(self.samples) | set(other.samples)}
        sums = {name: getattr(self, name) + getattr(other, name) for name in COUNTS}
        return RawCounts(**sums, samples=samples)

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTS}


class _VisibleText(HTMLParser):
    """Collects the text a reader sees, block elements on lines of their own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.main_parts: list[str] = []
        self.stack: list[tuple[str, bool, str]] = []  # (tag, hidden, text appended at its end)
        self.pre_depth = 0
        self.boxes = 0
        self.main_boxes = 0
        self.in_main = False
        self.saw_main = False

    @property
    def hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def _emit(self, text: str) -> None:
        if self.hidden:
            return
        self.parts.append(text)
        if self.in_main:
            self.main_parts.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        hidden = self.hidden or tag in HIDDEN_TAGS or bool(classes & HIDDEN_CLASSES) or "hidden" in values
        if tag in BLOCK_TAGS:
            self._emit("\n")
        if tag in VOID_TAGS:
            return
        closing = "\n" if tag in BLOCK_TAGS else ""
        if tag == "main" and not self.saw_main:
            self.in_main = self.saw_main = True
            self.main_parts.clear()
        if tag == "pre":
            if not self.pre_depth and not hidden:
                self.boxes += 1
                self.main_boxes += self.in_main
            self.pre_depth += 1
        elif tag == "code" and not self.pre_depth and not hidden:
            if ROLE_CLASS in classes:
                self._emit("{" + (values.get("data-role") or "role") + "}")
            self._emit("`")
            closing = "`"
        self.stack.append((tag, hidden, closing))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self._emit("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS or not any(open_tag == tag for open_tag, _, _ in self.stack):
            return
        while self.stack:  # elements left open (`<p>`, `<li>`) close with their parent
            open_tag, _, closing = self.stack[-1]
            self._emit(closing)
            self.stack.pop()
            if open_tag == "pre":
                self.pre_depth -= 1
            if open_tag == "main":
                self.in_main = False
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self._emit(data)

    def text(self) -> str:
        return "".join(self.main_parts if self.saw_main else self.parts)

    def code_boxes(self) -> int:
        return self.main_boxes if self.saw_main else self.boxes


def _parse(page_html: str) -> _VisibleText:
    parser = _VisibleText()
    parser.feed(_MATHML.sub("", page_html))
    parser.close()
    return parser


def visible_text(page_html: str) -> str:
    """The page's text as a reader sees it (see the module's docstring for what is left out)."""
    return _parse(page_html).text()


def _sample(kind: str, text: str, samples: dict[str, list[str]]) -> None:
    found = samples.setdefault(kind, [])
    if len(found) < SAMPLES:
        found.append(text.strip()[:80])


def count_text(text: str) -> RawCounts:
    """Counts in plain text: a directive fence or option line per line, every role, every TeX delimiter
    (code boxes are counted on the page only)."""
    counts = RawCounts()
    for line in text.splitlines():
        if DIRECTIVE_FENCE.match(line) or OPTION_LINE.match(line):
            counts.directives += 1
            _sample("directives", line, counts.samples)
        for match in ROLE.finditer(line):
            counts.roles += 1
            _sample("roles", match.group(), counts.samples)
        for match in DIALECT_ROLE.finditer(line):
            counts.dialect += 1
            _sample("dialect", match.group(), counts.samples)
        for match in TEX_DELIMITER.finditer(line):
            counts.tex += 1
            _sample("tex", line[max(0, match.start() - 20):match.end() + 40], counts.samples)
    return counts


def count_raw(page_html: str) -> RawCounts:
    """Counts of markup shown as text on one built page."""
    parser = _parse(page_html)
    counts = count_text(parser.text())
    counts.boxes = parser.code_boxes()
    return counts


def total(counts: Iterable[RawCounts]) -> RawCounts:
    result = RawCounts()
    for c in counts:
        result = result.add(c)
    return result
