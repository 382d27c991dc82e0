"""The bundled examples build cleanly: no error, nothing refuted, every expectation verified."""

from __future__ import annotations

from pathlib import Path

import pytest

from veritex.builder import build

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

pytestmark = [pytest.mark.kernel, pytest.mark.slow]


def test_examples_build_cleanly(tmp_path: Path) -> None:
    report = build([EXAMPLES], tmp_path / "site", jobs=2)
    assert len(report.documents) >= 3
    for doc in report.documents:
        broken = [(str(i.position), i.kind, i.message) for i in doc.items if i.status in ("error", "refuted")]
        assert not broken, (doc.path.name, broken)
        kinds = {i.kind for i in doc.items if i.status == "verified"}
        assert "expect" in kinds, doc.path.name
        assert (tmp_path / "site" / doc.path.relative_to(EXAMPLES).with_suffix(".html")).is_file()
    assert report.index is not None and report.index.is_file()
    checked = {i.kind for d in report.documents for i in d.items if i.status == "verified"}
    assert {"check", "identity"} <= checked
