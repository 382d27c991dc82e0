"""nbformat v4 outputs to HTML: streams, rich display data (the richest MIME type wins), errors and
veritex verdicts. Images are inlined as data: URIs so a page needs no files beside it."""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..model import VERDICT_MIME
from .ansi import ansi_to_html
from .badges import verdict_output

_IMAGES = ("image/png", "image/jpeg", "image/gif")
_PRIORITY = (VERDICT_MIME, "text/html", "image/svg+xml", *_IMAGES, "text/latex", "text/markdown",
             "application/json", "text/plain")
_LATEX_DELIMITERS = re.compile(r"^\s*(\$\$|\$|\\\[|\\\()(.*?)(\$\$|\$|\\\]|\\\))\s*$", re.DOTALL)
_XML_PROLOGUE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)


def _text(value: Any) -> str:
    """nbformat allows multi-line strings to be stored as lists of lines."""
    return "".join(value) if isinstance(value, list) else str(value)


def merge_streams(outputs: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Adjacent chunks of one stream as one output, with carriage-return overwrites applied
    (a progress bar printed with `\\r` shows its last state, as in a terminal)."""
    merged: list[Mapping[str, Any]] = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream" and previous.get("name") == output.get("name")):
            merged[-1] = {**previous, "text": _text(previous.get("text", "")) + _text(output.get("text", ""))}
        else:
            merged.append(output)
    return [
        {**o, "text": _overwrite_carriage_returns(_text(o.get("text", "")))} if o.get("output_type") == "stream" else o
        for o in merged
    ]


def _overwrite_carriage_returns(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        line = line.rstrip("\r")  # a Windows line end, not an overwrite
        lines.append(line.rsplit("\r", 1)[-1])
    return "\n".join(lines)


def render_output(output: Mapping[str, Any], *, error_class: str = "", trusted: bool = False) -> str:
    """One output as HTML; HTML and Markdown outputs are sanitized unless the page is `trusted`."""
    kind = output.get("output_type")
    if kind == "stream":
        name = "stderr" if output.get("name") == "stderr" else "stdout"
        return f'<pre class="vt-stream vt-{name}">{ansi_to_html(_text(output.get("text", "")))}</pre>'
    if kind == "error":
        return render_error(output, error_class)
    if kind in ("display_data", "execute_result"):
        return render_bundle(output.get("data") or {}, output.get("metadata") or {}, trusted=trusted)
    return ""


def render_error(output: Mapping[str, Any], extra_class: str = "") -> str:
    ename = html.escape(str(output.get("ename", "Error")))
    evalue = html.escape(str(output.get("evalue", "")))
    traceback = "\n".join(_text(line) for line in output.get("traceback") or [])
    trace = (f'<details class="vt-traceback" open><summary>traceback</summary>'
             f"<pre>{ansi_to_html(traceback)}</pre></details>") if traceback.strip() else ""
    classes = f"vt-error-output {extra_class}".strip()
    return f'<div class="{classes}"><div class="vt-error-head"><strong>{ename}</strong>: {evalue}</div>{trace}</div>'


def _sanitized(markup: str, trusted: bool) -> str:
    if trusted:
        return markup
    from .sanitize import clean_html

    return clean_html(markup)


def _base64(value: Any) -> str | None:
    """Image data as strict base64 (whitespace between lines allowed), or None when it is not."""
    encoded = "".join(_text(value).split())
    try:
        base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return encoded


def _width(size: Any) -> str:
    """The `width` an image output's metadata asks for: pixels (`320`) or a percentage (`50%`)."""
    width = size.get("width") if isinstance(size, Mapping) else None
    if isinstance(width, bool) or width is None:
        return ""
    if isinstance(width, int | float) and width > 0:
        return f' width="{int(width)}"'
    text = str(width).strip()
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?(px)?", text):
        return f' width="{int(float(text.removesuffix("px")))}"'
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?%", text):
        return f' style="width:{html.escape(text)}"'
    return ""  # not a size: the image keeps its own


def render_bundle(data: Mapping[str, Any], metadata: Mapping[str, Any], *, trusted: bool = False) -> str:
    mime = next((m for m in _PRIORITY if m in data), None)
    if mime is None:
        return ""
    value = data[mime]
    if mime == VERDICT_MIME:
        return verdict_output(value if isinstance(value, Mapping) else {})
    if mime == "text/html":
        return f'<div class="vt-rich">{_sanitized(_text(value), trusted)}</div>'
    alt = html.escape(_text(data.get("text/plain", "")), quote=True)
    if mime == "image/svg+xml":
        svg = _XML_PROLOGUE.sub("", _text(value))
        encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        return f'<div class="vt-image"><img src="data:image/svg+xml;base64,{encoded}" alt="{alt}"></div>'
    if mime in _IMAGES:
        width = _width(metadata.get(mime))
        checked = _base64(value)
        if checked is None:
            return (f'<pre class="vt-result vt-bad-output">an {html.escape(mime)} output whose data is not '
                    "base64: not shown</pre>")
        return (f'<div class="vt-image"><img src="data:{mime};base64,{html.escape(checked)}" alt="{alt}"'
                f"{width}></div>")
    if mime == "text/latex":
        rendered = _latex(_text(value))
        if rendered is not None:
            return f'<div class="vt-latex">{rendered}</div>'
        return _plain(data)
    if mime == "text/markdown":
        from markdown_it import MarkdownIt

        rendered = MarkdownIt("commonmark").render(_text(value))
        return f'<div class="vt-rich">{_sanitized(rendered, trusted)}</div>'
    if mime == "application/json":
        return f'<pre class="vt-result">{html.escape(json.dumps(value, indent=2, ensure_ascii=False))}</pre>'
    return _plain(data)


def _plain(data: Mapping[str, Any]) -> str:
    text = _text(data.get("text/plain", ""))
    return f'<pre class="vt-result">{ansi_to_html(text)}</pre>' if text else ""


def _latex(source: str) -> str | None:
    """`text/latex` (SymPy's `$\\displaystyle ...$`, IPython's `Latex`) through KaTeX; None if it fails."""
    from ..typeset import typeset_formula

    match = _LATEX_DELIMITERS.match(source)
    tex = match.group(2) if match else source
    return typeset_formula(tex, display=True).html
