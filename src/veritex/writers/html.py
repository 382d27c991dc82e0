"""`write_html`: one page per document, readable offline.

The page links one shared folder, `<assets_root>/_veritex/` (the stylesheet, KaTeX's CSS and fonts),
written once for all pages under it; images are inlined. Formulas come from the typeset service,
whose cache the build's render stage has filled, so writing a page starts no JavaScript engine
(except for new `text/latex` outputs).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..cache import Store, digest
from ..fsutil import atomic_write_text
from ..katex import KATEX_VERSION, Rendered
from ..model import VERDICT_KINDS, CodeBlock, CodeCell, Directive, Document, Item, Position, walk
from ..typeset import typeset_document
from ..version import __version__
from .assets_copy import ASSETS_DIRNAME, ensure_assets, ensure_mermaid
from .badges import message_html
from .cells import cell_view
from .highlight import HighlightCache, prepare_block
from .prose import ProseWriter, render_body
from .state import Heading, PageState

_TEMPLATES = Path(__file__).with_name("templates")
_SCRIPTS = {"han": r"[\u4e00-\u9fff]", "kana": r"[\u3040-\u30ff]", "hangul": r"[\uac00-\ud7af]"}
_FIRST_CJK = "\u3040"  # no script above lies below it
_LATIN = re.compile(r"[A-Za-z]")
_SEVERITY = {"error": 0, "refuted": 1, "warning": 2, "unchecked": 3}
# What a page may load: its stylesheets and fonts from the shared assets folder, images of its own (or
# inlined, or from the web), no script at all. A trusted page (`trust: true`, `--trust`) has no policy.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; style-src-attr 'unsafe-inline'; "
                           "font-src 'self' data:; img-src 'self' data: https:; base-uri 'none'; form-action 'none'")
# A page with a diagram runs mermaid's script from the shared assets (nothing inline) and lets it add the
# <style> each drawn SVG carries.
_DIAGRAM_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                   "font-src 'self' data:; img-src 'self' data: https:; base-uri 'none'; form-action 'none'")


def content_security_policy(*, mermaid: bool) -> str:
    return _DIAGRAM_POLICY if mermaid else CONTENT_SECURITY_POLICY


@dataclass(frozen=True)
class Problem:
    status: str
    kind: str
    where: str  # file:line:col as a person reads it
    full_where: str
    href: str | None
    message: str


class _TemplateCodeCache(jinja2.BytecodeCache):
    """Compiled templates in the cache's `templates` namespace, so a rebuild does not compile them again
    (Jinja2 checks the template source and the Python version). A damaged or unwritable entry only costs
    the compile."""

    NAMESPACE = "templates"

    def __init__(self, store: Store, tag: str) -> None:
        self.store = store
        self.tag = tag

    def _key(self, bucket: jinja2.bccache.Bucket) -> str:
        return self.store.key({"template": bucket.key, "source": bucket.checksum, "settings": self.tag})

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        key = self._key(bucket)
        data = self.store.load_bytes(self.NAMESPACE, key)
        if data is None:
            return
        try:
            bucket.bytecode_from_string(data)  # resets the bucket when the header or checksum differ
        except Exception:  # unpickling or unmarshalling garbage raises many kinds
            bucket.reset()
        if bucket.code is None:  # the key names Jinja2's and Python's versions: anything else is damage
            self.store.note(self.store.path(self.NAMESPACE, key, ".bin"), "not a compiled template")

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store.save_bytes(self.NAMESPACE, self._key(bucket), bucket.bytecode_to_string())


# Jinja2 keys compiled templates by their source alone: the settings that shape the code go in the key.
_SETTINGS: dict[str, Any] = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}


@functools.cache
def _environment(code_cache: Path | None = None) -> jinja2.Environment:
    """The template environment; `code_cache` is the cache folder that keeps compiled templates."""
    bytecode_cache = None
    if code_cache is not None:
        tag = digest([jinja2.__version__, sorted(_SETTINGS.items())])
        bytecode_cache = _TemplateCodeCache(Store(code_cache), tag)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES), undefined=jinja2.StrictUndefined, bytecode_cache=bytecode_cache,
        **_SETTINGS,
    )
    env.filters["message"] = message_html
    return env


def _where(position: Position | None) -> tuple[str, str]:
    if position is None:
        return "", ""
    short = Position(Path(position.file).name, position.line, position.column, position.cell)
    return str(short), str(position)


def counts(items: list[Item]) -> dict[str, int]:
    """The numbers in the summary bar: verdicts by status, then every error and warning."""
    verdicts = [i.status for i in items if i.kind in VERDICT_KINDS]
    return {
        "verified": verdicts.count("verified"),
        "refuted": verdicts.count("refuted"),
        "unchecked": verdicts.count("unchecked"),
        "errors": sum(i.status == "error" for i in items),
        "warnings": sum(i.status == "warning" for i in items),
    }


def problems(doc: Document, page: PageState) -> list[Problem]:
    """Errors, refutations, warnings and unchecked verdicts, worst first, each linked to its element."""
    listed = [i for i in doc.items if i.status in _SEVERITY and (i.status != "unchecked" or i.kind in VERDICT_KINDS)]
    listed.sort(key=lambda i: (_SEVERITY[i.status], i.position.line if i.position else 0,
                               i.position.column if i.position else 0))
    found = []
    for item in listed:
        where, full = _where(item.position)
        target = page.target_of(item)
        found.append(Problem(item.status, item.kind, where, full, f"#{target}" if target else None, item.message))
    return found


def _toc(headings: list[Heading]) -> list[Heading]:
    top = [h for h in headings if h.level == 1]
    shown = [h for h in headings if h.level <= 3 and (h.level > 1 or len(top) > 1)]
    return shown if len(shown) >= 2 else []


def _colophon(doc: Document) -> dict[str, Any]:
    env = doc.environment or {}
    packages = env.get("packages") if isinstance(env.get("packages"), dict) else {}
    return {"python": env.get("python"), "packages": packages, "veritex": __version__, "katex": KATEX_VERSION}


def typeset_formulas(doc: Document, cache_root: Path | None) -> dict[int, Rendered]:
    """id(formula) -> KaTeX's output, from the typeset service (its entries under `cache_root`)."""
    formulas = list(doc.all_math())
    rendered = typeset_document([(m.tex, m.display) for m in formulas], doc.meta.macros, cache_dir=cache_root,
                                document=doc.path)
    return {id(m): r for m, r in zip(formulas, rendered, strict=True)}


def _spanning(directive: Directive, page: PageState) -> list[dict[str, Any]]:
    """The opening of a directive that holds the next cells, with its own prose inside it."""
    writer = ProseWriter(page)
    out: list[dict[str, Any]] = [{"kind": "markup", "html": Markup(writer.directive_open(directive))}]
    if directive.children:
        out.append({"kind": "prose", "html": Markup(writer.blocks(directive.children))})
    return out


def render_page(doc: Document, assets_href: str, *, cache_dir: Path | None = None) -> str:
    """The page's HTML; `assets_href` is the URL of the shared assets folder relative to the page.
    `cache_dir` is the cache root: highlighted code, compiled templates and typeset formulas are kept
    there for the next build."""
    highlights = HighlightCache(cache_dir, doc.path) if cache_dir is not None else None
    page = PageState(doc, highlights, typeset_formulas(doc, cache_dir))
    blocks: list[dict[str, Any]] = []
    spans: list[tuple[int, str]] = []  # directives holding the next cells: (cells left, closing markup)
    for cell in doc.cells:
        opened: Directive | None = None
        if isinstance(cell, CodeCell):
            blocks.append({"kind": "code", "cell": cell_view(cell, doc, page)})
        else:
            last = cell.body[-1] if cell.body else None
            opened = last if isinstance(last, Directive) and last.span > 0 else None
            body = cell.body[:-1] if opened is not None else cell.body
            if body:
                blocks.append({"kind": "prose", "html": Markup(render_body(body, page))})
        spans = [(left - 1, closing) for left, closing in spans]
        while spans and spans[-1][0] <= 0:
            blocks.append({"kind": "markup", "html": Markup(spans.pop()[1])})
        if opened is not None:
            blocks.extend(_spanning(opened, page))
            spans.append((opened.span, ProseWriter(page).directive_close(opened)))
    blocks.extend({"kind": "markup", "html": Markup(closing)} for _, closing in reversed(spans))
    if highlights is not None:
        highlights.save()
    template = _environment(cache_dir).get_template("page.html.j2")
    diagrams = has_mermaid(doc)
    return template.render(
        title=doc.title,
        has_h1=any(h.level == 1 for h in page.headings),
        source=Path(doc.display_path).name,
        counts=counts(doc.items),
        problems=problems(doc, page),
        toc=_toc(page.headings),
        blocks=blocks,
        assets=assets_href,
        colophon=_colophon(doc),
        lang=_language(doc),
        csp="" if doc.meta.trust else content_security_policy(mermaid=diagrams),
        mermaid=diagrams,
    )


def has_mermaid(doc: Document) -> bool:
    """Whether the page draws a diagram (and so loads mermaid's script)."""
    return any(isinstance(node, CodeBlock) and node.language.lower() == "mermaid"
               for cell in doc.markdown_cells() for node in walk(cell.body))


@functools.cache
def _script_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(_SCRIPTS[name]) for name in ("han", "kana", "hangul"))


def _language(doc: Document) -> str:
    """The front matter's `lang`, else a guess from the prose (it picks the right CJK glyph forms)."""
    lang = doc.meta.raw.get("lang") or doc.meta.raw.get("language")
    if isinstance(lang, str) and lang:
        return lang
    prose = "".join(c.source for c in doc.markdown_cells())
    if not prose or max(prose) < _FIRST_CJK:
        han = kana = hangul = 0  # the usual case, decided without compiling the scripts' patterns (10 ms)
    else:
        han, kana, hangul = (len(p.findall(prose)) for p in _script_patterns())
    # One CJK character carries about as much as a short Latin word.
    if 3 * (han + kana + hangul) <= len(_LATIN.findall(prose)):  # no letters at all: English
        return "en"
    return "ja" if kana else "ko" if hangul > han else "zh"


def prepare_page(doc: Document, *, assets_root: Path, cache_dir: Path) -> None:
    """Do what the page of `doc` will need that its code's outputs do not change: the shared assets,
    the compiled template, every code block highlighted into the cache. A build calls it while the
    kernel runs, so that writing the page after the last cell is quick."""
    ensure_assets(assets_root)
    _environment(cache_dir).get_template("page.html.j2")
    highlights = HighlightCache(cache_dir, doc.path)
    for cell in doc.cells:
        if isinstance(cell, CodeCell):
            prepare_block(cell.source, cell.language, highlights)
            continue
        for node in walk(cell.body):
            if isinstance(node, CodeBlock):
                prepare_block(node.code, node.language or "text", highlights)
    highlights.save()


def write_html(doc: Document, out_path: Path, *, assets_root: Path | None = None,
               cache_dir: Path | None = None) -> Path:
    """Write the page for `doc` to `out_path` (atomically) and the shared assets under `assets_root`
    (default: the page's folder; a build passes its output folder so that nested pages share one copy).
    `cache_dir` (optional) is the cache root where the writer keeps what it can reuse in the next build
    (a build passes the one its render stage filled, so formulas are typeset once)."""
    out_path = Path(out_path)
    root = Path(assets_root) if assets_root is not None else out_path.parent
    assets = ensure_assets(root)
    if has_mermaid(doc):
        ensure_mermaid(root)
    href = Path(os.path.relpath(assets, out_path.parent)).as_posix()
    atomic_write_text(out_path, render_page(doc, href, cache_dir=cache_dir))
    return out_path


__all__ = ["ASSETS_DIRNAME", "CONTENT_SECURITY_POLICY", "prepare_page", "render_page", "write_html"]
