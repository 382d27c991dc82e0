"""The execution cache: a document whose code, kernel and context did not change is not run again.

One JSON file per key. The key covers what can change what the kernel produces (every executable
cell's source, language, tags and options; kernel, seed, timeout; the inline eval expressions; the
context given to the kernel; the interpreter's packages; veritex's version), and nothing of the
prose, so editing a sentence never re-runs a model. An entry is written atomically and carries a
checksum of its payload: a damaged, truncated or foreign file is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .. import __version__
from ..fsutil import atomic_write_text
from ..model import CodeCell, Document
from .fingerprint import fingerprint

SCHEMA = 1


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _executable(doc: Document) -> list[CodeCell]:
    return [c for c in doc.code_cells() if c.execute]


class ExecutionCache:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def key(self, doc: Document, context: dict[str, Any] | None = None) -> str:
        meta = doc.meta
        return _sha(_canonical({
            "schema": SCHEMA,
            "veritex": __version__,
            "fingerprint": fingerprint(),
            "kernel": meta.kernel,
            "seed": meta.seed,
            "timeout": meta.timeout,
            "cells": [[c.source, c.language, c.tags, c.options] for c in _executable(doc)],
            "evals": [e.expr for e in doc.all_evals()],
            "context": context or {},
        }))

    def path(self, key: str) -> Path:
        return self.root / f"{key}.json"

    def load(self, key: str, doc: Document) -> bool:
        """Fill `doc` with the stored run for `key`; False (and `doc` untouched) on any miss."""
        payload = self._read(key)
        if payload is None or not _fits(payload, doc):
            return False
        for cell, record in zip(_executable(doc), payload["cells"], strict=True):
            cell.outputs = record["outputs"]
            cell.execution_count = record["execution_count"]
            cell.metadata = record["metadata"]
        for node, record in zip(doc.all_evals(), payload["evals"], strict=True):
            node.value, node.error = record["value"], record["error"]
        doc.environment = dict(payload["environment"])
        return True

    def store(self, key: str, doc: Document) -> bool:
        """Keep `doc`'s run under `key`. A run that stopped early (`strict`) or never ran is not kept."""
        cells = _executable(doc)
        if any(c.metadata.get("veritex", {}).get("status") in (None, "skipped") for c in cells):
            return False
        payload = {
            "cells": [
                {"source_sha": _sha(c.source), "outputs": c.outputs, "execution_count": c.execution_count,
                 "metadata": c.metadata}
                for c in cells
            ],
            "evals": [{"expr": e.expr, "value": e.value, "error": e.error} for e in doc.all_evals()],
            "environment": doc.environment,
        }
        text = _canonical(payload)
        entry = f'{{"schema":{SCHEMA},"key":{json.dumps(key)},"checksum":"{_sha(text)}","payload":{text}}}'
        try:
            atomic_write_text(self.path(key), entry)
        except OSError:
            return False  # a cache that cannot be written costs speed, never the build
        return True

    def _read(self, key: str) -> dict[str, Any] | None:
        try:
            entry = json.loads(self.path(key).read_bytes())
            if entry["schema"] != SCHEMA or entry["key"] != key:
                return None
            payload = entry["payload"]
            if entry["checksum"] != _sha(_canonical(payload)):
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return payload if isinstance(payload, dict) else None


def _fits(payload: dict[str, Any], doc: Document) -> bool:
    """The payload has the expected shape and belongs to these very cells and evals."""
    cells, evals = payload.get("cells"), payload.get("evals")
    if not isinstance(cells, list) or not isinstance(evals, list):
        return False
    if not isinstance(payload.get("environment"), dict):
        return False
    executable, nodes = _executable(doc), list(doc.all_evals())
    if len(cells) != len(executable) or len(evals) != len(nodes):
        return False
    for cell, record in zip(executable, cells, strict=True):
        if not (isinstance(record, dict) and record.get("source_sha") == _sha(cell.source)
                and isinstance(record.get("outputs"), list)
                and all(isinstance(o, dict) for o in record["outputs"])
                and isinstance(record.get("metadata"), dict)
                and isinstance(record.get("execution_count"), int | None)):
            return False
    for node, record in zip(nodes, evals, strict=True):
        if not (isinstance(record, dict) and record.get("expr") == node.expr
                and isinstance(record.get("value"), dict | None) and isinstance(record.get("error"), str | None)):
            return False
    return True
