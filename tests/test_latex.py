"""The LaTeX writer without a kernel: escaping, equations and their numbers, macros, code and outputs,
pictures, the fallback for node types it does not know; and, where xelatex is installed, the `.tex`
compiled, a LaTeX error as one item at its source line, and the PDF turned into PNG pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_html import compiled

from veritex.model import Item, Paragraph, Text
from veritex.model.body import Block, Node
from veritex.readers import read
from veritex.stages.numbering import number_equations
from veritex.writers.base import WriteContext
from veritex.writers.latex import render_latex, write_latex
from veritex.writers.latex.escape import escape, label_name, url
from veritex.writers.latex.preamble import macro_definitions
from veritex.writers.pdf import write_pdf
from veritex.writers.registry import get_writer

XELATEX = shutil.which("xelatex") is not None and shutil.which("latexmk") is not None
needs_xelatex = pytest.mark.skipif(not XELATEX, reason="xelatex and latexmk are not installed (make latex)")
ARTIFACTS = Path(__file__).parent / "artifacts"


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_special_characters_print_as_themselves() -> None:
    assert escape(r"50% of $x_1 & #2 {a} ~b^c \d") == (
        r"50\% of \$x\_1 \& \#2 \{a\} \textasciitilde{}b\textasciicircum{}c \textbackslash{}d")
    assert escape("bell\x07") == "bell"
    assert label_name("eq:grad-w") == "eq:grad-w" and "%" not in label_name("eq%1 x")
    assert url("https://x.org/a b#c%20") == r"https://x.org/a\%20b\#c\%20"


def test_formats_are_registered() -> None:
    assert get_writer("latex").suffix == ".tex" and get_writer("pdf").suffix == ".pdf"


def test_equations_labels_references_and_numbers(tmp_path: Path) -> None:
    doc = compiled(tmp_path)
    text, _ = render_latex(doc, tmp_path / "gd.tex")
    labels = re.findall(r"\\label\{([^}]+)\}", text)
    assert labels and len(labels) == len(set(labels))
    for target in re.findall(r"\\eqref\{([^}]+)\}", text):
        assert target in labels
    numbered = [m for m in doc.all_math() if m.number is not None]
    assert text.count(r"\begin{equation}") == len(numbered)  # LaTeX counts as veritex numbers
    assert r"\begin{equation*}" in text or all(m.label for m in doc.all_math() if m.display)
    assert r"\includegraphics" not in text or "\\vtgraphic{gd_files/" in text
    assert r"\vtverdict{refuted}{check}" in text and r"\vtverdict{verified}{expect}" in text  # marked lines
    assert r"\[\displaystyle x^{2} + 1\]" in text  # text/latex output set as LaTeX
    assert "ZeroDivisionError" in text and "\x1b" not in text
    assert "% veritex: line " in text


def test_front_matter_macros_become_commands() -> None:
    defined = macro_definitions({r"\norm": r"\left\lVert #1 \right\rVert", r"\vec": r"\mathbf{#1}", "\\a1": "x"})
    assert r"\providecommand{\norm}{}\renewcommand{\norm}[1]{\left\lVert #1 \right\rVert}" in defined
    assert r"\renewcommand{\vec}[1]" in defined  # a name LaTeX already has is redefined, not an error
    assert "left out" in defined


def test_a_node_type_the_writer_does_not_know_shows_its_contents(tmp_path: Path) -> None:
    class Admonition(Block):
        __slots__ = ("children", "position")

        def __init__(self, children: list[Node]) -> None:
            self.children = children
            self.position = None

        def child_nodes(self) -> list[Node]:
            return self.children

    class Unknown(Block):
        __slots__ = ("text", "position")

        def __init__(self, text: str) -> None:
            self.text = text
            self.position = None

    doc = compiled(tmp_path)
    cell = next(doc.markdown_cells())
    cell.body.append(Admonition([Paragraph([Text("careful: 100% sure")])]))
    cell.body.append(Unknown("a_b"))
    text, _ = render_latex(doc, tmp_path / "gd.tex")
    assert r"careful: 100\% sure" in text and r"a\_b" in text


def test_svg_and_png_outputs_are_files_beside_the_tex(tmp_path: Path) -> None:
    written = write_latex(compiled(tmp_path), tmp_path / "out" / "gd.tex", tmp_path / "cache")
    suffixes = sorted(p.suffix for p in written[1:])
    assert written[0].name == "gd.tex" and ".png" in suffixes
    assert all(p.parent.name == "gd_files" and p.is_file() for p in written[1:])


def _context(tmp_path: Path, name: str) -> WriteContext:
    return WriteContext(output=tmp_path / "out" / name, outdir=tmp_path / "out", assets_root=tmp_path / "out",
                        cache_root=tmp_path / "cache")


@needs_xelatex
def test_the_tex_compiles_and_the_pages_look_right(tmp_path: Path) -> None:
    doc = compiled(tmp_path)
    written = write_pdf(doc, _context(tmp_path, "gd.pdf"))
    assert written == [tmp_path / "out" / "gd.pdf"], [i.message for i in doc.items if i.kind == "document"]
    text = pdf_text(written[0])
    assert "(1)" in text and "(2)" in text and "??" not in text  # numbers and resolved references
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(written[0]),
                    str(ARTIFACTS / "latex-page")], check=True)
    assert (ARTIFACTS / "latex-page-1.png").stat().st_size > 5000


@needs_xelatex
def test_a_latex_error_is_one_item_at_its_source_line(tmp_path: Path) -> None:
    source = tmp_path / "bad.md"
    source.write_text("# Bad\n\nSome text.\n\n$$\nx = \\nosuchcommand{y}\n$$\n\nMore text.\n", encoding="utf-8")
    doc = read(source)
    number_equations(doc)  # no math stage: LaTeX meets the broken formula itself
    assert write_pdf(doc, _context(tmp_path, "bad.pdf")) == []
    (item,) = [i for i in doc.items if i.kind == "document"]
    assert item.status == "error" and item.message.startswith("LaTeX could not make the PDF")
    assert item.position is not None and item.position.line == 5
    assert not (tmp_path / "out" / "bad.pdf").exists()


def test_without_xelatex_the_pdf_is_the_page_printed_by_chromium(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed (make browser)")
    import veritex.writers.pdf as pdf_module

    monkeypatch.setattr(pdf_module, "engine", lambda: None)
    doc = compiled(tmp_path)
    monkeypatch.chdir(tmp_path)  # the folders as a command line names them: relative
    written = write_pdf(doc, _context(Path("."), "gd.pdf"))
    assert written and written[0].read_bytes().startswith(b"%PDF")
    warnings = [i for i in doc.items if i.kind == "document" and i.status == "warning"]
    assert len(warnings) == 1 and "Chromium" in warnings[0].message
    if shutil.which("pdftotext"):
        assert "Gradient descent" in pdf_text(written[0]) or doc.title in pdf_text(written[0])


def test_report_items_from_a_writer_join_the_report(tmp_path: Path) -> None:
    from veritex.builder import build

    source = tmp_path / "d.md"
    source.write_text("# D\n\n```mermaid\ngraph TD\n  A --> B\n  B -->> ]]C\n```\n", encoding="utf-8")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed (make browser)")
    pytest.importorskip("playwright.sync_api")
    report = build([source], tmp_path / "site", formats="latex")
    (item,) = [i for i in report.items() if i.kind == "diagram"]
    assert isinstance(item, Item) and item.status == "error" and item.position is not None
    assert item.position.line == 6 and "Parse error on line 3" in item.message  # the fence is line 3
    again = build([source], tmp_path / "site", formats="latex")  # unchanged: the stamp keeps the item
    assert [i.message for i in again.items() if i.kind == "diagram"] == [item.message]


def test_an_align_is_one_equation_with_one_number(tmp_path: Path) -> None:
    source = tmp_path / "al.md"
    source.write_text("# A\n\n$$\n\\begin{align}\na &= b \\\\\nc &= d \\nonumber\n\\end{align}\n$$ (eq:al)\n\n"
                      "\\begin{align*}\nx &= 1\n\\end{align*}\n\nSee {eq}`eq:al`.\n", encoding="utf-8")
    doc = read(source)
    number_equations(doc)
    text, _ = render_latex(doc, tmp_path / "al.tex")
    assert "\\begin{equation}\\label{eq:al}\n\\begin{aligned}a &= b \\\\\nc &= d\n\\end{aligned}" in text
    assert "\\begin{equation*}\n\\begin{aligned}x &= 1" in text
    assert "\\begin{align}" not in text and "\\begin{align*}" not in text
    assert "\\eqref{eq:al}" in text


def test_svg_figures_become_pdf_pictures_drawn_once(tmp_path: Path) -> None:
    pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed (make browser)")
    first = write_latex(compiled(tmp_path), tmp_path / "out" / "gd.tex", tmp_path / "cache")
    pictures = [p for p in first[1:] if p.suffix == ".pdf"]
    assert len(pictures) == 1 and pictures[0].read_bytes().startswith(b"%PDF")
    cached = list((tmp_path / "cache" / "graphics").rglob("*.json"))
    again = write_latex(compiled(tmp_path), tmp_path / "again" / "gd.tex", tmp_path / "cache")
    assert list((tmp_path / "cache" / "graphics").rglob("*.json")) == cached  # read back, not drawn again
    assert [p.read_bytes() for p in again[1:] if p.suffix == ".pdf"] == [pictures[0].read_bytes()]


@pytest.mark.kernel
def test_the_kernel_gives_figures_as_png_and_svg(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from veritex.builder import build

    source = tmp_path / "plot.md"
    source.write_text("# Plot\n\n```python\nimport matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\n"
                      "plt.show()\n```\n", encoding="utf-8")
    report = build([source], tmp_path / "site", formats="html,json")
    assert report.ok, [i.message for i in report.items()]
    import json

    model = json.loads((tmp_path / "site" / "plot.json").read_text(encoding="utf-8"))
    images = [o["data"] for c in model["cells"] for o in c.get("outputs", []) if "data" in o
              and any(k.startswith("image/") for k in o["data"])]
    assert len(images) == 1 and {"image/png", "image/svg+xml"} <= set(images[0])
    assert "data:image/svg+xml;base64," in (tmp_path / "site" / "plot.html").read_text(encoding="utf-8")


def test_a_broken_formula_is_shown_as_tex_and_the_numbers_stay_veritex_s(tmp_path: Path) -> None:
    from veritex.stages.render_math import render_math

    source = tmp_path / "brk.md"
    source.write_text("# B\n\n$$\na = \\frac{1}{\n$$ (eq:bad)\n\n$$\nb = 2\n$$ (eq:good)\n\n"
                      "See {eq}`eq:bad` and {eq}`eq:good`.\n", encoding="utf-8")
    doc = read(source)
    number_equations(doc)
    render_math(doc, None)
    text, _ = render_latex(doc, tmp_path / "brk.tex")
    assert "a = \\frac{1}{\n\\end{Verbatim}\n\\noindent\\hfill(1)" in text  # as text, with its number
    assert "\\begin{equation*}\\label{eq:good}\\tag{2}" in text  # LaTeX's counter did not see (1)
    assert "See (1) and \\eqref{eq:good}." in text and "\\label{eq:bad}" not in text


def test_without_xelatex_and_chromium_the_pdf_is_an_error_and_diagrams_show_as_source(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import veritex.writers.pdf as pdf_module

    monkeypatch.setattr(pdf_module, "engine", lambda: None)
    monkeypatch.setenv("VERITEX_CHROMIUM", str(tmp_path / "no-such-browser"))
    source = tmp_path / "d.md"
    source.write_text("# D\n\n```mermaid\ngraph TD\n  A --> B\n```\n", encoding="utf-8")
    doc = read(source)
    assert write_pdf(doc, _context(tmp_path, "d.pdf")) == []
    assert [i.status for i in doc.items if i.kind == "document"] == ["error"]
    text, _ = render_latex(doc, tmp_path / "d.tex", tmp_path / "cache")
    assert "A \\PYZhy{}\\PYZhy{}\\PYZgt{} B" in text or "A --> B" in text  # the diagram as its source
    (warning,) = [i for i in doc.items if i.kind == "diagram"]
    assert warning.status == "warning" and "Chromium is not installed" in warning.message
    assert not list((tmp_path / "cache").rglob("graphics/*/*.json"))  # nothing cached: a later build draws it
