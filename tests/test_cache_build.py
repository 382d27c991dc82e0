"""Every cache a build uses, through the one cache package: a damaged entry of any of them is a miss reported
as one warning, never a crash; the size cap is applied after a build; the files cells read decide whether
a run still holds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from veritex.builder import build
from veritex.cache.prune import scan
from veritex.stages.cache import ExecutionCache
from veritex.writers.html import _environment

DOC = """---
title: Caches
---

# Caches

Some prose, and a claim:

$$
(x + 1)^2 = x^2 + 2x + 1
$$ (eq:square)

```python
x = 3
print(x)
```
"""

NAMESPACES = ["stamps", "math", "highlight", "templates", "identities", "identity-documents", "crosscheck-documents"]
KINDS = ["empty", "truncated JSON", "garbage bytes", "wrong type"]


def _timeless(page: str) -> str:
    """The page without how long its identity check took and whether the verdict came from a cache."""
    return re.sub(r"<dt>seconds</dt><dd><code>[^<]*</code></dd><dt>cached</dt><dd><code>\w+</code></dd>", "", page)


def _damage(path: Path, kind: str) -> None:
    good = path.read_bytes()
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated JSON":
        path.write_bytes(good[: len(good) // 2])
    elif kind == "garbage bytes":
        path.write_bytes(bytes(range(256)) * 3)
    elif path.suffix == ".bin":  # a compiled template: well-formed bytes of something else
        path.write_bytes(json.dumps({"not": "bytecode"}).encode())
    else:
        path.write_text(json.dumps({"key": json.loads(good)["key"], "value": ["a", "list"]}))


def _cache_warnings(report: Any) -> list[str]:
    return [i.message for d in report.documents for i in d.items if i.kind == "document" and i.status == "warning"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("namespace", NAMESPACES)
def test_a_damaged_entry_of_every_cache_is_one_warning_and_the_same_page(tmp_path: Path, namespace: str,
                                                                        kind: str) -> None:
    src = tmp_path / "doc.md"
    src.write_text(DOC, encoding="utf-8")
    site = tmp_path / "site"
    _environment.cache_clear()  # compiled templates come from the cache, as in a new process
    first = build([src], site, execute=False)
    page = _timeless((site / "doc.html").read_text(encoding="utf-8"))
    entries = [e.path for e in scan(site / ".veritex-cache").entries if e.namespace == namespace]
    assert entries, namespace
    for path in entries:
        _damage(path, kind)

    _environment.cache_clear()
    again = build([src], site, execute=False, force=namespace != "stamps")
    (warning,) = _cache_warnings(again)
    assert warning.startswith(f"{len(entries)} damaged cache entr") and f"{namespace} " in warning
    assert _timeless((site / "doc.html").read_text(encoding="utf-8")) == page
    assert [(i.kind, i.status, i.message) for i in first.documents[0].items] == \
           [(i.kind, i.status, i.message) for i in again.documents[0].items if i.kind != "document"]

    _environment.cache_clear()
    healed = build([src], site, execute=False, force=True)  # the entries were rewritten whole
    assert _cache_warnings(healed) == []
    unchanged = build([src], site, execute=False)
    assert unchanged.documents[0].skipped and _cache_warnings(unchanged) == []


def test_the_size_cap_is_applied_after_a_build(tmp_path: Path) -> None:
    src = tmp_path / "doc.md"
    src.write_text(DOC, encoding="utf-8")
    build([src], tmp_path / "site", execute=False)
    root = tmp_path / "site" / ".veritex-cache"
    kept = scan(root)
    assert {e.namespace for e in kept.entries} >= set(NAMESPACES)
    src.write_text(DOC.replace("Some prose", "Other prose"), encoding="utf-8")
    build([src], tmp_path / "site", execute=False, cache_max_size=kept.size // 2)
    assert 0 < scan(root).size <= kept.size // 2
    build([src], tmp_path / "site", execute=False, force=True, cache_max_size=0)
    assert scan(root).entries == []


def test_a_skipped_document_keeps_the_entries_its_page_was_made_from_in_use(tmp_path: Path) -> None:
    src = tmp_path / "doc.md"
    src.write_text(DOC, encoding="utf-8")
    _environment.cache_clear()  # this build compiles the page template, as a new process does
    build([src], tmp_path / "site", execute=False)
    root = tmp_path / "site" / ".veritex-cache"
    long_ago = time.time() - 10_000
    for entry in scan(root).entries:
        os.utime(entry.path, (long_ago, long_ago))
    assert build([src], tmp_path / "site", execute=False).documents[0].skipped
    recent = {e.namespace for e in scan(root).entries if e.used > long_ago + 1}
    assert recent == set(NAMESPACES)  # so pruning removes the entries of documents no longer built first


def test_rebuilds_far_under_the_cap_neither_walk_the_cache_nor_load_the_pruning_code(tmp_path: Path) -> None:
    src = tmp_path / "doc.md"
    src.write_text(DOC, encoding="utf-8")
    script = ("import sys\nfrom veritex.builder import build\n"
              f"report = build([{str(src)!r}], {str(tmp_path / 'site')!r}, execute=False)\n"
              "print(report.documents[0].skipped, 'veritex.cache.prune' in sys.modules)")
    def run() -> list[str]:
        return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()

    assert run() == ["False", "True"]  # the first build learns the cache's size by walking it
    assert run() == ["True", "False"]
    src.write_text(DOC.replace("Some prose", "Edited prose"), encoding="utf-8")
    assert run() == ["False", "False"]  # far under the cap: the size is kept up to date without a walk


# -- data files ----------------------------------------------------------------------------------------

READS = """---
title: Reads
---

```python
with open("data.csv") as f:
    rows = f.read().splitlines()
print(len(rows), "rows")
```
"""

IGNORES = """---
title: Ignores
---

```python
print("no data here")
```
"""


def _two_documents(tmp_path: Path) -> tuple[Path, Path, Path]:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (folder / "reads.md").write_text(READS, encoding="utf-8")
    (folder / "ignores.md").write_text(IGNORES, encoding="utf-8")
    return folder, folder / "reads.md", folder / "ignores.md"


def _by_name(report: Any) -> dict[str, Any]:
    return {d.path.name: d for d in report.documents}


def _runs_again_only_the_reader(folder: Path, site: Path) -> None:
    first = _by_name(build([folder], site))
    assert first["reads.md"].cells_run == 1 and first["ignores.md"].cells_run == 1
    assert "2 rows" in (site / "reads.html").read_text(encoding="utf-8")

    (folder / "data.csv").write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    second = _by_name(build([folder], site))
    assert second["ignores.md"].skipped and second["ignores.md"].cells_run == 0
    assert not second["reads.md"].skipped and not second["reads.md"].cache_hit
    assert second["reads.md"].cells_run == 1
    assert "3 rows" in (site / "reads.html").read_text(encoding="utf-8")

    # The source edited, the data as the last run saw it: served from the execution cache.
    reads = folder / "reads.md"
    reads.write_text(READS.replace("title: Reads", "title: Reads again"), encoding="utf-8")
    third = _by_name(build([folder], site))
    assert third["reads.md"].cache_hit and third["reads.md"].cells_run == 0
    # The file gone: a miss, never a stale page.
    (folder / "data.csv").unlink()
    fourth = _by_name(build([folder], site))
    assert fourth["reads.md"].cells_run == 1 and not fourth["ignores.md"].cells_run


@pytest.mark.kernel
def test_editing_a_data_file_reruns_only_the_document_that_read_it_recorded_by_hand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files are recorded here as the kernel's audit hook records them: every document whose cells
    name `data.csv` read it."""
    store = ExecutionCache.store

    def recording(self: ExecutionCache, key: str, doc: Any) -> bool:
        if any("data.csv" in cell.source for cell in doc.code_cells()):
            doc.data_files = ["data.csv"]
        return store(self, key, doc)

    monkeypatch.setattr(ExecutionCache, "store", recording)
    folder, _, _ = _two_documents(tmp_path)
    _runs_again_only_the_reader(folder, tmp_path / "site")


@pytest.mark.kernel
def test_editing_a_data_file_reruns_only_the_document_that_read_it(tmp_path: Path) -> None:
    """The same through the kernel's own record of the files cells open."""
    folder, _, _ = _two_documents(tmp_path)
    site = tmp_path / "probe"
    build([folder / "reads.md"], site)
    recorded = [json.loads(e.path.read_text())["value"]["payload"]["data_files"]
                for e in scan(site / ".veritex-cache").entries if e.namespace == "exec"]
    if recorded != [{"data.csv": _sha(folder / "data.csv")}]:
        pytest.skip("the kernel does not record the files cells open yet")
    _runs_again_only_the_reader(folder, tmp_path / "site")


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
