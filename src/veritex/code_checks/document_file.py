"""The formulas of the file being edited, for a kernel that no build started (a plain Jupyter session).

The build hands the kernel its context; without one, `vt.check` reads the notebook or Markdown file
itself, found through `__session__` / `JPY_SESSION_NAME` (ipykernel sets them to its path). The file
is read with the standard library and a small scanner that follows the readers' rules for math:
`$$ ... $$ (label)` blocks, amsmath environments, ```` ```{math} ```` directives with `:label:`, and
inline `$...$` by Pandoc's rule (no space inside the dollars, no digit right outside), skipping code.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .context import FormulaEntry, macro_table, math_context

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_AMSMATH = re.compile(r"^ {0,3}\\begin\{(equation|multline|gather|align|alignat|flalign|eqnarray)(\*?)\}")
_LABEL_AFTER = re.compile(r"^\s*\)([^)$\r\n]+?)\(\s*\${2}")  # `$$ (label)` read backwards, as mdit's
_LABEL_IN_TEX = re.compile(r"\\label\{([^{}]*)\}")
_OPTION = re.compile(r"\s*:(\w+):\s*(.*)$")


def context_of_file(path: Path) -> dict[str, Any]:
    """The context (as `math_context` makes it) of a Markdown file or a notebook on disk."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        notebook = json.loads(text)
        settings = (notebook.get("metadata") or {}).get("veritex") or {}
        macros = settings.get("macros") if isinstance(settings, dict) else None
        entries: list[FormulaEntry] = []
        for number, cell in enumerate(notebook.get("cells", []), start=1):
            if cell.get("cell_type") == "markdown":
                source = cell.get("source")
                entries += formulas_in_markdown("".join(source) if isinstance(source, list) else str(source or ""),
                                                cell=number)
        return math_context(entries, macro_table(macros) if isinstance(macros, dict) else {}, str(path))
    lines = text.split("\n")
    start, front = _front_matter(lines)
    return math_context(formulas_in_markdown(text, skip=start), _macros(front), str(path))


def _front_matter(lines: list[str]) -> tuple[int, str]:
    """(the first line after the front matter, the front matter's text)."""
    if not lines or lines[0].rstrip() != "---":
        return 0, ""
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return index + 1, "\n".join(lines[1:index])
    return 0, ""


def _macros(front: str) -> dict[str, str]:
    if "macros" not in front:
        return {}
    import yaml  # only for a front matter that defines macros

    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError:
        return {}  # the build reports it; a check sees no macros
    macros = data.get("macros") if isinstance(data, dict) else None
    return macro_table(macros) if isinstance(macros, dict) else {}


def formulas_in_markdown(text: str, *, skip: int = 0, cell: int | None = None) -> list[FormulaEntry]:
    """Every formula of a Markdown text, in order; lines before `skip` (the front matter) are not read."""
    lines = text.split("\n")
    found: list[FormulaEntry] = []
    paragraph: list[int] = []

    def flush() -> None:
        if paragraph:
            found.extend(_inline(lines, paragraph, cell))
            paragraph.clear()

    index = skip
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        stripped = line.lstrip()
        if fence:
            flush()
            index = _fenced(lines, index, fence, cell, found)
        elif stripped.startswith("$$"):
            flush()
            index = _dollar_block(lines, index, cell, found)
        elif _AMSMATH.match(line):
            flush()
            index = _environment(lines, index, cell, found)
        elif not stripped:
            flush()
            index += 1
        else:
            paragraph.append(index)
            index += 1
    flush()
    return found


def _entry(tex: str, label: str | None, display: bool, line0: int, column0: int, cell: int | None) -> FormulaEntry:
    """A formula with its leading blank space dropped and its position moved to its first character."""
    stripped = tex.lstrip()
    gone = tex[: len(tex) - len(stripped)]
    newlines = gone.count("\n")
    line, column = line0 + 1, column0 + 1
    if newlines:
        line, column = line + newlines, len(gone) - gone.rfind("\n")
    else:
        column += len(gone)
    if label is None:
        inside = _LABEL_IN_TEX.search(stripped)
        label = inside.group(1).strip() if inside else None
    return FormulaEntry(stripped.rstrip(), label, display, line, column, cell)


def _fenced(lines: list[str], index: int, fence: re.Match[str], cell: int | None,
            found: list[FormulaEntry]) -> int:
    """Skip a fenced block; a ```{math} directive is a displayed formula. Returns the next line."""
    marker, info = fence.group(1), fence.group(2).strip()
    end = index + 1
    while end < len(lines):
        closing = lines[end].strip()
        if closing.startswith(marker[0] * len(marker)) and not closing.strip(marker[0]):
            break
        end += 1
    if info.startswith("{math}"):
        body = lines[index + 1:end]
        label = None
        options = 0
        for line in body:
            option = _OPTION.match(line)
            if not option:
                break
            options += 1
            if option.group(1) == "label":
                label = option.group(2).strip()
        found.append(_entry("\n".join(body[options:]), label, True, index + 1 + options, 0, cell))
    return end + 1


def _dollar_block(lines: list[str], index: int, cell: int | None, found: list[FormulaEntry]) -> int:
    """`$$ ... $$`, on one line or several, with an optional `(label)` after the closing dollars."""
    opener = lines[index]
    start = opener.find("$$")
    first = opener[start:]
    label = None
    end_line, body_end = index, None
    if len(first.strip()) > 3:
        if first.rstrip().endswith("$$"):
            body_end = len(first.rstrip()) - 2
        else:
            match = _LABEL_AFTER.match(first.rstrip()[::-1])
            if match:
                label, body_end = match.group(1)[::-1], len(first.rstrip()) - match.end()
            elif "$$" in first[2:]:
                return index + 1  # not a formula block: prose that starts with dollars
    if body_end is not None:
        tex = first[2:body_end]
    else:
        parts = [first[2:]]
        end_line = index + 1
        while end_line < len(lines):
            text = lines[end_line].rstrip()
            if text.endswith("$$"):
                parts.append(text[:-2])
                break
            match = _LABEL_AFTER.match(text[::-1])
            if match:
                label = match.group(1)[::-1]
                parts.append(text[: len(text) - match.end()])
                break
            parts.append(lines[end_line])
            end_line += 1
        else:
            return index + 1  # never closed: the build reports it
        tex = "\n".join(parts)
    if label is not None:
        label = re.sub(r"\s+", "-", label).strip()
    found.append(_entry(tex, label, True, index, start + 2, cell))
    return end_line + 1


def _environment(lines: list[str], index: int, cell: int | None, found: list[FormulaEntry]) -> int:
    """`\\begin{equation} ... \\end{equation}` and the other amsmath environments, kept whole."""
    match = _AMSMATH.match(lines[index])
    assert match is not None
    closing = f"\\end{{{match.group(1)}{match.group(2)}}}"
    end = index
    while end < len(lines) and closing not in lines[end]:
        end += 1
    if end == len(lines):
        return index + 1
    body = "\n".join(lines[index:end + 1])
    body = body[: body.rindex(closing) + len(closing)]
    column = lines[index].find("\\begin")
    found.append(_entry(body[column:], None, True, index, column, cell))
    return end + 1


def _inline(lines: list[str], paragraph: list[int], cell: int | None) -> Iterator[FormulaEntry]:
    """Inline `$...$` of one paragraph (consecutive lines), skipping code spans and escaped dollars."""
    first = paragraph[0]
    text = "\n".join(lines[first:paragraph[-1] + 1])
    position = 0
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
        elif char == "`":
            run = len(text[position:]) - len(text[position:].lstrip("`"))
            closing = text.find("`" * run, position + run)
            position = closing + run if closing >= 0 else position + run
        elif char == "$":
            end = _closing_dollar(text, position)
            if end is None:
                position += 1
                continue
            before = text[:position + 1]
            line0 = first + before.count("\n")
            column0 = position + 1 - (before.rfind("\n") + 1)
            yield _entry(text[position + 1:end], None, False, line0, column0, cell)
            position = end + 1
        else:
            position += 1


def _closing_dollar(text: str, opening: int) -> int | None:
    """Where the `$` opened at `opening` closes, by Pandoc's rule; None when it opens no formula."""
    after = text[opening + 1: opening + 2]
    if not after or after.isspace() or (opening > 0 and text[opening - 1].isdigit()):
        return None
    search = opening + 1
    while True:
        end = text.find("$", search)
        if end < 0:
            return None
        if _escaped(text, end):
            search = end + 1
            continue
        break
    if text[end - 1].isspace() or text[end + 1: end + 2].isdigit() or end == opening + 1:
        return None
    return end


def _escaped(text: str, position: int) -> bool:
    backslashes = len(text[:position]) - len(text[:position].rstrip("\\"))
    return backslashes % 2 == 1


_NOTEBOOKS: dict[tuple[str, int], tuple[dict[str, Any], str]] = {}


def notebook_context() -> tuple[dict[str, Any] | None, str]:
    """The context of the notebook or Markdown file being edited in a plain Jupyter session, and
    where it came from (or why there is none). Read again when the file changes."""
    path = _session_path()
    if path is None:
        return None, "this kernel was not started by `veritex build` and does not know its notebook's path"
    candidates = [Path(path), Path.cwd() / path, Path.cwd() / Path(path).name]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        return None, f"the notebook {path} was not found from {Path.cwd()}"
    key = (str(found.resolve()), found.stat().st_mtime_ns)
    if key not in _NOTEBOOKS:
        try:
            context = context_of_file(found)
        except (OSError, ValueError, AttributeError, TypeError) as exc:  # unreadable: reported, not raised
            return None, f"the notebook {found} could not be read: {exc}"
        _NOTEBOOKS.clear()
        _NOTEBOOKS[key] = (context, f"read from {found}")
    return _NOTEBOOKS[key]


def _session_path() -> str | None:
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    if shell is not None:
        value = shell.user_ns.get("__session__")
        if isinstance(value, str) and value:
            return value
    value = os.environ.get("JPY_SESSION_NAME")
    return value or None
