"""A document written for a test, read as the cross-check stage reads it."""

from __future__ import annotations

from pathlib import Path

from veritex.api import load
from veritex.crosschecks import CrossContext, Finding
from veritex.derivations.reading import read_document_math


def context_of(tmp_path: Path, text: str, name: str = "doc.md") -> CrossContext:
    path = tmp_path / name
    path.write_text(text)
    doc = load(path)
    return CrossContext(doc, read_document_math(doc))


def line_of(finding: Finding) -> int:
    position = finding.math.position
    assert position is not None
    return position.line
