"""HTML that came from a document or a cell output, made safe to publish: nh3 (the Rust `ammonia`
sanitizer) keeps the markup people write (tables, images, details/summary, classes) and drops scripts,
event handlers, `javascript:` URLs, iframes, forms and style sheets.

A page whose author says `trust: true` (or a build with `--trust`) keeps its HTML as written. nh3 is
imported only when there is HTML to clean.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Callable

# Images inlined as data: URLs; SVG is safe in <img> (no script runs in an image document).
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml)[;,]", re.IGNORECASE)
_EXTRA_TAGS = {"section", "figure", "figcaption", "caption", "tfoot", "picture", "source", "math", "svg"}
_DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "frame",
                         "frameset", "textarea", "select", "title"}
_GENERIC_ATTRIBUTES = {"class", "id", "title", "lang", "dir", "align", "role", "aria-label", "aria-hidden"}
_SAFE_SCHEMES = ("http:", "https:", "mailto:", "#", "/", "./", "../")


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    """data: URLs only for images; relative URLs and the ordinary schemes pass (nh3 checked the scheme)."""
    if attribute in ("src", "href", "srcset") and value.strip().lower().startswith("data:"):
        return value if element in ("img", "source") and _DATA_IMAGE.match(value.strip()) else None
    return value


@functools.cache
def _cleaner() -> Callable[[str], str]:
    import nh3

    attributes: dict[str, set[str]] = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
    attributes["*"] = set(_GENERIC_ATTRIBUTES)
    attributes["a"] = attributes.get("a", set()) | {"name", "target"}
    attributes["img"] = attributes.get("img", set()) | {"loading"}
    attributes["details"] = {"open"}
    attributes["source"] = {"src", "srcset", "type", "media"}
    # A table's column alignment, a figure's alignment and an image's width (veritex writes these for
    # Markdown tables and MyST figures); no other style property survives.
    for element in ("td", "th", "figure", "img"):
        attributes[element] = attributes.get(element, set()) | {"style"}
    attributes["code"] = attributes.get("code", set()) | {"data-role"}  # a MyST role veritex does not know
    cleaner = nh3.Cleaner(
        tags=(set(nh3.ALLOWED_TAGS) | _EXTRA_TAGS) - _DROPPED_WITH_CONTENT,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes=attributes,
        attribute_filter=_attribute_filter,
        url_schemes=set(nh3.ALLOWED_URL_SCHEMES) | {"data"},
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align", "width"},
    )
    return cleaner.clean  # type: ignore[no-any-return]


def clean_html(html: str) -> str:
    """`html` with every script, event handler, `javascript:` URL and frame removed."""
    if not html:
        return html
    return _cleaner()(html)


def safe_url(url: str) -> str:
    """A link or image address from the document: scripting schemes (`javascript:`, `vbscript:`,
    `data:` other than images) become `#`."""
    bare = re.sub(r"[\x00-\x20]", "", url).lower()
    if ":" not in bare.split("/", 1)[0] or bare.startswith(_SAFE_SCHEMES):
        return url
    if _DATA_IMAGE.match(bare):
        return url
    scheme = bare.split(":", 1)[0]
    return "#" if scheme in ("javascript", "vbscript", "data", "file") else url


class Keeper:
    """veritex's own markup (typeset math, highlighted code) set aside while the HTML around it is
    cleaned: each piece becomes a placeholder nobody can write in a document (a random token between
    double quotes, which the sanitizer writes as they are only in text, never inside an attribute),
    and comes back after the cleaning."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(8)
        self.pieces: list[str] = []

    def keep(self, markup: str) -> str:
        self.pieces.append(markup)
        return f'"vt-keep-{self.token}-{len(self.pieces) - 1}"'

    def restore(self, cleaned: str) -> str:
        pattern = re.compile(rf'"vt-keep-{self.token}-(\d+)"')
        return pattern.sub(lambda m: self.pieces[int(m.group(1))], cleaned)


def clean_kept(render: Callable[[Keeper], str]) -> str:
    """Render with a Keeper, clean the result, put the kept pieces back."""
    keeper = Keeper()
    return keeper.restore(clean_html(render(keeper)))


__all__ = ["Keeper", "clean_html", "clean_kept", "safe_url"]
