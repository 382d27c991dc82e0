"""`--to json`: the document model as JSON, for users' own tools and for tests (as Pandoc's `-t json`).

The shape is versioned by `SCHEMA` and described by the JSON Schema shipped beside this module
(`schema/veritex-document-1.schema.json`) and by docs/json-format.md. Every node of the body tree is
an object with a `type` (the node's class in snake case) and its fields; code cells keep their
nbformat outputs; verdicts and diagnostics are the report's item records.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..fsutil import atomic_write_text
from ..model import (
    BLOCK_TYPES,
    INLINE_TYPES,
    Cell,
    CodeCell,
    Document,
    Item,
    ListItem,
    Node,
    Position,
    Reference,
    TableCell,
    TableRow,
    node_fields,
)
from ..version import __version__

SCHEMA = "veritex-document/1"
SCHEMA_FILE = Path(__file__).with_name("schema") / "veritex-document-1.schema.json"


def type_name(cls: type) -> str:
    """`BlockQuote` -> `block_quote`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


_NODE_TYPES = {cls: type_name(cls) for cls in (*BLOCK_TYPES, *INLINE_TYPES, ListItem, TableRow, TableCell)}


def position_json(position: Position | None) -> dict[str, int] | None:
    if position is None:
        return None
    out = {"line": position.line, "column": position.column}
    if position.cell is not None:
        out["cell"] = position.cell
    return out


def node_json(node: Node) -> dict[str, Any]:
    """One node and everything under it."""
    out: dict[str, Any] = {"type": _NODE_TYPES[type(node)]}
    for name in node_fields(node):
        out[name] = _value(getattr(node, name))
    if isinstance(node, Reference):
        resolved = node.resolved
        out["resolved"] = None if resolved is None else {"label": resolved.label, "number": resolved.number,
                                                         "tag": resolved.tag}
    return out


def _value(value: Any) -> Any:
    if isinstance(value, Node):
        return node_json(value)
    if isinstance(value, Position):
        return position_json(value)
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def _inside(item: Item, cell: Cell) -> bool:
    where, start = item.position, cell.position
    if where is None or where.file != start.file or where.cell != start.cell:
        return False
    return start.line <= where.line <= start.line + cell.source.count("\n")


def cell_json(cell: Cell, doc: Document) -> dict[str, Any]:
    items = [i.to_json() for i in doc.items if _inside(i, cell)]
    if isinstance(cell, CodeCell):
        return {
            "type": "code", "position": position_json(cell.position), "source": cell.source,
            "language": cell.language, "execute": cell.execute, "tags": list(cell.tags), "options": cell.options,
            "execution_count": cell.execution_count, "outputs": cell.outputs, "metadata": cell.metadata,
            "items": items,
        }
    return {"type": "markdown", "position": position_json(cell.position), "source": cell.source,
            "body": [node_json(block) for block in cell.body], "items": items}


def document_json(doc: Document) -> dict[str, Any]:
    meta = doc.meta
    return {
        "schema": SCHEMA,
        "veritex": __version__,
        "source": {"path": str(doc.path), "format": doc.source_format},
        "title": doc.title,
        "front_matter": {
            "title": meta.title, "kernel": meta.kernel, "timeout": meta.timeout, "seed": meta.seed,
            "macros": meta.macros, "execute": meta.execute, "raw": meta.raw,
        },
        "environment": doc.environment,
        "cells": [cell_json(cell, doc) for cell in doc.cells],
        "items": [item.to_json() for item in doc.items],
    }


def write_json(doc: Document, out_path: Path) -> Path:
    """Write the document as JSON to `out_path`, atomically."""
    # YAML front matter may hold dates and other values JSON has no type for: they are written as text.
    text = json.dumps(document_json(doc), ensure_ascii=False, indent=1, default=str)
    atomic_write_text(Path(out_path), text + "\n")
    return Path(out_path)
