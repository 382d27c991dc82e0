"""Terminal colours (ANSI SGR escapes, as in IPython tracebacks) to escaped HTML spans."""

from __future__ import annotations

import html
import re

_ESCAPE = re.compile(r"\x1b\[([0-9;]*)([A-Za-z])")
_NAMES = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")


def ansi_to_html(text: str) -> str:
    """Escaped text with colours and bold as `<span class="ansi-...">`; other escapes are dropped."""
    out: list[str] = []
    classes: dict[str, str] = {}
    position = 0
    for match in _ESCAPE.finditer(text):
        out.append(_span(text[position : match.start()], classes))
        position = match.end()
        if match.group(2) == "m":
            _apply(match.group(1), classes)
    out.append(_span(text[position:], classes))
    return "".join(out)


def _span(chunk: str, classes: dict[str, str]) -> str:
    if not chunk:
        return ""
    escaped = html.escape(chunk, quote=False)
    if not classes:
        return escaped
    names = " ".join(classes[k] for k in sorted(classes))
    return f'<span class="{names}">{escaped}</span>'


def _apply(params: str, classes: dict[str, str]) -> None:
    codes = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else [0]
    index = 0
    while index < len(codes):
        code = codes[index]
        if code == 0:
            classes.clear()
        elif code == 1:
            classes["bold"] = "ansi-bold"
        elif code == 22:
            classes.pop("bold", None)
        elif 30 <= code <= 37:
            classes["fg"] = f"ansi-{_NAMES[code - 30]}"
        elif 90 <= code <= 97:
            classes["fg"] = f"ansi-bright-{_NAMES[code - 90]}"
        elif code == 39:
            classes.pop("fg", None)
        elif 40 <= code <= 47:
            classes["bg"] = f"ansi-bg-{_NAMES[code - 40]}"
        elif code == 49:
            classes.pop("bg", None)
        elif code in (38, 48):
            # 256-colour and RGB forms: skip their arguments, keep the text plain.
            index += 2 if index + 1 < len(codes) and codes[index + 1] == 5 else 4
        index += 1
