"""Pictures a browser draws for targets that have none: mermaid diagrams and SVG figures as PDF files
that xelatex includes. Each is drawn once, through headless Chromium, and kept in the cache's `graphics`
namespace (a syntax error too, so a broken diagram does not start a browser at every build).

Mermaid's own JavaScript (vendored under `assets/mermaid/`) parses and draws the diagram, so its error
messages and line numbers are the ones a user sees in any other mermaid renderer.
"""

from __future__ import annotations

import base64
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cache import Store
from ..model import CodeBlock, Document, Item, Position, walk
from .chromium import ChromiumMissing, offline, with_browser

NAMESPACE = "graphics"
CANNOT_DRAW = "cannot draw it: "
MERMAID_JS = Path(__file__).with_name("assets") / "mermaid" / "mermaid.min.js"
_LINE = re.compile(r"\bon line (\d+)")
_RENDER = """async ([source, n]) => {
  try { await mermaid.parse(source); } catch (error) { return {error: String((error && error.message) || error)}; }
  try {
    const {svg} = await mermaid.render('vt-diagram-' + n, source);
    return {svg};
  } catch (error) { return {error: String((error && error.message) || error)}; }
}"""
# Size the picture by its own viewBox, so that the PDF page is exactly the drawing.
_FIT = """() => {
  const svg = document.querySelector('svg');
  const box = svg.viewBox && svg.viewBox.baseVal;
  let width = box && box.width, height = box && box.height;
  if (!width || !height) { const r = svg.getBoundingClientRect(); width = r.width; height = r.height; }
  svg.style.maxWidth = 'none';
  svg.setAttribute('width', width); svg.setAttribute('height', height);
  return [width, height];
}"""


@functools.cache
def mermaid_version() -> str:
    text = (MERMAID_JS.parent / "VERSION").read_text(encoding="utf-8")
    return text.split()[1] if len(text.split()) > 1 else text.strip()


@dataclass(frozen=True)
class Drawn:
    """A PDF drawing, or why there is none (`line`: the diagram's line mermaid's parser named)."""

    pdf: bytes | None = None
    error: str | None = None
    line: int | None = None


def _entry(value: Any) -> Drawn | None:
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("pdf"), str):
        try:
            return Drawn(pdf=base64.b64decode(value["pdf"], validate=True))
        except ValueError:
            return None
    if isinstance(value.get("error"), str):
        line = value.get("line")
        return Drawn(error=value["error"], line=line if isinstance(line, int) else None)
    return None


def _record(drawn: Drawn) -> dict[str, Any]:
    if drawn.pdf is not None:
        return {"pdf": base64.b64encode(drawn.pdf).decode("ascii")}
    return {"error": drawn.error, "line": drawn.line}


class Graphics:
    """Drawings of one build: cached ones read, missing ones drawn in one browser session."""

    def __init__(self, cache_root: Path | None) -> None:
        self.store = Store(cache_root) if cache_root is not None else None

    def _key(self, kind: str, source: str) -> str:
        assert self.store is not None
        return self.store.key({"kind": kind, "mermaid": mermaid_version() if kind == "mermaid" else None,
                               "source": source})

    def _cached(self, kind: str, source: str) -> Drawn | None:
        if self.store is None:
            return None
        key = self._key(kind, source)
        value = self.store.load(NAMESPACE, key)
        if value is None:
            return None
        drawn = _entry(value)
        if drawn is None:
            self.store.note(self.store.path(NAMESPACE, key), "not a drawing")
        return drawn

    def draw(self, requests: list[tuple[str, str]]) -> list[Drawn]:
        """Each request is ("mermaid", a diagram's source) or ("svg", an SVG document): a PDF for each, or
        its error. Missing drawings are made in one browser session; without a browser each is an error
        that says so."""
        found: dict[tuple[str, str], Drawn] = {}
        for kind, source in dict.fromkeys(requests):
            cached = self._cached(kind, source)
            if cached is not None:
                found[kind, source] = cached
        missing = [r for r in dict.fromkeys(requests) if r not in found]
        if missing:
            try:
                drawn = _draw_all(missing)
            except ChromiumMissing as exc:
                drawn = {r: Drawn(error=f"{CANNOT_DRAW}{exc}") for r in missing}
            else:
                if self.store is not None:
                    for (kind, source), result in drawn.items():
                        self.store.save(NAMESPACE, self._key(kind, source), _record(result))
            found.update(drawn)
        return [found[r] for r in requests]


def _draw_all(requests: list[tuple[str, str]]) -> dict[tuple[str, str], Drawn]:
    return with_browser(lambda launched: _draw_in(launched, requests))


def _draw_in(launched: Any, requests: list[tuple[str, str]]) -> dict[tuple[str, str], Drawn]:
    results: dict[tuple[str, str], Drawn] = {}
    page = launched.new_page()
    offline(page)
    page.set_content("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body></body></html>")
    if any(kind == "mermaid" for kind, _ in requests):
        page.add_script_tag(path=str(MERMAID_JS))
        page.evaluate("mermaid.initialize({startOnLoad: false, securityLevel: 'strict', theme: 'neutral'})")
    for n, (kind, source) in enumerate(requests):
        svg = source
        if kind == "mermaid":
            answer = page.evaluate(_RENDER, [source, n])
            if "error" in answer:
                message = str(answer["error"])
                match = _LINE.search(message)
                results[kind, source] = Drawn(error=message, line=int(match.group(1)) if match else None)
                continue
            svg = str(answer["svg"])
        results[kind, source] = Drawn(pdf=_svg_pdf(launched, svg))
    page.close()
    return results


def _svg_pdf(launched: Any, svg: str) -> bytes:
    page = launched.new_page()
    try:
        offline(page)
        svg = re.sub(r"^\s*<\?xml[^>]*\?>", "", svg)
        page.set_content("<!DOCTYPE html><html><head><meta charset='utf-8'><style>html,body{margin:0;padding:0}"
                         f"svg{{display:block}}</style></head><body>{svg}</body></html>")
        width, height = page.evaluate(_FIT)
        return bytes(page.pdf(width=f"{float(width) + 1:.2f}px", height=f"{float(height) + 1:.2f}px",
                              print_background=True, page_ranges="1",
                              margin={"top": "0", "right": "0", "bottom": "0", "left": "0"}))
    finally:
        page.close()


def diagram_error(doc: Document, node: CodeBlock, drawn: Drawn) -> Item:
    """The error item for a diagram mermaid could not draw, at the line it names (once per document)."""
    where = node.position or Position(str(doc.path), 1, 1)
    if drawn.line is not None:
        where = where.shifted(lines=drawn.line, column=1)  # the fence is the block's first line
    message = (drawn.error or "").split("\n", 1)[0]
    detail = (drawn.error or "").split("\n", 1)[1] if "\n" in (drawn.error or "") else ""
    text = f"mermaid diagram: {message}" + (f"\n{detail}" if detail else "")
    for item in doc.items:
        if item.kind == "diagram" and item.position == where and item.message == text:
            return item
    return doc.add(Item("diagram", "error", text, where))


def mermaid_blocks(doc: Document) -> list[CodeBlock]:
    return [node for cell in doc.markdown_cells() for node in walk(cell.body)
            if isinstance(node, CodeBlock) and node.language.lower() == "mermaid"]


def check_diagrams(doc: Document, cache_root: Path | None) -> None:
    """Report each diagram mermaid rejects, at its line (for a page, which draws diagrams itself: without
    a browser here nothing is reported, and the page shows mermaid's own message)."""
    blocks = mermaid_blocks(doc)
    if not blocks:
        return
    drawn = Graphics(cache_root).draw([("mermaid", node.code) for node in blocks])
    for node, result in zip(blocks, drawn, strict=True):
        if result.pdf is None and not (result.error or "").startswith(CANNOT_DRAW):
            diagram_error(doc, node, result)
