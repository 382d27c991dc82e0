"""One document as a `.tex` that xelatex compiles, with its pictures in a folder beside it.

Pictures are drawn before the text is written (all of a document's at once, so a browser starts at most
once): mermaid diagrams and SVG figures become PDF files through `..diagrams`. A diagram mermaid
rejects is an error item at the line mermaid names, and is shown as its source.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...fsutil import atomic_write_bytes, atomic_write_text
from ...model import CodeBlock, CodeCell, Document, Heading, Image, Item, Math, MathBlock, walk
from ..diagrams import CANNOT_DRAW, Drawn, Graphics, diagram_error
from ..state import PageState
from .cells import code_cell, image_suffix
from .escape import escape, label_name, url
from .highlight import LatexCode, style_definitions
from .preamble import cjk_region, has_cjk, preamble
from .prose import LatexProse, marker, source_marker

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".pdf")
_SAFE = re.compile(r"[^A-Za-z0-9_-]")


def files_dirname(stem: str) -> str:
    """The folder of a document's pictures: `<stem>_files`, in characters every TeX accepts."""
    safe = _SAFE.sub("_", stem)
    if safe != stem:
        safe += "-" + hashlib.sha256(stem.encode("utf-8")).hexdigest()[:8]
    return f"{safe}_files"


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


class LatexState:
    """What the writer knows while it writes one document."""

    def __init__(self, doc: Document, out: Path, cache_root: Path | None) -> None:
        self.doc = doc
        self.page = PageState(doc)  # verdicts by formula, as the HTML page has them
        self.code = LatexCode(cache_root, doc.path)
        self.graphics = Graphics(cache_root)
        self.files_rel = files_dirname(out.stem)
        self.files_dir = out.parent / self.files_rel
        self.written: list[Path] = []
        self.equations = 0
        self.drawn: dict[tuple[str, str], Drawn] = {}
        self._figures = 0
        labels = doc.labels()
        # Only the first formula with a label, displayed on its own and not broken, gets the \label.
        self._labelled = {id(node.math) for cell in doc.markdown_cells() for node in walk(cell.body)
                          if isinstance(node, MathBlock) and node.math.label
                          and labels.get(node.math.label) is node.math
                          and self.page.math_error(node.math, None) is None}
        h1 = [node for cell in doc.markdown_cells() for node in walk(cell.body)
              if isinstance(node, Heading) and node.level == 1]
        self.title_from_h1 = len(h1) == 1 and doc.meta.title in (None, h1[0].text)
        self.heading_shift = 1 if self.title_from_h1 else 0
        self.show_title = self.title_from_h1 or not h1

    # Equations ----------------------------------------------------------------------------------
    def is_equation(self, math: Math) -> bool:
        return id(math) in self._labelled

    def label_of(self, math: Math) -> str | None:
        return label_name(math.label) if math.label and id(math) in self._labelled else None

    def next_equation(self) -> int:
        return self.equations + 1

    # Pictures -----------------------------------------------------------------------------------
    def draw_all(self) -> None:
        """Every diagram and SVG figure of the document, drawn (or read from the cache) at once."""
        requests: list[tuple[str, str]] = []
        for cell in self.doc.cells:
            if isinstance(cell, CodeCell):
                for output in cell.outputs:
                    data = output.get("data")
                    if isinstance(data, Mapping) and "image/svg+xml" in data and "application/pdf" not in data:
                        requests.append(("svg", _text(data["image/svg+xml"])))
                continue
            for node in walk(cell.body):
                if isinstance(node, CodeBlock) and node.language.lower() == "mermaid":
                    requests.append(("mermaid", node.code))
                elif isinstance(node, Image) and node.src.lower().endswith(".svg"):
                    svg = self._local_file(node.src)
                    if svg is not None:
                        requests.append(("svg", svg.read_text(encoding="utf-8", errors="replace")))
        if requests:
            self.drawn = dict(zip(requests, self.graphics.draw(requests), strict=True))

    def _file(self, suffix: str, data: bytes) -> str:
        """Write a picture beside the .tex; its path as \\includegraphics reads it."""
        self._figures += 1
        name = f"figure-{self._figures}{suffix}"
        path = self.files_dir / name
        atomic_write_bytes(path, data)
        self.written.append(path)
        return f"{self.files_rel}/{name}"

    def _graphic(self, data: bytes, suffix: str) -> str:
        return f"\\begin{{center}}\n\\vtgraphic{{{self._file(suffix, data)}}}\n\\end{{center}}\n"

    def diagram(self, node: CodeBlock) -> str:
        drawn = self.drawn.get(("mermaid", node.code))
        if drawn is not None and drawn.pdf is not None:
            return self._graphic(drawn.pdf, ".pdf")
        if drawn is not None and not (drawn.error or "").startswith(CANNOT_DRAW):
            diagram_error(self.doc, node, drawn)
        elif drawn is not None:
            message = f"mermaid diagram shown as its source: {drawn.error}"
            if not any(i.message == message and i.position == node.position for i in self.doc.items):
                self.doc.add(Item("diagram", "warning", message, node.position))
        return self.code.block(node.code, "text") + "\n"

    def output_image(self, mime: str, data: Mapping[str, Any]) -> str:
        if mime == "image/svg+xml":
            drawn = self.drawn.get(("svg", _text(data[mime])))
            return self._graphic(drawn.pdf, ".pdf") if drawn is not None and drawn.pdf is not None else ""
        try:
            raw = base64.b64decode("".join(_text(data[mime]).split()), validate=True)
        except ValueError:
            return ""
        return self._graphic(raw, image_suffix(mime))

    def _local_file(self, src: str) -> Path | None:
        if re.match(r"[a-z][a-z0-9+.-]*:", src, re.IGNORECASE):
            return None
        path = (self.doc.path.parent / src).resolve()
        return path if path.is_file() else None

    def image(self, node: Image) -> str:
        local = self._local_file(node.src)
        if local is not None and local.suffix.lower() == ".svg":
            drawn = self.drawn.get(("svg", local.read_text(encoding="utf-8", errors="replace")))
            if drawn is not None and drawn.pdf is not None:
                return f"\\vtgraphic{{{self._file('.pdf', drawn.pdf)}}}"
        elif local is not None and local.suffix.lower() in _IMAGE_SUFFIXES:
            return f"\\vtgraphic{{{self._file(local.suffix.lower(), local.read_bytes())}}}"
        shown = escape(node.alt or node.src)
        return f"\\href{{{url(node.src)}}}{{{shown}}}" if local is None else shown


def _summary(doc: Document) -> str:
    """A line of counts under the title, and the problems with their lines."""
    from ...model import VERDICT_KINDS
    from .verdicts import message_tex

    verdicts = [i.status for i in doc.items if i.kind in VERDICT_KINDS]
    errors = [i for i in doc.items if i.status == "error"]
    warnings = [i for i in doc.items if i.status == "warning"]
    counts = (f"{verdicts.count('verified')} verified, {verdicts.count('refuted')} refuted, "
              f"{verdicts.count('unchecked')} unchecked, {len(errors)} errors, {len(warnings)} warnings")
    lines = [f"\\noindent{{\\small\\textsf{{veritex: {counts}}}}}\n"]
    listed = [i for i in doc.items if i.status in ("error", "refuted", "warning")]
    if listed:
        lines.append("\\begin{itemize}\\small\n")
        for item in listed[:30]:
            at = item.position
            where = "" if at is None else f"cell {at.cell}, line {at.line}: " if at.cell else f"line {at.line}: "
            lines.append(f"\\item \\textcolor{{vt{item.status}}}{{{item.status}}} {escape(where)}"
                         f"{message_tex(item.message)}\n")
        lines.append("\\end{itemize}\n")
    return "".join(lines) + "\n"


def render_latex(doc: Document, out: Path, cache_root: Path | None = None) -> tuple[str, LatexState]:
    """The `.tex` text of `doc` (pictures are written under the folder beside `out` as a side effect)."""
    state = LatexState(doc, out, cache_root)
    state.draw_all()
    prose = LatexProse(state)
    parts: list[str] = []
    for cell in doc.cells:
        if isinstance(cell, CodeCell):
            parts.append(marker(cell.position) + code_cell(cell, state))
        else:
            parts.append(prose.blocks(cell.body))
    state.code.save()
    body = "".join(parts)
    head = "\\maketitle\n" if state.show_title else ""
    text_of_all = doc.title + body
    cjk = cjk_region(text_of_all, _lang(doc)) if has_cjk(text_of_all) else None
    pre = preamble(title=escape(doc.title), macros=doc.meta.macros, code_style=style_definitions(), cjk=cjk)
    summary = _summary(doc)
    return f"{pre}\n\\begin{{document}}\n{head}{summary}{body}\\end{{document}}\n", state


def _lang(doc: Document) -> str | None:
    lang = doc.meta.raw.get("lang") or doc.meta.raw.get("language")
    return lang if isinstance(lang, str) else None


def prepare_latex(doc: Document, cache_root: Path | None) -> None:
    """While the code runs: highlight the code and draw the diagrams into the cache (no output changes them)."""
    from ..diagrams import mermaid_blocks

    code = LatexCode(cache_root, doc.path)
    for cell in doc.cells:
        if isinstance(cell, CodeCell):
            code.block(cell.source, cell.language, first_line=cell.position.line)
        else:
            for node in walk(cell.body):
                if isinstance(node, CodeBlock) and node.language.lower() != "mermaid":
                    code.block(node.code, node.language or "text")
    code.save()
    blocks = mermaid_blocks(doc)
    if blocks:
        Graphics(cache_root).draw([("mermaid", node.code) for node in blocks])


def write_latex(doc: Document, out: Path, cache_root: Path | None = None) -> list[Path]:
    """Write `doc` as LaTeX to `out` (atomically) and its pictures beside it; return every file written."""
    out = Path(out)
    text, state = render_latex(doc, out, cache_root)
    atomic_write_text(out, text)
    return [out, *state.written]


__all__ = ["prepare_latex", "render_latex", "source_marker", "write_latex"]
