"""Notebook attachments (`![](attachment:plot.png)` with the image in the cell's `attachments`): inlined
into the page as data: URLs, so the page needs no file beside it. The data must be base64 (checked); a
name the cell does not carry is an error at the cell."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from ..model import HtmlBlock, HtmlInline, Image, Item, MarkdownCell, walk

_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")
_HTML_ATTACHMENT = re.compile(r"""(\ssrc\s*=\s*["']?)attachment:([^"'\s>]+)""", re.IGNORECASE)


def _data_url(bundle: Any) -> str | None:
    if not isinstance(bundle, dict):
        return None
    for mime in _IMAGE_TYPES:
        value = bundle.get(mime)
        if value is None:
            continue
        encoded = "".join(("".join(value) if isinstance(value, list) else str(value)).split())
        try:
            base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            return None
        return f"data:{mime};base64,{encoded}"
    return None


def inline_attachments(cell: MarkdownCell, attachments: Any, items: list[Item]) -> None:
    """Replace `attachment:NAME` image addresses in `cell` by data: URLs of the cell's attachments."""
    carried = attachments if isinstance(attachments, dict) else {}

    def resolve(name: str) -> str | None:
        url = _data_url(carried.get(name))
        if url is None:
            why = "is not among the cell's attachments" if name not in carried else "is not a base64 image"
            items.append(Item("document", "error", f"the attachment `{name}` {why}; attach the image again "
                              "(drag it into the cell in Jupyter) or link a file", cell.position))
        return url

    for node in walk(cell.body):
        if isinstance(node, Image) and node.src.startswith("attachment:"):
            node.src = resolve(node.src.removeprefix("attachment:")) or "#"
        elif isinstance(node, HtmlBlock | HtmlInline) and "attachment:" in node.html:
            node.html = _HTML_ATTACHMENT.sub(
                lambda m: m.group(1) + (resolve(m.group(2)) or "#"), node.html)
