"""The formulas written in the acceptance documents, read the simple way: `$$...$$` and `$...$`
outside code, in the Markdown files and in the notebooks' Markdown cells."""

from __future__ import annotations

import json
import re
from pathlib import Path

ACCEPTANCE = Path("/work/shared/acceptance")
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"\$([^$\n]+?)\$")


def _markdown_texts() -> list[str]:
    texts = []
    for path in sorted(ACCEPTANCE.glob("*.md")):
        if path.name != "README.md":
            texts.append(path.read_text(encoding="utf-8"))
    for path in sorted(ACCEPTANCE.glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "markdown":
                source = cell["source"]
                texts.append(source if isinstance(source, str) else "".join(source))
    return texts


def acceptance_formulas() -> list[str]:
    """Every formula's TeX, stripped, in document order."""
    found: list[str] = []
    for text in _markdown_texts():
        text = _CODE_SPAN.sub("", _FENCE.sub("", text))
        found += [m.group(1).strip() for m in _DISPLAY.finditer(text)]
        found += [m.group(1).strip() for m in _INLINE.finditer(_DISPLAY.sub("", text))]
    return found
