"""`write_gfm`: a document as GitHub-flavoured Markdown, with its figures as image files beside it.

Math takes the forms GitHub renders reliably (its documented syntax, typeset by MathJax after the
Markdown is parsed): a display formula is a ```` ```math ```` block, whose content Markdown never
touches; an inline formula is `$...$` unless its TeX holds a character that Markdown acts on inside
`$...$` (`_ * [ ] < > & ~ | #`, a backtick, or a backslash before punctuation such as `\\{` or `\\\\`),
then it is GitHub's code-span form ``$`...`$``, whose content reaches MathJax untouched. Labelled
equations carry `\\tag{n}` and an anchor, references are links to it, verdicts are badges under
their formula and a table at the end.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..fsutil import atomic_write_bytes, atomic_write_text
from ..model import VERDICT_MIME, CodeCell, Document, Heading, Math, walk
from ..portable.tex import FormulaRewriter
from ..terminal import strip_ansi
from .markdown_print import GITHUB_DOLLAR, MarkdownPrinter, badge, escape_text, fenced, verdict_table
from .outputs import merge_streams

_ACTIVE = re.compile(r"[_*\[\]<>&~|#`$]|\\[^A-Za-z]")
_FIGURE = re.compile(r"^figure-\d+\.(png|jpeg|gif|svg)$")
_IMAGE_SUFFIX = {"image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif", "image/svg+xml": "svg"}


def needs_code_form(tex: str) -> bool:
    """Whether an inline formula must be written ``$`...`$`` on GitHub to reach MathJax intact."""
    return bool(_ACTIVE.search(tex)) or tex != tex.strip()


class GithubPrinter(MarkdownPrinter):
    dollar = GITHUB_DOLLAR
    def __init__(self, doc: Document, rewriter: FormulaRewriter | None = None) -> None:
        super().__init__(doc)
        self.rewriter = rewriter or FormulaRewriter(doc, "gfm")

    def inline_math(self, math: Math) -> str:
        tex = self.rewriter.of(math).tex.strip()
        if "`" not in tex and needs_code_form(tex):
            return f"$`{tex}`$"
        return f"${tex}$"

    def display_math(self, math: Math) -> str:
        return fenced(self.rewriter.of(math).tex.strip("\n"), "math")

    def anchor(self, math: Math) -> str:
        return f'<a name="{math.anchor}"></a>'


class _Figures:
    """Images from cell outputs, written as `figure-N.<ext>` into the document's assets folder."""

    def __init__(self, folder: Path, page_dir: Path) -> None:
        self.folder = folder
        self.href = Path(os.path.relpath(folder, page_dir)).as_posix()
        self.files: dict[str, bytes] = {}

    def add(self, mime: str, value: Any) -> str:
        text = "".join(value) if isinstance(value, list) else str(value)
        data = text.encode("utf-8") if mime == "image/svg+xml" else base64.b64decode("".join(text.split()))
        name = f"figure-{len(self.files) + 1}.{_IMAGE_SUFFIX[mime]}"
        self.files[name] = data
        return f"{self.href}/{name}"

    def write(self) -> list[Path]:
        written = []
        if self.folder.is_dir():  # figures of an earlier build that this one no longer has
            for old in self.folder.iterdir():
                if _FIGURE.match(old.name) and old.name not in self.files:
                    old.unlink(missing_ok=True)
        for name, data in self.files.items():
            path = self.folder / name
            atomic_write_bytes(path, data)
            written.append(path)
        return written


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def output_markdown(output: Mapping[str, Any], figures: _Figures) -> str:
    """One nbformat output as Markdown: text as a fenced block, images as files, verdicts as badges."""
    kind = output.get("output_type")
    if kind == "stream":
        return fenced(strip_ansi(_text(output.get("text", ""))), "text")
    if kind == "error":
        trace = strip_ansi("\n".join(_text(line) for line in output.get("traceback") or []))
        head = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
        return fenced(trace if trace.strip() else head, "text")
    data = output.get("data") or {}
    if VERDICT_MIME in data and isinstance(data[VERDICT_MIME], Mapping):
        return "> " + verdict_badge(data[VERDICT_MIME])
    for mime in _IMAGE_SUFFIX:
        if mime in data:
            alt = escape_text(_text(data.get("text/plain", "")).replace("\n", " ")[:80])
            return f"![{alt}]({figures.add(mime, data[mime])})"
    if "text/markdown" in data:
        return _text(data["text/markdown"]).strip("\n")
    if "text/latex" in data:
        tex = _text(data["text/latex"]).strip().strip("$").strip()
        return fenced(tex, "math")
    if "text/plain" in data:
        return fenced(strip_ansi(_text(data["text/plain"])), "text")
    if "text/html" in data:
        return _text(data["text/html"]).strip("\n")
    return ""


def verdict_badge(payload: Mapping[str, Any], dollar: str = GITHUB_DOLLAR) -> str:
    """A verdict the kernel published, as the HTML page words it: `✓ verified` kind `label`: message."""
    from ..model import Item

    status = str(payload.get("status") or "error")
    kind = str(payload.get("kind") or "expect")
    label = payload.get("label")
    item = Item(kind, status, str(payload.get("message") or ""), label=str(label) if label else None)  # type: ignore[arg-type]
    return badge(item, dollar)


def cell_markdown(cell: CodeCell, figures: _Figures) -> str:
    parts = []
    if "remove-input" not in cell.tags and "remove-cell" not in cell.tags:
        parts.append(fenced(cell.source, cell.language))
    if "remove-output" not in cell.tags and "remove-cell" not in cell.tags:
        parts.extend(p for p in (output_markdown(o, figures) for o in merge_streams(cell.outputs)) if p)
    return "\n\n".join(parts)


def render_gfm(doc: Document, figures: _Figures) -> str:
    printer = GithubPrinter(doc)
    parts: list[str] = []
    has_title = any(isinstance(n, Heading) and n.level == 1 for c in doc.markdown_cells() for n in walk(c.body))
    if doc.meta.title and not has_title:
        parts.append(f"# {escape_text(doc.meta.title, GITHUB_DOLLAR)}")
    for cell in doc.cells:
        text = cell_markdown(cell, figures) if isinstance(cell, CodeCell) else printer.blocks(cell.body)
        if text:
            parts.append(text)
    table = verdict_table(doc.items, GITHUB_DOLLAR)
    if table:
        parts.append(f"---\n\n**veritex** ({Path(doc.display_path).name}):\n\n{table}")
    return "\n\n".join(parts) + "\n"


def assets_folder(output: Path) -> Path:
    """Where the figures of the Markdown file `output` go: `<name>_files/` beside it."""
    return output.with_name(output.stem + "_files")


def write_gfm(doc: Document, output: Path) -> list[Path]:
    figures = _Figures(assets_folder(output), output.parent)
    text = render_gfm(doc, figures)
    atomic_write_text(output, text)
    return [output, *figures.write()]
