"""How fast veritex renders math: 1,000 distinct formulas through KaTeX in V8, then the same document
again from the render cache (which must not start V8 at all).

    .venv/bin/python bench/katex_rate.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from veritex import katex, typeset
from veritex.model import Document, FrontMatter, MarkdownCell, Math, Position
from veritex.stages.render_math import render_math

# "N" is replaced by the formula's index, so every formula is distinct.
TEMPLATES = [
    r"\frac{1}{N} \sum_{i=1}^{N} (y_i - w x_i)^2",
    r"\mathrm{softmax}(z)_{N} = \frac{e^{z_{N}}}{\sum_j e^{z_j}}",
    r"\nabla_{W_{N}} L = \delta_{N} h_{N}^\top",
    r"\begin{aligned} a_{N} &= \sigma(W a_{N-1} + b) \\ y &= a_{N}^2 \end{aligned}",
    r"\int_0^{N} e^{-x^2} \, dx \approx \sqrt{\pi} / N",
    r"\mathbb{E}_{x \sim p}\left[\log q_{N}(x)\right] \le \log N",
    r"\begin{pmatrix} N & 0 \\ 0 & \lambda_{N} \end{pmatrix}",
    r"\operatorname{Attention}(Q,K,V) = \mathrm{softmax}\left(\frac{QK^\top}{\sqrt{N}}\right)V",
]


def formulas(count: int) -> list[str]:
    return [TEMPLATES[i % len(TEMPLATES)].replace("N", str(i)) for i in range(count)]


def document(tex: list[str], path: Path) -> Document:
    nodes = [Math(t, display=i % 3 == 0, position=Position(str(path), i + 1)) for i, t in enumerate(tex)]
    return Document(path=path, meta=FrontMatter(), cells=[MarkdownCell("", Position(str(path), 1), math=nodes)])


def main(count: int = 1000) -> None:
    tex = formulas(count)
    assert len(set(tex)) == count
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "math"
        doc_path = Path(tmp) / "bench.md"

        started = time.perf_counter()
        katex.render_one("x", False)
        startup = time.perf_counter() - started

        started = time.perf_counter()
        doc = document(tex, doc_path)
        render_math(doc, cache)
        cold = time.perf_counter() - started
        failed = [i.message for i in doc.items if i.status == "error"]
        assert not failed, failed[:3]

        typeset.forget_remembered()  # as a new build process would: from the disk cache
        started = time.perf_counter()
        again = document(tex, doc_path)
        render_math(again, cache)
        cached = time.perf_counter() - started
        rendered = typeset.typeset_document([(m.tex, m.display) for m in again.all_math()], again.meta.macros,
                                            cache_dir=cache, document=doc_path)
        assert all(r.html for r in rendered)

    print(f"V8 + KaTeX {katex.KATEX_VERSION} start: {startup * 1000:.0f} ms")
    print(f"render {count} distinct formulas: {cold:.2f} s = {count / cold:,.0f} formulas/s")
    print(f"same document from the cache: {cached * 1000:.0f} ms = {count / cached:,.0f} formulas/s")


if __name__ == "__main__":
    main()
