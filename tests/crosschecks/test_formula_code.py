"""Formulas held against the code beside them: a link made only where the names and free variables agree,
verified where the code computes the formula, refuted where it computes something else, silent otherwise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import veritex
from veritex.crosschecks import CrossContext, Finding, formula_code, registry
from veritex.derivations.reading import read_document_math
from veritex.readers import read


def _findings(tmp_path: Path, text: str, name: str = "doc.md") -> list[Finding]:
    path = tmp_path / name
    path.write_text(text)
    doc = read(path)
    return formula_code.run(CrossContext(doc, read_document_math(doc)))


def _doc(formula: str, code: str, *, inline: bool = False, before: bool = False) -> str:
    math = f"The model is ${formula}$ here.\n" if inline else f"The model is\n\n$$\n{formula}\n$$\n"
    cell = f"```python\nimport numpy as np\n\n{code}\n```\n"
    return "# Model\n\n" + (cell + "\n" + math if before else math + "\n" + cell)


def test_a_function_returning_what_the_formulas_define_is_verified(tmp_path: Path) -> None:
    code = ("def path(t):\n    s = 1.5 * t\n    r_1 = np.exp(-s) + 0.25\n    r_2 = np.sqrt(1 + s**2)\n"
            "    return r_1, r_2")
    (one, two) = _findings(tmp_path, _doc(r"r_1 = e^{-1.5 t} + \frac{1}{4}", code)
                           + "\nand\n\n$$\nr_{2} = \\sqrt{1 + \\frac{9}{4} t^2}\n$$\n")
    assert (one.status, two.status) == ("verified", "verified")
    assert "r_1 = np.exp(-s) + 0.25" in one.message and "line 14" in one.message
    assert one.detail["code"] == "r_1 = np.exp(-s) + 0.25" and one.check == "formula_code"


def test_code_computing_something_else_is_refuted_with_the_values(tmp_path: Path) -> None:
    code = "def path(t):\n    r_1 = np.exp(-t)\n    r_2 = np.cos(1 + 3*t)\n    return r_1, r_2"
    (finding,) = _findings(tmp_path, _doc(r"r_2 = \sin(1 + 3t)", code))
    assert finding.status == "refuted"
    assert finding.message == ("r_2 = \\sin(1 + 3t) here, but the code at line 14 computes r_2 = np.cos(1 + 3*t): "
                               "at t = 0 the formula gives 0.841 and the code 0.54.")
    assert finding.detail["values"]["point"] == {"t": 0.0}
    assert "np.cos(1 + 3*t)" in finding.detail["fix"]


@pytest.mark.parametrize(("formula", "code", "status"), [
    (r"\bar{x} = \frac{a + b}{2}", "x_bar = (a + b) / 2", "verified"),
    (r"\bar{x} = \frac{a + b}{2}", "xbar = (a - b) / 2", "refuted"),
    (r"\mu = \alpha \beta^2", "mu = alpha * beta**2", "verified"),
    (r"\mu = \alpha \beta^2", "μ = α * β**3", "refuted"),
    (r"v_{0} = \pi r^2 + e^{r}", "v0 = math.pi * r**2 + math.exp(r)", "verified"),
    (r"\sigma(z) = \frac{1}{1 + e^{-z}}", "def sigma(z):\n    return 1 / (1 + np.exp(-z))", "verified"),
    (r"\sigma(z) = \frac{1}{1 + e^{-z}}", "def sigma(z):\n    return 1 / (1 + np.exp(z))", "refuted"),
    (r"g(u) = \log(1 + u^2)", "def g(u):\n    return torch.log(1 + torch.square(u))", "verified"),
])
def test_names_agree_after_normalisation(tmp_path: Path, formula: str, code: str, status: str) -> None:
    code = "import math\nimport torch\n" + code
    (finding,) = _findings(tmp_path, _doc(formula, code))
    assert finding.status == status, finding.message


def test_calls_of_the_documents_own_functions_are_read_as_their_bodies(tmp_path: Path) -> None:
    helper = "def act(u):\n    return np.maximum(0, u)\n\n"
    text = _doc(r"h_1 = \max(0, 2 - 3x)", helper + "def layer(x):\n    h_1 = act(2 - 3 * x)\n    h_2 = act(x)\n"
                "    return 2 * h_1 + h_2")
    (finding,) = _findings(tmp_path, text)
    assert finding.status == "verified"  # a value on the way, not returned, is computed all the same
    text = _doc(r"h_1 = \max(0, 2 + 3x)", helper + "def layer(x):\n    h_1 = act(2 - 3 * x)\n    return h_1")
    (finding,) = _findings(tmp_path, text)
    assert finding.status == "refuted" and "at x = 1 the formula gives 5 and the code 0" in finding.message


@pytest.mark.parametrize(("formula", "code"), [
    (r"y = \sin(2 t)", "z = np.cos(2*t)"),  # another name
    (r"y = \sin(2 t)", "y = np.cos(2*t) + c"),  # another free variable
    (r"y = \sin(2 t)", "y = np.cos(2*s)"),  # another variable
    (r"y = a t", "y = A @ t"),  # a matrix product
    (r"y = a t", "y = np.mean(a * t)"),  # a reduction this reading does not translate
    (r"y = a t", "y = a[0] * t"),  # an index
    (r"y = \sin(2 t)", "# TODO: write the model\nu = 1\nv = 2\nw = 3\ny = np.cos(2*t)"),  # an exercise
    (r"y = \sin(2 t)", "def f(t):\n    y = np.cos(2*t)\n    if t > 0:\n        y = -y\n    return y"),
    (r"\sigma(z) = \frac{1}{1 + e^{-z}}", "def sigma(x):\n    return 1 / (1 + np.exp(x))"),  # other parameter
    (r"y = \mathbf{w} t", "y = w * t"),  # a vector
    (r"y = 2 t", "y = 10**10**10 * t"),  # a number too large to compute exactly
])
def test_nothing_is_said_where_the_link_is_not_certain(tmp_path: Path, formula: str, code: str) -> None:
    assert _findings(tmp_path, _doc(formula, code)) == []


def test_a_declared_matrix_is_not_read_as_a_number(tmp_path: Path) -> None:
    text = _doc("Y = X^2", "Y = X**3") + "\nwhere $X \\in \\mathbb{R}^{n \\times n}$.\n"
    assert _findings(tmp_path, text) == []


@pytest.mark.parametrize("binding", ["A = np.array([[1.0, 2.0], [3.0, 4.0]])", "A = np.eye(3)",
                                     "A = np.random.randn(3, 3)", "A = rng.normal(size=(3, 2))", "A = B @ C",
                                     "A = np.array(((1, 2), (3, 4)))", "A = ((1, 2), (3, 4))"])
def test_a_name_the_code_binds_to_a_matrix_is_not_read_as_a_number(tmp_path: Path, binding: str) -> None:
    assert _findings(tmp_path, _doc("y = A^2 t", binding + "\ny = A**3 * t")) == []
    assert _findings(tmp_path, _doc("y = a^2 t", "a = np.ones(3)\ny = a**3 * t"))[0].status == "refuted"


def test_a_formula_in_running_prose_is_confirmed_but_never_refuted(tmp_path: Path) -> None:
    (agrees,) = _findings(tmp_path, _doc(r"y = \sin(2 t)", "y = np.sin(2*t)", inline=True))
    assert agrees.status == "verified"
    assert _findings(tmp_path, _doc(r"y = \sin(2 t)", "y = np.cos(2*t)", inline=True)) == []


def test_two_different_computations_beside_a_formula_say_nothing(tmp_path: Path) -> None:
    text = _doc(r"y = \sin(2 t)", "y = np.cos(2*t)") + "\n```python\ny = np.sin(2*t)\n```\n"
    assert _findings(tmp_path, text) == []


def test_code_belongs_to_the_nearest_formula_stating_its_name(tmp_path: Path) -> None:
    text = (_doc(r"y = \sin(2 t)", "y = np.sin(2*t)") + "\nThen the other one,\n\n$$\ny = \\cos(2 t)\n$$\n\n"
            "```python\ny = np.cos(2*t)\n```\n")
    assert [f.status for f in _findings(tmp_path, text)] == ["verified", "verified"]


def test_a_second_formula_of_the_name_before_the_code_takes_the_link(tmp_path: Path) -> None:
    text = ("We compare\n\n$$\ny = \\sin(2 t)\n$$\n\nwith the other choice\n\n$$\ny = \\cos(2 t)\n$$\n\n"
            "```python\nimport numpy as np\ny = np.cos(2*t)\n```\n")
    (finding,) = _findings(tmp_path, text)
    assert finding.status == "verified" and finding.math.tex.strip() == "y = \\cos(2 t)"


def test_code_in_another_section_belongs_to_another_topic(tmp_path: Path) -> None:
    assert _findings(tmp_path, _doc(r"y = \sin(2 t)", "y = np.sin(3*t)")) != []
    text = _doc(r"y = \sin(2 t)", "y = np.sin(3*t)").replace("```python", "## Another model\n\n```python")
    assert _findings(tmp_path, text) == []


def test_the_code_before_a_formula_confirms_it_but_never_refutes_it(tmp_path: Path) -> None:
    (finding,) = _findings(tmp_path, _doc(r"y = \sin(2 t)", "y = np.sin(2*t)", before=True))
    assert finding.status == "verified"
    assert _findings(tmp_path, _doc(r"y = \sin(2 t)", "y = np.sin(3*t)", before=True)) == []


def test_a_logarithm_to_another_base_in_the_code_only_confirms(tmp_path: Path) -> None:
    (finding,) = _findings(tmp_path, _doc(r"h = \frac{\log(1 + q)}{\log 2}", "h = np.log2(1 + q)"))
    assert finding.status == "verified"
    assert _findings(tmp_path, _doc(r"h = \log(1 + q)", "h = np.log2(1 + q)")) == []


@pytest.mark.parametrize(("formula", "status"), [
    (r"r = e^{-1.5 t}", "verified"),  # the cell's earlier assignment followed
    (r"r = e^{-s}", "verified"),  # or the line as written
    (r"r = e^{-2 t}", "refuted"),
])
def test_earlier_assignments_of_the_cell_are_followed(tmp_path: Path, formula: str, status: str) -> None:
    (finding,) = _findings(tmp_path, _doc(formula, "s = 1.5 * t\nr = np.exp(-s)"))
    assert finding.status == status


def test_a_function_computed_on_a_grid_only_confirms(tmp_path: Path) -> None:
    (agrees,) = _findings(tmp_path, _doc(r"f(x) = x^3 - 2x", "x = np.arange(-2, 2, 0.01)\nf = x**3 - 2*x"))
    assert agrees.status == "verified"
    assert _findings(tmp_path, _doc(r"f(x) = x^3 - 2x", "f = x**3 + 2*x")) == []


def test_a_notebook_with_bracket_application_and_eqnarray_alignment(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("The map is\n\n\\begin{align}\nh_{1} &=& \\exp\\bigl[0.5 + u\\bigr]\\\\\n"
                                      "h_{2} &=& \\tanh\\Bigl[1 - 2 u \\Bigr]\n\\end{align}"),
        nbformat.v4.new_code_cell("import numpy as np\n\ndef h(u):\n  h_1 = np.exp(0.5 + u)\n"
                                  "  h_2 = np.tanh(1 + 2 * u)\n  return h_1, h_2"),
    ]
    nbformat.write(nb, tmp_path / "doc.ipynb")
    doc = read(tmp_path / "doc.ipynb")
    one, two = formula_code.run(CrossContext(doc, read_document_math(doc)))
    assert one.status == "verified" and two.status == "refuted"
    assert "the code in cell 2 computes h_2 = np.tanh(1 + 2 * u)" in two.message
    assert "at u = 1 the formula gives -0.762 and the code 0.995" in two.message


def test_the_build_reports_the_link_at_the_formula(tmp_path: Path) -> None:
    assert "veritex.crosschecks.formula_code" in registry.CHECK_MODULES
    path = tmp_path / "doc.md"
    path.write_text(_doc(r"q = \sin(2 t)", "q = np.cos(2*t)"))
    report = veritex.build(path, tmp_path / "site", execute=False, write=False, cache_dir=None)
    (item,) = [i for d in report.documents for i in d.items if i.kind == "consistency"]
    assert item.status == "refuted" and item.detail["check"] == "formula_code"
    assert item.position is not None and item.position.line == 6


def test_a_document_with_nothing_to_link_never_imports_sympy(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text(_doc(r"y = \sin(2 t)", "z = np.cos(2*t)\nw = 3"))
    script = ("import sys\nfrom veritex.readers import read\nfrom veritex.derivations.reading import "
              "read_document_math\nfrom veritex.crosschecks import CrossContext, formula_code\n"
              f"doc = read({str(path)!r})\nassert formula_code.run(CrossContext(doc, read_document_math(doc))) == []\n"
              "print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
