"""The execution cache: a document whose code, kernel and context did not change is not run again.

One entry per key in the cache's `exec` namespace. The key covers what can change what the kernel
produces (every executable cell's source, language, tags and options; kernel, seed, timeout; the inline
eval expressions; the context given to the kernel; and, through the key function, the interpreter's
packages and veritex's version), and nothing of the prose, so editing a sentence never re-runs a model.
The entry records the hash of every data file the cells read (`Document.data_files`): it is served only
while each of them is unchanged. An entry carries a checksum of its payload: a damaged, truncated or
foreign entry is a miss (noted once), never an error.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..cache import Store, canonical
from ..cache.datafiles import hashes, unchanged
from ..model import CodeCell, Document

SCHEMA = 2
NAMESPACE = "exec"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _executable(doc: Document) -> list[CodeCell]:
    return [c for c in doc.code_cells() if c.execute]


class ExecutionCache:
    def __init__(self, root: Path) -> None:
        """`root`: the cache folder (the store's root)."""
        self.entries = Store(root)
        self.root = self.entries.root / NAMESPACE

    def key(self, doc: Document, context: dict[str, Any] | None = None) -> str:
        meta = doc.meta
        return self.entries.key({
            "schema": SCHEMA,
            "kernel": meta.kernel,
            "seed": meta.seed,
            "timeout": meta.timeout,
            "cells": [[c.source, c.language, c.tags, c.options] for c in _executable(doc)],
            "evals": [e.expr for e in doc.all_evals()],
            "context": context or {},
        })

    def path(self, key: str) -> Path:
        return self.entries.path(NAMESPACE, key)

    def load(self, key: str, doc: Document) -> bool:
        """Fill `doc` with the stored run for `key`; False (and `doc` untouched) on any miss."""
        payload = self._read(key)
        if payload is None:
            return False
        if not _fits(payload, doc):
            self.entries.note(self.path(key), "does not match the document's cells")
            return False
        if not unchanged(doc.path.parent, payload["data_files"]):
            return False  # a data file the cells read changed: run them again
        for cell, record in zip(_executable(doc), payload["cells"], strict=True):
            cell.outputs = record["outputs"]
            cell.execution_count = record["execution_count"]
            cell.metadata = record["metadata"]
        for node, record in zip(doc.all_evals(), payload["evals"], strict=True):
            node.value, node.error = record["value"], record["error"]
        doc.environment = dict(payload["environment"])
        doc.data_files = sorted(payload["data_files"])
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
            "data_files": hashes(doc.path.parent, doc.data_files),
        }
        try:
            checksum = _sha(canonical(payload))
        except TypeError:
            return False  # an output JSON cannot hold is not kept: that costs speed, never the build
        return self.entries.save(NAMESPACE, key, {"schema": SCHEMA, "checksum": checksum, "payload": payload})

    def _read(self, key: str) -> dict[str, Any] | None:
        entry = self.entries.load(NAMESPACE, key)
        if entry is None:
            return None
        payload = entry.get("payload")
        if entry.get("schema") != SCHEMA or not isinstance(payload, dict):
            self.entries.note(self.path(key), "not an execution record of this veritex")
            return None
        if entry.get("checksum") != _sha(canonical(payload)):
            self.entries.note(self.path(key), "its checksum does not match")
            return None
        return payload


def _fits(payload: dict[str, Any], doc: Document) -> bool:
    """The payload has the expected shape and belongs to these very cells and evals."""
    cells, evals = payload.get("cells"), payload.get("evals")
    if not isinstance(cells, list) or not isinstance(evals, list):
        return False
    if not isinstance(payload.get("environment"), dict) or not isinstance(payload.get("data_files"), dict):
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
