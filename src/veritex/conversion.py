"""`veritex.convert` (this module: `veritex.conversion`): a MyST / Quarto Markdown document to a Jupyter notebook and back.

The conversion works on the cells' own text, never on a re-printed tree: a prose cell is the lines
between two code cells (or `+++` breaks) as written, a code cell the fence's code with its options and
tags as cell metadata. What a notebook cannot show but the Markdown needs to come back the same (the
fence line and option lines as typed, the blank lines and breaks between cells, the front matter's
text) is kept under `veritex_source` in the metadata; it is used on the way back only while it still
agrees with the cell (an edited cell is written in the default MyST form instead). So
`md -> ipynb -> md` gives the same text, and the notebook's front matter is `metadata.veritex`, which
`veritex build` reads.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SOURCE_KEY = "veritex_source"  # metadata that only the way back to Markdown reads
FORMATS = {"md": ".md", "ipynb": ".ipynb"}


class ConvertError(ValueError):
    """A conversion that cannot be done as asked (the message says what to do)."""


@dataclass
class _Segment:
    kind: str  # "markdown", "code", "raw"
    start: int  # line range in the document
    end: int
    token: Any = None


def _blank(line: str) -> bool:
    return not line.strip()


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _break_meta(line: str) -> dict[str, Any]:
    rest = line.strip()[3:].strip()
    if not rest:
        return {}
    try:
        value = json.loads(rest)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _is_break(line: str) -> bool:
    return line.strip().startswith("+++")


# Markdown -> notebook -----------------------------------------------------------------------------


def _segments(text: str) -> tuple[list[str], list[str] | None, list[_Segment]]:
    """The document's lines, its front matter's lines, and its cells as line ranges."""
    from .readers.cells import is_runnable_fence
    from .readers.markdown import markdown_parser

    lines = text.split("\n")
    tokens = markdown_parser().parse(text)
    front: list[str] | None = None
    taken: list[_Segment] = []
    breaks: set[int] = set()
    body_start = 0
    for token in tokens:
        if token.level != 0 or token.map is None:
            continue
        start, end = token.map
        if token.type == "front_matter":
            front = lines[start:end]
            body_start = end
        elif token.type == "fence" and is_runnable_fence(token.info):
            taken.append(_Segment("code", start, end, token))
        elif token.type == "fence" and token.info.strip().split()[:1] == ["{raw-cell}"]:
            taken.append(_Segment("raw", start, end, token))
        elif token.type == "myst_block_break":
            breaks.update(range(start, end))
    segments: list[_Segment] = []
    cursor = body_start

    def prose(until: int) -> None:
        run = [i for i in range(cursor, until) if i not in breaks]
        # Maximal runs of prose between breaks, trimmed of blank lines.
        group: list[int] = []
        for i in [*run, None]:
            if i is not None and (not group or i == group[-1] + 1):
                group.append(i)
                continue
            content = [j for j in group if not _blank(lines[j])]
            if content:
                segments.append(_Segment("markdown", content[0], content[-1] + 1))
            group = [i] if i is not None else []

    for segment in taken:
        prose(segment.start)
        segments.append(segment)
        cursor = segment.end
    prose(len(lines))
    return lines, front, segments


def _fence_cell(token: Any) -> tuple[str, dict[str, Any]]:
    """A fence's code and the cell metadata (options, tags) veritex reads from it."""
    from .model import Position
    from .readers.cells import code_cell_from_fence

    cell = code_cell_from_fence(token, Position("", 1, 1), [])
    metadata = {k: v for k, v in _json_safe(cell.options).items() if k != "tags"}
    if cell.tags:
        metadata["tags"] = list(cell.tags)
    return cell.source, metadata


def markdown_to_notebook(text: str) -> dict[str, Any]:
    """A MyST / Quarto Markdown document as nbformat 4.5 notebook data (no outputs: Markdown has none)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    text = text.replace("\r\n", "\n")
    lines, front, segments = _segments(text)
    cells: list[dict[str, Any]] = []
    previous_end = len(front) if front is not None else 0
    previous_kind: str | None = None
    for number, segment in enumerate(segments, start=1):
        gap = lines[previous_end:segment.start]
        cell = _cell(lines, segment, number)
        broken = [line for line in gap if _is_break(line)]
        if segment.kind == "markdown" and broken:
            cell["metadata"] = _break_meta(broken[-1])  # `+++ {"tags": [...]}`: the next cell's metadata
        if gap != _default_gap(previous_kind, front is not None, segment.kind, cell["metadata"]):
            cell["metadata"].setdefault(SOURCE_KEY, {})["gap"] = gap
        cells.append(cell)
        previous_end, previous_kind = segment.end, segment.kind
    metadata: dict[str, Any] = {}
    settings: dict[str, Any] = {}
    if front is not None:
        settings = _front_matter(front)
        metadata["veritex"] = settings
    kernel = settings.get("kernel") if isinstance(settings.get("kernel"), str) else "python3"
    metadata["kernelspec"] = {"name": kernel, "display_name": "Python 3 (ipykernel)" if kernel == "python3" else kernel,
                              "language": "python"}
    metadata["language_info"] = {"name": "python"}
    source: dict[str, Any] = {}
    if front is not None:
        source["front_matter"] = front
    end = lines[previous_end:]
    if end != [""]:
        source["end"] = end
    if newline != "\n":
        source["newline"] = newline
    if source:
        metadata[SOURCE_KEY] = source
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": cells}


def _front_matter(front: list[str]) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load("\n".join(front[1:-1])) or {}
    except yaml.YAMLError as exc:
        raise ConvertError(f"the front matter is not valid YAML ({exc}); fix it before converting") from None
    return _json_safe(data) if isinstance(data, dict) else {}


def _cell(lines: list[str], segment: _Segment, number: int) -> dict[str, Any]:
    cell_id = f"cell-{number}"
    if segment.kind == "markdown":
        return {"cell_type": "markdown", "id": cell_id, "metadata": {},
                "source": "\n".join(lines[segment.start:segment.end])}
    code, metadata = _fence_cell(segment.token) if segment.kind == "code" else (segment.token.content, {})
    if segment.kind == "raw" and code.endswith("\n"):
        code = code[:-1]
    raw = lines[segment.start:segment.end]
    code_lines = code.split("\n")
    closed = len(raw) >= 2 and raw[-1].strip().startswith(segment.token.markup) and not raw[-1].strip().strip("`~")
    head = len(raw) - len(code_lines) - (1 if closed else 0)
    fence = {"open": raw[:head], "close": raw[len(raw) - 1:] if closed else []}
    if segment.kind == "raw":
        return {"cell_type": "raw", "id": cell_id, "metadata": {SOURCE_KEY: fence}, "source": code}
    if raw[head:head + len(code_lines)] != code_lines:  # an indented fence: its code is not its lines
        fence["code"] = raw[head:len(raw) - len(fence["close"])]
    if _code_lines(code, metadata) != raw:
        metadata[SOURCE_KEY] = fence
    return {"cell_type": "code", "id": cell_id, "metadata": metadata, "execution_count": None, "outputs": [],
            "source": code}


def _default_gap(previous: str | None, has_front: bool, kind: str, metadata: dict[str, Any]) -> list[str]:
    meta = {k: v for k, v in metadata.items() if k != SOURCE_KEY}
    if previous is None:
        return [""] if has_front else []
    if kind == "markdown" and (previous == "markdown" or meta):
        return ["", "+++" + (" " + json.dumps(meta) if meta else ""), ""]
    return [""]


# Notebook -> Markdown -----------------------------------------------------------------------------


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def _code_lines(code: str, metadata: dict[str, Any]) -> list[str]:
    """A code cell in the default MyST form: ```{code-cell} python, `:key: value` lines, the code."""
    options = [f":{key}: {json.dumps(value)}" for key, value in metadata.items() if key != SOURCE_KEY]
    fence = "```"
    while fence in code:
        fence += "`"
    return [f"{fence}{{code-cell}} python", *options, *code.split("\n"), fence]


def _stored_fence(cell: dict[str, Any], code: str, metadata: dict[str, Any]) -> list[str] | None:
    """The fence as it was typed, when it still says what the cell holds."""
    from .readers.markdown import markdown_parser

    stored = (cell.get("metadata") or {}).get(SOURCE_KEY)
    if not isinstance(stored, dict) or not isinstance(stored.get("open"), list):
        return None
    kept_code = stored.get("code")
    body: list[str] = kept_code if isinstance(kept_code, list) else code.split("\n")
    lines = [*stored["open"], *body, *(stored.get("close") or [])]
    tokens = [t for t in markdown_parser().parse("\n".join(lines) + "\n") if t.type == "fence" and t.level == 0]
    if len(tokens) != 1:
        return None
    if cell.get("cell_type") == "raw":
        return lines if tokens[0].content.rstrip("\n") == code else None
    return lines if _fence_cell(tokens[0]) == (code, metadata) else None


def _gap_ok(gap: Any, previous: str | None, kind: str, metadata: dict[str, Any]) -> bool:
    if not isinstance(gap, list) or not all(isinstance(line, str) and (_blank(line) or _is_break(line)) for line in gap):
        return False
    if kind != "markdown":
        return True
    broken = [line for line in gap if _is_break(line)]
    if previous == "markdown" and not broken:
        return False  # the two cells would read back as one
    return (_break_meta(broken[-1]) if broken else {}) == metadata


def _front_lines(metadata: dict[str, Any]) -> list[str] | None:
    settings = metadata.get("veritex")
    stored = (metadata.get(SOURCE_KEY) or {}).get("front_matter")
    if isinstance(stored, list) and all(isinstance(s, str) for s in stored) and len(stored) >= 2:
        try:
            if _front_matter(stored) == (settings or {}):
                return stored
        except ConvertError:
            pass
    if not settings:
        return None
    import yaml

    dumped = yaml.safe_dump(settings, sort_keys=False, allow_unicode=True, default_flow_style=False).rstrip("\n")
    return ["---", *dumped.split("\n"), "---"]


def notebook_to_markdown(notebook: dict[str, Any]) -> str:
    """A notebook as MyST Markdown: prose cells as written, code cells as ```{code-cell} fences
    (outputs have no place in Markdown and are left out)."""
    metadata = notebook.get("metadata") or {}
    kept = metadata.get(SOURCE_KEY)
    source_meta: dict[str, Any] = kept if isinstance(kept, dict) else {}
    front = _front_lines(metadata)
    lines: list[str] = list(front or [])
    previous: str | None = None
    for cell in notebook.get("cells") or []:
        kind = cell.get("cell_type")
        if kind not in ("markdown", "code", "raw"):
            continue
        cell_meta = {k: v for k, v in (cell.get("metadata") or {}).items() if k != SOURCE_KEY}
        text = _text(cell.get("source"))
        if kind == "markdown":
            body = text.strip("\n").split("\n")
            meta_for_gap = cell_meta
        elif kind == "raw":
            body = _stored_fence(cell, text, {}) or ["```{raw-cell}", *text.split("\n"), "```"]
            meta_for_gap = {}
        else:
            options = {k: v for k, v in cell_meta.items() if k not in ("execution", "collapsed", "scrolled")}
            body = _stored_fence(cell, text, options) or _code_lines(text, options)
            meta_for_gap = {}
        stored_gap = ((cell.get("metadata") or {}).get(SOURCE_KEY) or {}).get("gap")
        if stored_gap is not None and _gap_ok(stored_gap, previous, kind, meta_for_gap):
            gap = stored_gap
        else:
            gap = _default_gap(previous, front is not None, kind, meta_for_gap)
        lines.extend(gap)
        lines.extend(body)
        previous = kind
    stored_end = source_meta.get("end")
    end: list[str] = stored_end if isinstance(stored_end, list) else [""]
    usable = all(isinstance(line, str) and (_blank(line) or _is_break(line)) for line in end)
    lines.extend(end if usable else [""])
    text = "\n".join(lines)
    newline = source_meta.get("newline")
    return text.replace("\n", "\r\n") if newline == "\r\n" else text


# Files --------------------------------------------------------------------------------------------


def default_output(source: Path, to: str) -> Path:
    return source.with_suffix(FORMATS[to])


def convert(source: Path | str, to: str, output: Path | str | None = None, *, in_place: bool = False) -> Path:
    """Convert the document `source` (.md or .ipynb) to `to` ("md" or "ipynb") and return the file written:
    `output`, else the source's name with the new suffix. The source is never written over unless
    `in_place` is given (a notebook normalised in place, or `output` naming the source)."""
    from .fsutil import atomic_write_text

    source = Path(source)
    if to not in FORMATS:
        raise ConvertError(f"cannot convert to {to!r}: formats are {', '.join(FORMATS)}")
    if source.suffix not in (".md", ".markdown", ".ipynb"):
        raise ConvertError(f"{source}: not a document veritex converts (.md or .ipynb)")
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConvertError(f"cannot read {source}: {exc.strerror or exc}") from None
    target = Path(output) if output is not None else default_output(source, to)
    if _same(target, source) and not in_place:
        raise ConvertError(f"{target} is the source document: veritex does not write over it; give another "
                           "file with -o, or pass --in-place to replace it")
    if source.suffix == ".ipynb":
        notebook = _read_notebook(text, source)
        result = notebook_to_markdown(notebook) if to == "md" else _notebook_text(notebook)
    else:
        result = text if to == "md" else _notebook_text(markdown_to_notebook(text))
    atomic_write_text(target, result)
    return target


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _read_notebook(text: str, source: Path) -> dict[str, Any]:
    from .readers.ipynb import read_ipynb

    read_ipynb(text, source)  # the reader's checks and messages (NotebookError) for a broken notebook
    data: dict[str, Any] = json.loads(text)
    return data


def _notebook_text(notebook: dict[str, Any]) -> str:
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def round_trip(text: str) -> str:
    """`text` through a notebook and back (what the tests hold equal to `text`)."""
    return notebook_to_markdown(json.loads(_notebook_text(markdown_to_notebook(text))))


__all__: Sequence[str] = ["ConvertError", "convert", "markdown_to_notebook", "notebook_to_markdown", "round_trip"]
