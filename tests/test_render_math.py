"""Build-time KaTeX: markup (from the typeset service, never in the model), errors at the offending
character, the lost-underscore warning, macros, document-wide \\newcommand and the on-disk cache."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from veritex import typeset as service
from veritex.cache import collecting
from veritex.katex import Rendered
from veritex.model import Document, FrontMatter, Item, MarkdownCell, Math, Position
from veritex.readers.markdown import read_markdown
from veritex.stages.render_math import render_math
from veritex.typeset import RenderCache, prepare, typeset_document, typeset_formula

ACCEPTANCE = Path(__file__).resolve().parents[2] / "shared" / "acceptance"


def _doc(*formulas: Math, macros: dict[str, str] | None = None, path: Path = Path("doc.md")) -> Document:
    cell = MarkdownCell("", Position(str(path), 1), math=list(formulas))
    return Document(path=path, meta=FrontMatter(macros=macros or {}), cells=[cell])


def _math(tex: str, line: int = 1, column: int = 1, display: bool = True, label: str | None = None) -> Math:
    return Math(tex=tex, display=display, position=Position("doc.md", line, column), label=label)


def _typeset(doc: Document, cache_dir: Path | None = None) -> dict[int, Rendered]:
    """What the HTML writer gets for each formula (after the stage, from the same service)."""
    formulas = list(doc.all_math())
    found = typeset_document([(m.tex, m.display) for m in formulas], doc.meta.macros, cache_dir=cache_dir,
                             document=doc.path)
    return {id(m): r for m, r in zip(formulas, found, strict=True)}


def _html(doc: Document, math: Math, cache_dir: Path | None = None) -> str | None:
    return _typeset(doc, cache_dir)[id(math)].html


def _items(doc: Document, status: str) -> list[Item]:
    return [i for i in doc.items if i.kind == "math" and i.status == status]


def test_inline_and_display_formulas_become_katex_markup() -> None:
    inline, display = _math(r"a_i b_j", display=False), _math(r"\frac{1}{2} \sum_{i=1}^n x_i")
    doc = _doc(inline, display)
    render_math(doc, None)
    inline_html, display_html = _html(doc, inline), _html(doc, display)
    assert inline_html and inline_html.startswith('<span class="katex">') and "katex-display" not in inline_html
    assert display_html and "katex-display" in display_html and "<math" in display_html  # MathML for readers
    assert doc.items == []
    assert not hasattr(inline, "html")  # the model keeps no markup


def test_unclosed_brace_points_at_the_end_and_names_the_open_brace() -> None:
    math = _math(r"\frac{1}{2", line=13)
    doc = _doc(math)
    render_math(doc, None)
    (error,) = _items(doc, "error")
    assert error.position == Position("doc.md", 13, 11)
    assert "expected '}'" in error.message and "line 13, column 9 is never closed" in error.message
    rendered = _typeset(doc)[id(math)]
    assert rendered.html is None and rendered.message and rendered.message in error.message


def test_error_position_inside_a_multi_line_formula_and_a_column_offset() -> None:
    math = _math("a + b \\\\\n  c + \\foo{x}", line=7, column=5)
    doc = _doc(math)
    render_math(doc, None)
    (error,) = _items(doc, "error")
    assert (error.position.line, error.position.column) == (8, 7)  # type: ignore[union-attr]
    assert "Undefined control sequence: \\foo" in error.message and "macros:" in error.message


def test_misspelled_command_gets_a_suggestion() -> None:
    doc = _doc(_math(r"\frca{1}{2}"))
    render_math(doc, None)
    (error,) = _items(doc, "error")
    assert "did you mean \\frac?" in error.message  # a transposition ranks first


@pytest.mark.parametrize(
    ("tex", "suggestion"),
    [(r"\sum{i=1}^n x_i", r"\sum_{i=1}^n"), (r"\prod{k=1}^{K} p_k", r"\prod_{k=1}^{K}"),
     (r"\lim{x \to 0} f(x)", r"\lim_{x \to 0}")],
)
def test_big_operator_followed_by_a_brace_is_a_warning(tex: str, suggestion: str) -> None:
    math = _math(tex, line=22, column=90, display=False)
    doc = _doc(math)
    render_math(doc, None)
    (warning,) = _items(doc, "warning")
    assert suggestion in warning.message and warning.position == Position("doc.md", 22, 90)
    assert _html(doc, math) is not None  # it still renders


@pytest.mark.parametrize("tex", [r"\sum_{i=1}^n x_i", r"\max{(a, b)}", r"\int_0^1 f(x)\,dx", r"\sum x_i"])
def test_correct_operators_are_not_warned_about(tex: str) -> None:
    doc = _doc(_math(tex))
    render_math(doc, None)
    assert doc.items == []


def test_front_matter_macros_reach_katex() -> None:
    norm = r"\left\lVert #1 \right\rVert"
    with_macro = _doc(_math(r"\norm{\theta}^2"), macros={r"\norm": norm})
    render_math(with_macro, None)
    assert with_macro.items == [] and "∥" in (_html(with_macro, next(with_macro.all_math())) or "")
    without = _doc(_math(r"\norm{\theta}^2"))
    render_math(without, None)
    assert "\\norm" in _items(without, "error")[0].message


def test_newcommand_serves_later_formulas_even_when_only_they_are_re_rendered(tmp_path: Path) -> None:
    define = _math(r"\newcommand{\RR}{\mathbb{R}} x \in \RR")
    use = _math(r"y \in \RR^n", line=5)
    first = _doc(define, use, path=tmp_path / "d.md")
    render_math(first, tmp_path)
    use_html = _html(first, use, tmp_path)
    assert _html(first, define, tmp_path) and use_html and "mathbb" in use_html
    edited = _math(r"z \in \RR^{n \times m}", line=5)
    doc = _doc(_math(define.tex), edited, path=tmp_path / "d.md")
    service.forget_remembered()
    render_math(doc, tmp_path)  # the definition is cached, the edited use is not
    assert doc.items == [] and _html(doc, edited, tmp_path) is not None


def test_label_is_blanked_and_numbered_environments_are_starred() -> None:
    prepared = prepare("\\begin{align} a &= b \\label{eq:x} \\\\ \\foo \\end{align}")
    assert "\\label" not in prepared.tex and "\\begin{align*}" in prepared.tex and "\\end{align*}" in prepared.tex
    math = _math("\\begin{align} a &= b \\label{eq:x} \\\\ c &= \\foo \\end{align}", label="eq:x")
    doc = _doc(math)
    render_math(doc, None)
    (error,) = _items(doc, "error")
    assert error.position and error.position.column == 1 + math.tex.index("\\foo")  # the inserted * is undone
    ok = _math("\\begin{equation} a = b \\label{eq:y} \\end{equation}", label="eq:y")
    ok_doc = _doc(ok)
    render_math(ok_doc, None)
    ok_html = _html(ok_doc, ok)
    assert ok_html and "eqn-num" not in ok_html  # veritex numbers equations, not KaTeX's CSS counter


def test_tag_is_rendered_by_katex() -> None:
    math = _math(r"E = mc^2 \tag{$\star$}")
    doc = _doc(math)
    render_math(doc, None)
    html = _html(doc, math)
    assert html and 'class="tag"' in html


def test_a_fully_cached_rebuild_does_not_start_v8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    formulas = [_math(r"\frac{a}{b}"), _math(r"\foo", line=3), _math(r"x^2", display=False)]
    first = _doc(*formulas, path=tmp_path / "doc.md")
    render_math(first, tmp_path / "cache")
    assert len(list((tmp_path / "cache" / "math").glob("*/*.json"))) == 1
    before = _typeset(first, tmp_path / "cache")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("KaTeX was called although every formula is cached")

    monkeypatch.setattr(service, "render_batch", refuse)
    service.forget_remembered()  # as in a new process: from the disk
    again = [_math(m.tex, m.position.line, display=m.display) for m in formulas]
    second = _doc(*again, path=tmp_path / "doc.md")
    render_math(second, tmp_path / "cache")
    after = _typeset(second, tmp_path / "cache")
    assert [after[id(m)] for m in again] == [before[id(m)] for m in formulas]
    assert [(i.status, i.position) for i in second.items] == [(i.status, i.position) for i in first.items]


def test_a_corrupt_cache_is_ignored_and_rewritten(tmp_path: Path) -> None:
    doc = _doc(_math(r"a^2"), path=tmp_path / "doc.md")
    cache_file = RenderCache(tmp_path, doc.path).path
    assert cache_file is not None
    cache_file.parent.mkdir(parents=True)
    cache_file.write_text("{not json")
    with collecting() as notes:
        render_math(doc, tmp_path)
    assert _html(doc, next(doc.all_math()), tmp_path)
    assert json.loads(cache_file.read_text())["value"]["entries"]
    assert list(notes.damaged) == [cache_file]


def test_cache_forgets_formulas_that_left_the_document(tmp_path: Path) -> None:
    render_math(_doc(_math("a"), _math("b"), path=tmp_path / "doc.md"), tmp_path)
    render_math(_doc(_math("a"), path=tmp_path / "doc.md"), tmp_path)
    (cache_file,) = tmp_path.glob("math/*/*.json")
    assert len(json.loads(cache_file.read_text())["value"]["entries"]) == 1


def test_when_v8_fails_formulas_are_rendered_one_by_one_and_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from veritex import katex

    monkeypatch.setattr(katex, "CALL_TIMEOUT_SECONDS", 1e-4)  # the whole batch "runs away"
    formulas = [_math(f"x_{{{i}}}^2 + \\frac{{{i}}}{{2}}", line=i + 1) for i in range(100)]
    doc = _doc(*formulas, path=tmp_path / "doc.md")
    render_math(doc, tmp_path)
    assert doc.items == []
    monkeypatch.setattr(katex, "CALL_TIMEOUT_SECONDS", 120.0)
    assert not list(tmp_path.rglob("*.json"))  # a rescue is retried next time, not remembered
    assert all(r.html for r in _typeset(doc, tmp_path).values())


def test_typeset_formula_for_outputs() -> None:
    rendered = typeset_formula(r"\displaystyle x^{2}", display=True)
    assert rendered.html and "katex-display" in rendered.html and rendered.message is None
    rendered = typeset_formula(r"\frac{", display=True)
    assert rendered.html is None and rendered.message


def test_renders_where_an_asyncio_loop_is_running() -> None:
    """Jupyter and Playwright run a loop in the calling thread; V8 must start and answer there too."""
    code = ("import asyncio\nfrom veritex.typeset import typeset_formula\n"
            "async def main():\n    return typeset_formula('x^2', display=False)\n"
            "r = asyncio.run(main())\nassert r.html and 'katex' in r.html and r.message is None, r.message\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_reader_positions_flow_through_to_errors() -> None:
    text = "# T\n\nSome $a + \\oops$ here.\n\n$$\nx = \\frac{1}{2\n$$\n"
    doc = read_markdown(text, Path("t.md"))
    render_math(doc, None)
    found = sorted((i.position.line, i.position.column) for i in _items(doc, "error") if i.position)
    assert found == [(3, 11), (6, 15)]


@pytest.mark.skipif(not ACCEPTANCE.is_dir(), reason="shared acceptance documents not present")
def test_acceptance_broken_document() -> None:
    from veritex.readers import read

    doc = read(ACCEPTANCE / "broken.md")
    render_math(doc, None)
    assert sorted(i.position.line for i in _items(doc, "error") if i.position) == [13, 19]
    (warning,) = _items(doc, "warning")
    assert warning.position and warning.position.line == 22 and "\\sum_{i=1}^n" in warning.message


def test_latex_commands_katex_lacks_are_defined() -> None:
    """`\\mbox` (LaTeX and MathJax have it, KaTeX not) renders as text instead of failing the formula."""
    rendered = typeset_formula(r"\mbox{f}[y] = 20.446\exp\left[-(y-3)^4\right]", display=True)
    assert rendered.html and rendered.message is None and ">f<" in rendered.html
