"""The HTML page: prose and math, references, values, code and every kind of output, verdict badges,
the summary bar and the shared offline assets."""

from __future__ import annotations

import base64
import subprocess
import sys
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from veritex.model import VERDICT_MIME, CodeCell, Document, Item
from veritex.readers.markdown import read_markdown
from veritex.stages.numbering import number_equations
from veritex.stages.render_math import render_math
from veritex.writers.ansi import ansi_to_html
from veritex.writers.html import write_html
from veritex.writers.outputs import merge_streams

SOURCE = r"""---
title: Gradient descent, checked
macros:
  \norm: "\\left\\lVert #1 \\right\\rVert"
---

# Gradient descent, checked

Inline $a_i * b_j$ and the loss:

$$
L(w) = \frac{1}{n} \sum_{i=1}^n (y_i - w x_i)^2 + \norm{w}
$$ (eq:loss)

## The update

$$
w \leftarrow w - \eta \nabla L(w)
$$ (eq:update)

See {eq}`eq:loss`, \eqref{eq:update} and {eq}`eq:missing`. The fitted weight is {eval}`w`.
A lost underscore: $\sum{i=1}^n x_i$ and a broken one $\frac{1}{$.

```python
print("hello")
```

```python
w = 1 / 0
```

```python
while True:
    pass
```

```bash
echo "not run"
```

## 中文小节

梯度下降的更新规则如公式 {eq}`eq:update` 所示。
"""


def _png() -> str:
    """A real 2x1 PNG (red, blue), base64-encoded as Jupyter sends it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = (2).to_bytes(4, "big") + (1).to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\x00\xff")
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return base64.b64encode(png).decode()


def _verdict(status: str, message: str, label: str | None = None, kind: str = "expect") -> dict[str, Any]:
    payload = {"kind": kind, "status": status, "label": label, "message": message, "line": 1,
               "actual": 3.5, "detail": {"worst_input": "x=4.0"}}
    return {"output_type": "display_data", "metadata": {},
            "data": {VERDICT_MIME: payload, "text/plain": f"{status}: {message}"}}


def compiled(tmp_path: Path) -> Document:
    doc = read_markdown(SOURCE, tmp_path / "gd.md")
    number_equations(doc)
    render_math(doc, None)
    hello, divide, loop = (c for c in doc.cells if isinstance(c, CodeCell))
    hello.outputs = [
        {"output_type": "stream", "name": "stdout", "text": "hel"},
        {"output_type": "stream", "name": "stdout", "text": "lo\nprogress 10%\rprogress 100%\n"},
        {"output_type": "stream", "name": "stderr", "text": "a warning <careful>\n"},
        {"output_type": "display_data", "metadata": {},
         "data": {"text/html": "<table class=\"dataframe\"><tr><td>user table</td></tr></table>",
                  "text/plain": "table"}},
        {"output_type": "display_data", "metadata": {}, "data": {"image/png": _png(), "text/plain": "<Figure>"}},
        {"output_type": "display_data", "metadata": {},
         "data": {"image/svg+xml": '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" '
                                   'height="4"><rect width="4" height="4"/></svg>', "text/plain": "svg"}},
        {"output_type": "execute_result", "execution_count": 1, "metadata": {},
         "data": {"text/latex": r"$\displaystyle x^{2} + 1$", "text/plain": "x**2 + 1"}},
        _verdict("verified", "loss < 0.1: got 0.02"),
        _verdict("refuted", "the formula gives 2.0 but the code gives 3.5", label="eq:loss", kind="check"),
    ]
    hello.metadata["veritex"] = {"status": "ok"}
    divide.outputs = [{"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
                       "traceback": ["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero", "----> 1 w = 1 / 0"]}]
    divide.metadata["veritex"] = {"status": "error", "error_line": 1}
    loop.outputs = [{"output_type": "error", "ename": "CellTimeoutError", "evalue": "cell timed out after 5 s",
                     "traceback": ["CellTimeoutError: cell timed out after 5 s"]}]
    loop.metadata["veritex"] = {"status": "timeout", "error_line": 2}
    doc.meta.timeout = 5
    (evaluated,) = doc.all_evals()
    evaluated.value = {"text/plain": "2.9718"}
    doc.add(Item("check", "refuted", "the formula gives 2.0 but the code gives 3.5 <at x=4>",
                 hello.position_of_line(1), label="eq:loss", detail={"worst input": "x = 4.0"}))
    doc.add(Item("identity", "verified", "both sides agree symbolically", doc.labels()["eq:update"].position,
                 label="eq:update"))
    doc.add(Item("cell", "error", "ZeroDivisionError: division by zero", divide.position_of_line(1)))
    doc.add(Item("expect", "verified", "loss < 0.1", hello.position_of_line(1)))
    return doc


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            assert found["id"] not in self.ids, f"duplicate id {found['id']}"
            self.ids.add(str(found["id"]))
        if tag in ("a", "link") and found.get("href"):
            self.hrefs.append(str(found["href"]))
        if found.get("src"):
            self.srcs.append(str(found["src"]))


@pytest.fixture
def page(tmp_path: Path) -> tuple[str, _Page, Path]:
    out = write_html(compiled(tmp_path), tmp_path / "site" / "gd.html", assets_root=tmp_path / "site")
    text = out.read_text(encoding="utf-8")
    parsed = _Page()
    parsed.feed(text)
    return text, parsed, out


def test_math_is_rendered_numbered_and_referenced(page: tuple[str, _Page, Path]) -> None:
    text, parsed, _ = page
    assert "$$" not in text and text.count('class="katex"') >= 4
    assert {"eq-eq-loss", "eq-eq-update"} <= parsed.ids
    assert '<span class="vt-eqno">(1)</span>' in text and '<span class="vt-eqno">(2)</span>' in text
    assert '<a class="vt-ref" id="ref-1" href="#eq-eq-loss">(1)</a>' in text
    assert 'href="#eq-eq-update">(2)</a>' in text
    assert 'class="vt-ref vt-broken"' in text and "(eq:missing?)" in text
    assert "∥" in text  # the front-matter macro \norm reached KaTeX


def test_math_errors_and_warnings_are_marked_in_place(page: tuple[str, _Page, Path]) -> None:
    text, _, _ = page
    assert 'class="vt-tex vt-math-error"' in text and "\\frac{1}{" in text
    assert 'class="vt-math vt-math-warning"' in text and "\\sum_{i=1}^n" in text


def test_inline_value_and_headings(page: tuple[str, _Page, Path]) -> None:
    text, parsed, _ = page
    assert '<span class="vt-eval" id="eval-1" title="w">2.9718</span>' in text
    assert '<h1 id="gradient-descent-checked">' in text and '<h2 id="the-update">' in text
    assert "中文小节" in text and '<h2 id="中文小节">' in text and 'lang="en"' in text
    assert 'href="#the-update"' in text and 'href="#中文小节"' in text  # table of contents


def test_code_is_highlighted_with_document_line_numbers(page: tuple[str, _Page, Path]) -> None:
    text, _, _ = page
    assert '<pre class="vt-code vt-numbered" data-lang="python">' in text
    assert '<span class="nb">print</span>' in text  # Pygments classes, coloured by the page CSS
    assert 'class="vt-line vt-line-marked" data-line="29"' in text  # the failing line of `w = 1 / 0`
    assert '<pre class="vt-code" data-lang="bash">' in text  # a fence that is not run stays prose


def test_outputs_of_every_kind(page: tuple[str, _Page, Path]) -> None:
    text, parsed, _ = page
    assert '<pre class="vt-stream vt-stdout">hello\nprogress 100%\n</pre>' in text
    assert '<pre class="vt-stream vt-stderr">a warning &lt;careful&gt;\n</pre>' in text
    # the user's HTML, sanitized: the table and its class kept (the parser adds the implied tbody)
    assert '<table class="dataframe"><tbody><tr><td>user table</td></tr></tbody></table>' in text
    assert any(s.startswith("data:image/png;base64,iVBOR") for s in parsed.srcs)
    svg = next(s for s in parsed.srcs if s.startswith("data:image/svg+xml;base64,"))
    assert base64.b64decode(svg.split(",", 1)[1]).startswith(b"<svg")
    assert '<div class="vt-latex"><span class="katex-display">' in text


def test_errors_timeouts_and_verdict_outputs(page: tuple[str, _Page, Path]) -> None:
    text, _, _ = page
    assert "\x1b" not in text and '<span class="ansi-red">ZeroDivisionError</span>' in text
    assert "raised ZeroDivisionError at line 29" in text
    assert 'class="vt-cell vt-state-timeout"' in text and "ran longer than 5 s at line 34" in text
    assert '<div class="vt-verdict vt-verified" data-status="verified">' in text
    assert '<div class="vt-verdict vt-refuted" data-status="refuted">' in text
    assert "the formula gives 2.0 but the code gives 3.5" in text and "x=4.0" in text


def test_formula_badges_carry_the_whole_message(page: tuple[str, _Page, Path]) -> None:
    text, _, _ = page
    loss = text[text.index('id="eq-eq-loss"'):]
    loss = loss[: loss.index("</div>\n")]
    assert 'class="vt-chip vt-refuted"' in loss
    assert 'title="the formula gives 2.0 but the code gives 3.5 &lt;at x=4&gt;"' in loss
    assert "<dt>worst input</dt>" in loss
    update = text[text.index('id="eq-eq-update"'):]
    assert 'class="vt-chip vt-verified"' in update[: update.index("</div>\n")]


def test_summary_counts_and_links_to_each_problem(page: tuple[str, _Page, Path]) -> None:
    text, parsed, _ = page
    summary = text[text.index('<header class="vt-summary'): text.index("</header>")]
    assert '<span class="vt-count-n">2</span> verified' in summary
    assert '<span class="vt-count-n">1</span> refuted' in summary
    assert '<span class="vt-count-n">3</span> errors' in summary  # formula, reference, cell
    assert '<span class="vt-count-n">1</span> warning' in summary
    for where in ("gd.md:21:42", "gd.md:22:21", "gd.md:22:65", "gd.md:29:1", "gd.md:25:1"):
        assert f">{where}</a>" in summary
    internal = [h[1:] for h in parsed.hrefs if h.startswith("#")]
    assert internal and all(target in parsed.ids for target in internal)
    for target in ("math-4", "math-5", "ref-3", "cell-2", "cell-1"):
        assert f'href="#{target}"' in summary


def test_assets_are_local_shared_and_written_once(page: tuple[str, _Page, Path], tmp_path: Path) -> None:
    text, parsed, out = page
    assets = out.parent / "_veritex"
    assert (assets / "veritex.css").is_file() and (assets / "katex" / "katex.min.css").is_file()
    assert list((assets / "katex" / "fonts").glob("KaTeX_Main-Regular.woff2"))
    assert ".vt-code .nb" in (assets / "veritex.css").read_text()  # Pygments colours in the page CSS
    assert all(not h.startswith(("http:", "https:", "//")) for h in parsed.hrefs if not h.startswith("#"))
    assert "<script" not in text and all(s.startswith("data:") for s in parsed.srcs)
    assert 'href="_veritex/veritex.css"' in text

    before = {p: p.stat().st_mtime_ns for p in assets.rglob("*") if p.is_file()}
    nested = write_html(compiled(tmp_path), out.parent / "sub" / "page.html", assets_root=out.parent)
    assert 'href="../_veritex/katex/katex.min.css"' in nested.read_text()
    assert before == {p: p.stat().st_mtime_ns for p in assets.rglob("*") if p.is_file()}
    assert not [p for p in out.parent.rglob("*.tmp")]


def test_cjk_document_is_marked_chinese(tmp_path: Path) -> None:
    doc = read_markdown("# 线性回归\n\n给定数据集 $x_i$，模型的预测为 $y$。\n", tmp_path / "zh.md")
    render_math(doc, None)
    text = write_html(doc, tmp_path / "zh.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in text and "给定数据集" in text and "<title>线性回归</title>" in text


def test_math_katex_rejects_still_shows_its_tex(tmp_path: Path) -> None:
    """Without the render stage the writer still typesets (through the service); what KaTeX rejects
    shows as its TeX, with KaTeX's reason."""
    doc = read_markdown("Inline $\\frac{1}{$ and $x^2$.\n\n$$\ny = \\oops\n$$\n", tmp_path / "raw.md")
    text = write_html(doc, tmp_path / "raw.html").read_text()
    assert '<code class="vt-tex vt-math-error" id="math-1" title="' in text and "\\frac{1}{</code>" in text
    assert '<div class="vt-equation vt-math-error" id="math-3"><pre class="vt-tex" title="' in text
    assert "y = \\oops</pre>" in text and "Undefined control sequence" in text
    assert 'class="katex"' in text  # the formula KaTeX accepts is typeset


def test_ansi_converter() -> None:
    assert ansi_to_html("\x1b[1;31mError\x1b[0m <x>") == '<span class="ansi-bold ansi-red">Error</span> &lt;x&gt;'
    assert ansi_to_html("\x1b[38;5;208morange\x1b[39m plain") == "orange plain"


def test_streams_merge_per_name() -> None:
    merged = merge_streams([{"output_type": "stream", "name": "stdout", "text": "a"},
                            {"output_type": "stream", "name": "stdout", "text": ["b", "c\n"]},
                            {"output_type": "stream", "name": "stderr", "text": "e"}])
    assert [(o["name"], o["text"]) for o in merged] == [("stdout", "abc\n"), ("stderr", "e")]


def test_writer_imports_no_kernel_machinery() -> None:
    code = ("import sys, veritex.writers.html; bad = [m for m in ('jupyter_client', 'nbclient', 'ipykernel', "
            "'zmq', 'py_mini_racer') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
