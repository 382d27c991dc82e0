"""Rebuilds served from caches: which heavy modules an unchanged or prose-edited rebuild loads, and the
writer's caches (highlighted code, compiled templates, the assets stamp) giving the page a full build gives."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from veritex.builder import build
from veritex.model import Document
from veritex.readers.markdown import read_markdown
from veritex.writers import assets_copy
from veritex.writers.html import render_page, write_html

DOC = r"""---
title: Rebuilds
---

# Rebuilds

Prose far from any formula opens the page.

A second paragraph, between it and the formula.

A sentence of prose, and a formula that states an identity:

$$
(x + 1)^2 = x^2 + 2x + 1
$$ (eq:square)

```python
import veritex as vt
x = 3
vt.expect(x, equals=3)
```

```bash
echo "shown, not run"
```
"""

HEAVY = ("markdown_it", "jinja2", "pygments", "pygments.lexers", "pygments.formatters", "sympy", "numpy", "rich",
         "veritex.math", "jupyter_client")


def _rebuild_modules(folder: Path) -> tuple[str, list[str]]:
    """Run `veritex build --no-execute` in a fresh interpreter; its output and the heavy modules it loaded."""
    script = (
        "import sys\n"
        "from veritex.cli import main\n"
        "sys.argv = ['veritex', 'build', 'doc.md', '-o', 'site', '--no-execute']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    done = subprocess.run([sys.executable, "-c", script], cwd=folder, capture_output=True, text=True, env=env,
                          check=True)
    *output, modules = done.stdout.strip().splitlines()
    return "\n".join(output), json.loads(modules.replace("'", '"'))


def test_an_unchanged_rebuild_loads_no_heavy_module(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text(DOC, encoding="utf-8")
    build([tmp_path / "doc.md"], tmp_path / "site", execute=False)
    output, modules = _rebuild_modules(tmp_path)
    assert "1 unchanged" in output
    assert modules == []


def test_a_prose_edit_builds_no_lexer_and_reads_no_formula(tmp_path: Path) -> None:
    """Prose away from every formula: neither the identity check nor the cross-checks read it."""
    source = tmp_path / "doc.md"
    source.write_text(DOC, encoding="utf-8")
    build([source], tmp_path / "site", execute=False)
    page_before = (tmp_path / "site" / "doc.html").read_text(encoding="utf-8")
    source.write_text(DOC.replace("Prose far from", "Reworded prose far from"), encoding="utf-8")
    output, modules = _rebuild_modules(tmp_path)
    assert "0 unchanged" in output and "1 verified" in output
    # Markdown is parsed and the page rendered again; Pygments' lexers, the math reader and SymPy are not needed.
    assert "markdown_it" in modules and "jinja2" in modules
    assert not {"pygments.lexers", "pygments.formatters", "veritex.math", "sympy", "numpy"} & set(modules)
    page = (tmp_path / "site" / "doc.html").read_text(encoding="utf-8")
    assert _timeless(page) == _timeless(page_before.replace("Prose far from", "Reworded prose far from"))


def test_a_prose_edit_beside_a_formula_reads_the_formulas_but_needs_no_sympy(tmp_path: Path) -> None:
    """The sentence that introduces a formula is what a cross-check reads (a density, a small quantity):
    editing it reads the formulas again, but nothing in this document needs SymPy or a lexer."""
    source = tmp_path / "doc.md"
    source.write_text(DOC, encoding="utf-8")
    build([source], tmp_path / "site", execute=False)
    source.write_text(DOC.replace("A sentence of prose", "A reworded sentence of prose"), encoding="utf-8")
    output, modules = _rebuild_modules(tmp_path)
    assert "0 unchanged" in output and "1 verified" in output
    assert "veritex.math" in modules
    assert not {"pygments.lexers", "pygments.formatters", "sympy"} & set(modules)


def _timeless(page: str) -> str:
    """The page without how long its identity check took and whether the verdict came from a cache."""
    return re.sub(r"<dt>seconds</dt><dd><code>[^<]*</code></dd><dt>cached</dt><dd><code>\w+</code></dd>", "", page)


def _doc(tmp_path: Path, text: str = DOC) -> Document:
    return read_markdown(text, tmp_path / "doc.md")


def test_highlighted_code_from_the_cache_is_what_pygments_gives(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plain = render_page(_doc(tmp_path), "_veritex")
    assert render_page(_doc(tmp_path), "_veritex", cache_dir=cache) == plain
    (entry,) = (cache / "highlight").glob("*/*.json")
    assert render_page(_doc(tmp_path), "_veritex", cache_dir=cache) == plain
    # A damaged entry is ignored and rewritten.
    entry.write_text('{"format": 1, "entries": {"x": [', encoding="utf-8")
    assert render_page(_doc(tmp_path), "_veritex", cache_dir=cache) == plain
    assert len(json.loads(entry.read_text(encoding="utf-8"))["value"]["entries"]) == 2  # the python and the bash block


def test_highlighted_lines_are_keyed_by_their_source_and_forgotten_when_gone(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    render_page(_doc(tmp_path), "_veritex", cache_dir=cache)
    edited = DOC.replace("x = 3", "x = 'three'")
    page = render_page(_doc(tmp_path, edited), "_veritex", cache_dir=cache)
    assert page == render_page(_doc(tmp_path, edited), "_veritex")
    assert "three" in page
    (entry,) = (cache / "highlight").glob("*/*.json")
    assert len(json.loads(entry.read_text(encoding="utf-8"))["value"]["entries"]) == 2


def test_a_damaged_compiled_template_is_compiled_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plain = render_page(_doc(tmp_path), "_veritex")
    render_page(_doc(tmp_path), "_veritex", cache_dir=cache)
    compiled = list((cache / "templates").glob("*/*.bin"))
    assert compiled
    for path in compiled:
        path.write_bytes(path.read_bytes()[:40] + b"garbage")
    from veritex.writers.html import _environment

    _environment.cache_clear()  # a new process: the templates come from the damaged files
    assert render_page(_doc(tmp_path), "_veritex", cache_dir=cache) == plain


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget which asset folders this process already checked."""
    monkeypatch.setattr(assets_copy, "_ensured", set())


def test_assets_changed_after_a_build_are_restored(tmp_path: Path, fresh_process: None) -> None:
    out = write_html(_doc(tmp_path), tmp_path / "site" / "doc.html")
    assets = out.parent / "_veritex"
    css, font = assets / "veritex.css", assets / "katex" / "fonts" / "KaTeX_Main-Regular.woff2"
    original_css, original_font = css.read_bytes(), font.read_bytes()
    css.write_bytes(b"x" * len(original_css))  # same size, another time
    font.unlink()
    assets_copy._ensured.clear()
    write_html(_doc(tmp_path), out)
    assert css.read_bytes() == original_css and font.read_bytes() == original_font


def test_unchanged_assets_are_checked_by_their_stamp(tmp_path: Path, fresh_process: None,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    write_html(_doc(tmp_path), tmp_path / "site" / "doc.html")
    assets_copy._ensured.clear()

    def unread(*args: object) -> None:
        raise AssertionError("the assets were read again")

    monkeypatch.setattr(assets_copy, "bundle", unread)
    write_html(_doc(tmp_path), tmp_path / "site" / "again.html")
