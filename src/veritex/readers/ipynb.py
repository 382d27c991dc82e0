"""Jupyter notebook reader: nbformat 4 validated, markdown cells through the Markdown reader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..model import Cell, CodeCell, Document, FrontMatter, Item, Position
from .attachments import inline_attachments
from .front_matter import front_matter_from_dict
from .markdown import read_markdown_cell
from .tree import Body, Source


class NotebookError(ValueError):
    """A notebook that cannot be read: `position` says where, `message` what and what to do."""

    def __init__(self, message: str, position: Position) -> None:
        super().__init__(f"{position}: {message}")
        self.message = message
        self.position = position


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def read_ipynb(text: str, path: Path | str) -> Document:
    name = str(path)
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"not valid JSON ({exc.msg}); the notebook file is damaged: open it in a text editor or restore it",
            Position(name, exc.lineno, exc.colno),
        ) from None
    _validate(raw, name)
    metadata = raw.get("metadata", {})
    items: list[Item] = []
    settings = dict(metadata.get("veritex") or {})
    kernelspec = metadata.get("kernelspec") or {}
    if kernelspec.get("name") and "kernel" not in settings:
        settings["kernel"] = kernelspec["name"]
    meta = front_matter_from_dict(settings, Position(name, 1, 1), items) if settings else FrontMatter()
    cells: list[Cell] = []
    shared = Body()  # directive names are warned about once per notebook
    for number, nb_cell in enumerate(raw.get("cells", []), start=1):
        source = _text(nb_cell.get("source"))
        if nb_cell.get("cell_type") == "markdown":
            cell, cell_items = read_markdown_cell(source, Source(source, name, cell=number), shared)
            inline_attachments(cell, nb_cell.get("attachments"), cell_items)
            cells.append(cell)
            items.extend(cell_items)
        elif nb_cell.get("cell_type") == "code":
            cell_meta = nb_cell.get("metadata") or {}
            tags = [str(t) for t in cell_meta.get("tags", [])]
            cells.append(
                CodeCell(
                    source=source,
                    position=Position(name, 1, 1, number),
                    execute="skip-execution" not in tags,
                    tags=tags,
                    # `veritex_source`: how `veritex convert` keeps the cell's Markdown form, not an option
                    options={k: v for k, v in cell_meta.items() if k not in ("tags", "veritex_source")},
                    outputs=list(nb_cell.get("outputs", [])),
                    execution_count=nb_cell.get("execution_count"),
                )
            )
    return Document(path=Path(path), meta=meta, cells=cells, source_format="ipynb", items=items)


def _validate(raw: Any, name: str) -> None:
    where = Position(name, 1, 1)
    if isinstance(raw, dict) and raw.get("nbformat") in (1, 2, 3):
        raise NotebookError(
            f"this is an nbformat {raw['nbformat']} notebook (IPython 3 or older); veritex reads nbformat 4: "
            f"convert it with `jupyter nbconvert --to notebook --nbformat 4 {Path(name).name}` "
            "(or open and save it in a current Jupyter)", where)
    if not isinstance(raw, dict) or "cells" not in raw:
        raise NotebookError("not a Jupyter notebook: the JSON has no `cells` list", where)
    if raw.get("nbformat") != 4:
        raise NotebookError(
            f"nbformat {raw.get('nbformat')!r} is not supported; save it as nbformat 4 "
            "(jupyter nbconvert --to notebook)", where)
    import nbformat  # only notebooks pay for the schema

    try:
        nbformat.validate(raw, version=4)
    except nbformat.ValidationError as exc:
        trail = "/".join(str(p) for p in exc.absolute_path)
        cell = _cell_of(exc.absolute_path)
        raise NotebookError(
            f"invalid notebook at {trail or 'top level'}: {exc.message}; fix or remove that field",
            Position(name, 1, 1, cell),
        ) from None


def _cell_of(path: Any) -> int | None:
    parts = list(path)
    if len(parts) >= 2 and parts[0] == "cells" and isinstance(parts[1], int):
        return parts[1] + 1
    return None
