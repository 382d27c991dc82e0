"""The build pipeline end to end: pages, the cache, skipping, the CLI and its report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from veritex.builder import build
from veritex.cli import main

pytestmark = pytest.mark.kernel

DOC = """---
title: Small
seed: 1
---

# Small

A formula $a_i * b_j$ and a labelled one:

$$
y = 2x
$$ (eq:double)

See {eq}`eq:double`.

```python
import veritex as vt
x = 21
print("answer", 2 * x)
vt.expect(2 * x, equals=42)
```

The value is {eval}`2 * x`.
"""


def _write(tmp_path: Path, text: str = DOC) -> Path:
    src = tmp_path / "small.md"
    src.write_text(text)
    return src


def _no_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    from veritex.stages import execute

    def refuse(self: object) -> None:
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(execute.Execution, "start", refuse)


def test_build_writes_page_and_report(tmp_path: Path) -> None:
    src = _write(tmp_path)
    report = build([src], tmp_path / "site")
    (doc,) = report.documents
    page = (tmp_path / "site" / "small.html").read_text()
    assert doc.ok and doc.cells_run == 1 and not doc.cache_hit
    assert "answer 42" in page and "katex" in page and "$$" not in page
    assert [(i.kind, i.status) for i in doc.items if i.kind == "expect"] == [("expect", "verified")]
    assert any(i.kind == "eval" and i.message.endswith("= 42") for i in doc.items)


def test_unchanged_is_skipped_prose_edit_starts_no_kernel_code_edit_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _write(tmp_path)
    site = tmp_path / "site"
    build([src], site)
    (again,) = build([src], site).documents
    assert again.skipped and again.ok

    src.write_text(DOC.replace("A formula", "An edited formula"))
    with monkeypatch.context() as m:
        _no_kernel(m)
        (prose,) = build([src], site).documents
    assert prose.cache_hit and prose.cells_run == 0 and not prose.skipped
    assert "An edited formula" in (site / "small.html").read_text()
    assert "answer 42" in (site / "small.html").read_text()

    src.write_text(DOC.replace("x = 21", "x = 20"))
    (code,) = build([src], site).documents
    assert not code.cache_hit and code.cells_run == 1
    assert "answer 40" in (site / "small.html").read_text()
    assert not code.ok  # vt.expect(40, equals=42) is refuted


def test_corrupt_cache_entry_is_ignored(tmp_path: Path) -> None:
    src = _write(tmp_path)
    site = tmp_path / "site"
    build([src], site)
    for entry in (site / ".veritex-cache" / "exec").rglob("*.json"):
        entry.write_text(entry.read_text()[: len(entry.read_text()) // 2])
    src.write_text(DOC.replace("A formula", "Edited"))  # not skipped: the source changed
    (doc,) = build([src], site).documents
    assert doc.ok and doc.cells_run == 1 and not doc.cache_hit


def test_force_reexecutes(tmp_path: Path) -> None:
    src = _write(tmp_path)
    site = tmp_path / "site"
    build([src], site)
    (doc,) = build([src], site, force=True).documents
    assert doc.cells_run == 1 and not doc.skipped and not doc.cache_hit


def test_cli_json_and_exit_codes(tmp_path: Path) -> None:
    src = _write(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(src), "-o", str(tmp_path / "site"), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output.strip().splitlines()[-1])
    assert record["document"] == str(src)
    assert {"kind", "label", "line", "column", "status", "message"} <= set(record["items"][0])

    bad = tmp_path / "bad.md"
    bad.write_text("# Bad\n\n```python\nraise ValueError('boom')\n```\n")
    result = runner.invoke(main, ["build", str(bad), "-o", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert f"{bad}:4:1" in result.output and "ValueError: boom" in result.output


def test_folder_build_finds_documents_and_skips_outdir(tmp_path: Path) -> None:
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    (tmp_path / "docs" / "a.md").write_text("# A\n\n$x^2$\n")
    (tmp_path / "docs" / "sub" / "b.md").write_text("# B\n")
    report = build([tmp_path / "docs"], tmp_path / "docs" / "site", execute=False)
    assert sorted(d.path.name for d in report.documents) == ["a.md", "b.md"]
    assert (tmp_path / "docs" / "site" / "sub" / "b.html").is_file()
    assert build([tmp_path / "docs"], tmp_path / "docs" / "site", execute=False).documents[0].skipped


def test_pages_are_readable_by_others(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n")
    build([tmp_path / "a.md"], tmp_path / "site", execute=False)
    assert (tmp_path / "site" / "a.html").stat().st_mode & 0o044 == 0o044


def test_folder_build_writes_an_index_of_its_pages(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("---\ntitle: Alpha\n---\n\n$$x$$\n")
    (tmp_path / "docs" / "b.md").write_text("# Beta\n\n$\\foo$\n")
    report = build([tmp_path / "docs"], tmp_path / "site", execute=False)
    assert report.index == tmp_path / "site" / "index.html"
    index = report.index.read_text()
    assert 'href="a.html"' in index and "Alpha" in index and 'href="b.html"' in index
    assert "Beta" in index and "b.md" in index and index.count("vt-index-entry") == 2


def test_several_checks_on_one_label_are_one_verdict(tmp_path: Path) -> None:
    text = (
        "$$\ny = 2x\n$$ (eq:double)\n\n"
        "```python\nimport veritex as vt\n"
        "vt.check('eq:double', lambda x: 2 * x, x=1.0)\n"
        "vt.check('eq:double', lambda x: 2 * x, x=3.0)\n"
        "vt.check('eq:double', lambda x: 2 * x + (x > 2), x=3.0)\n```\n"
    )
    src = tmp_path / "cases.md"
    src.write_text(text)
    (doc,) = build([src], tmp_path / "site").documents
    (item,) = [i for i in doc.items if i.kind == "check"]
    assert item.status == "refuted" and item.detail["cases"] == 3
    assert item.detail["case_statuses"] == ["verified", "verified", "refuted"]
    assert item.position is not None and item.position.line == 9 and item.message.startswith("case 3 of 3")
    src.write_text(text.replace(" + (x > 2)", ""))
    (doc,) = build([src], tmp_path / "site").documents
    (item,) = [i for i in doc.items if i.kind == "check"]
    assert item.status == "verified" and item.message.startswith("all 3 cases agree")
