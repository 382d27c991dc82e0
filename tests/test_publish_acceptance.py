"""Every acceptance document built to ipynb and gfm: valid notebooks, every formula intact in both, every
equation reference resolving, and a figure written as an image file beside the Markdown."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from publish_support import github_formulas, jupyter_formulas

from veritex.builder import build
from veritex.portable.tex import FormulaRewriter
from veritex.readers import read
from veritex.report import Report
from veritex.stages.numbering import number_equations

ACCEPTANCE = Path(__file__).resolve().parents[2] / "shared" / "acceptance"
DOCUMENTS = ["attention.md", "autograd.md", "broken.md", "linear_regression_tf.md", "planted_sigmoid.md",
             "softmax_stability.ipynb"]

pytestmark = [pytest.mark.kernel, pytest.mark.slow]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Path, Path]:
    if not ACCEPTANCE.is_dir():
        pytest.skip("the shared acceptance documents are not beside this checkout")
    work = tmp_path_factory.mktemp("publish")
    sources = work / "docs"
    sources.mkdir()
    for name in DOCUMENTS:
        shutil.copy(ACCEPTANCE / name, sources / name)
    report = build([sources / n for n in DOCUMENTS], work / "out", jobs=2, formats="gfm,ipynb")
    return report, sources, work / "out"


def _subsequence(needles: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(n == h for h in it) for n in needles)


def _expected(source: Path, target: str) -> list[str]:
    doc = read(source)
    number_equations(doc)
    rewriter = FormulaRewriter(doc, target)
    return [rewriter.of(m).tex.strip() for m in doc.all_math()]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_notebook_is_valid_and_its_math_intact(published: tuple[Report, Path, Path], name: str) -> None:
    report, sources, out = published
    path = out / Path(name).with_suffix(".ipynb")
    data = json.loads(path.read_text(encoding="utf-8"))
    nbformat.validate(nbformat.from_dict(data))
    assert data["metadata"]["kernelspec"]["name"] == "python3"
    markdown = [c["source"] for c in data["cells"] if c["cell_type"] == "markdown"]
    found = [f for cell in markdown for f in jupyter_formulas(cell)]
    assert found == _expected(sources / name, "ipynb")
    code = [c for c in data["cells"] if c["cell_type"] == "code"]
    if name != "broken.md":
        assert code and all(c["outputs"] or not c["source"].strip() or c["execution_count"] for c in code)
    links = set(re.findall(r"\]\(#(eq-[\w-]+)\)", "\n".join(markdown)))
    assert links <= set(re.findall(r'<a id="(eq-[\w-]+)"></a>', "\n".join(markdown)))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_github_markdown_keeps_every_formula(published: tuple[Report, Path, Path], name: str) -> None:
    report, sources, out = published
    text = (out / Path(name).with_suffix(".md")).read_text(encoding="utf-8")
    assert _subsequence(_expected(sources / name, "gfm"), github_formulas(text))
    links = set(re.findall(r"\]\(#(eq-[\w-]+)\)", text))
    assert links <= set(re.findall(r'<a name="(eq-[\w-]+)"></a>', text))


def test_verdicts_show_in_both(published: tuple[Report, Path, Path]) -> None:
    _, _, out = published
    text = (out / "attention.md").read_text(encoding="utf-8")
    assert "**✓ verified** implements `eq:attention`" in text and "| status | kind |" in text
    notebook = json.loads((out / "attention.ipynb").read_text(encoding="utf-8"))
    badges = [o["data"]["text/markdown"] for c in notebook["cells"] if c["cell_type"] == "code"
              for o in c["outputs"] if "text/markdown" in o.get("data", {})]
    assert any(b.startswith("**✓ verified** expect") for b in badges)
    planted = (out / "planted_sigmoid.md").read_text(encoding="utf-8")
    assert "**✗ refuted**" in planted


def test_figures_are_image_files(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    source = tmp_path / "plot.md"
    source.write_text("# Plot\n\n```python\nimport matplotlib.pyplot as plt\n"
                      "plt.plot([1, 2, 3])\nplt.show()\n```\n", encoding="utf-8")
    report = build([source], tmp_path / "out", formats="gfm,ipynb")
    written = report.documents[0].outputs["gfm"]
    figure = tmp_path / "out" / "plot_files" / "figure-1.png"
    assert figure in written and figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "![" in (tmp_path / "out" / "plot.md").read_text(encoding="utf-8")
    assert "(plot_files/figure-1.png)" in (tmp_path / "out" / "plot.md").read_text(encoding="utf-8")
    notebook = json.loads((tmp_path / "out" / "plot.ipynb").read_text(encoding="utf-8"))
    assert any("image/png" in o.get("data", {}) for c in notebook["cells"] for o in c.get("outputs", []))
