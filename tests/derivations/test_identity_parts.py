"""What counts as a claim, how definitions and conditions enter, and what stays unchecked (and why)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from veritex.cache import collecting
from veritex.model import Item
from veritex.readers.markdown import read_markdown
from veritex.stages.derivations import check_identities


def check(markdown: str, cache_dir: Path | None = None) -> dict[str | None, Item]:
    doc = read_markdown(markdown, Path("doc.md"))
    check_identities(doc, cache_dir)
    return {i.label: i for i in doc.items if i.kind == "identity"}


def display(tex: str, label: str) -> str:
    return f"$$\n{tex}\n$$ ({label})\n\n"


def one(tex: str, *definitions: str) -> Item:
    text = "".join(display(d, f"eq:def{k}") for k, d in enumerate(definitions)) + display(tex, "eq:it")
    return check(text)["eq:it"]


# ---- which formulas claim something ------------------------------------------------------------

@pytest.mark.parametrize("tex", [
    r"y = x^2",
    r"\mathbf{h} = \mathrm{ReLU}(W_1 \mathbf{x} + \mathbf{b}_1)",
    r"J(w, b) = \frac{1}{n}\sum_{i=1}^{n}\left(y^{(i)} - w x^{(i)} - b\right)^2",
    r"\hat{y}^{(i)} = w\,x^{(i)} + b",
    r"f(x) := x^2 + 1",
    r"\sigma^2 = \frac{1}{n}\sum_{i=1}^{n}\left(x_i - \mu\right)^2",
    r"PE_{(p, 2i)} = \sin\left(\frac{p}{10000^{2i/d}}\right)",
    r"\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{n} e^{z_j}}",
    r"\theta_{t+1} = \theta_t - \eta g_t",
    r"a \le b",
])
def test_definitions_and_other_statements_claim_nothing(tex: str) -> None:
    assert check(display(tex, "eq:it")) == {}


def test_a_chain_after_a_definition_is_still_claimed() -> None:
    item = one(r"y = x^2 + 2x + 1 = (x + 1)^2")
    assert item.status == "verified"
    assert [s["step"] for s in item.detail["steps"]] == ["2 → 3"]
    wrong = one(r"y = x^2 + 2x + 1 = (x - 1)^2")
    assert wrong.status == "refuted" and "step 2 → 3" in wrong.message


def test_every_statement_of_an_aligned_block_is_checked() -> None:
    item = one("\\begin{align}\n(a + b)^2 &= a^2 + 2ab + b^2 \\\\\n(a - b)^2 &= a^2 + 2ab + b^2\n\\end{align}")
    assert item.status == "refuted"
    statuses = {s["step"]: s["status"] for s in item.detail["steps"]}
    assert statuses == {"row 1, 1 → 2": "verified", "row 2, 1 → 2": "refuted"}


# ---- definitions substituted -------------------------------------------------------------------

def test_a_function_definition_is_substituted_into_its_derivative() -> None:
    sigmoid = r"\sigma(x) = \frac{1}{1 + e^{-x}}"
    assert one(r"\frac{d}{dx}\sigma(x) = \sigma(x)\left(1 - \sigma(x)\right)", sigmoid).status == "verified"
    assert one(r"\frac{d}{dx}\sigma(x) = \sigma(x)^2", sigmoid).status == "refuted"


def test_a_prime_claims_a_derivative_when_the_function_is_defined() -> None:
    assert one(r"f'(x) = 3x^2", r"f(x) = x^3").status == "verified"
    assert one(r"f'(x) = 3x", r"f(x) = x^3").status == "refuted"
    assert check(display(r"f'(x) = 3x^2", "eq:it")) == {}  # with f undefined, it defines f'


def test_a_name_defined_elsewhere_stays_free_when_the_identity_holds_for_any_value() -> None:
    item = one(r"\log\left(e^{m} e^{a - m}\right) = a", r"m = a^3 - 7")
    assert item.status == "verified"
    assert "with" not in item.message  # m was not needed


def test_a_definition_inside_a_derivative_is_always_substituted() -> None:
    # Free, d/dx (y + x) would be 1; with y = x^2 it is 2x + 1.
    assert one(r"\frac{d}{dx}\left(y + x\right) = 2x + 1", r"y = x^2").status == "verified"
    assert one(r"\frac{d}{dx}\left(y + x\right) = 1", r"y = x^2").status == "refuted"


def test_a_variable_defined_as_a_number_elsewhere_is_still_differentiated() -> None:
    assert one(r"\frac{d}{dx} x^2 = 2x", r"x = 3").status == "verified"


def test_a_where_clause_defines_for_its_formula_only() -> None:
    assert one(r"\frac{d}{dx} z^2 = 8x \quad\text{where } z = 2x").status == "verified"


def test_an_unreadable_definition_points_at_its_use() -> None:
    text = display(r"g(x) = \mathbb{E}[x]", "eq:g") + display(r"g(x) + 1 = 1 + g(x)", "eq:it")
    item = check(text)["eq:it"]
    assert item.status == "unchecked"
    assert "cannot interpret an expectation" in item.message and "at 6:1" in item.message


# ---- conditions and domains --------------------------------------------------------------------

def test_stated_conditions_restrict_the_sampled_points() -> None:
    assert one(r"\sqrt{x^2} = x \quad\text{where } x > 0").status == "verified"
    assert one(r"\sqrt{x^2} = x").status == "refuted"
    assert one(r"\frac{d}{dx} x^3 = 12 \quad \text{当 } x=2 \text{ 时}").status == "verified"
    assert one(r"\frac{d}{dx} x^3 = 10 \quad \text{当 } x=2 \text{ 时}").status == "refuted"


def test_logarithm_and_root_arguments_are_drawn_positive() -> None:
    assert one(r"\log(xy) = \log x + \log y").status == "verified"
    assert one(r"\sqrt{ab} = \sqrt{a}\sqrt{b}").status == "verified"


def test_sizes_are_instantiated_and_sums_expanded() -> None:
    item = one(r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}")
    assert item.status == "verified"
    wrong = one(r"\sum_{i=1}^{n} i = \frac{n^2}{2}")
    assert wrong.status == "refuted"
    assert wrong.detail["steps"][0]["point"]["n"] >= 2


# ---- what is never refuted ---------------------------------------------------------------------

def test_an_approximation_is_never_refuted() -> None:
    item = one(r"e^{x} \approx 1 + x")
    assert item.status == "unchecked"
    assert "approximation" in item.message
    assert one(r"\sin x \approx x \quad\text{when } |x| < 0.01").status != "refuted"


@pytest.mark.parametrize("tex", [
    r"e^{x} \approx 1 + x \quad \text{for } |x| < 0.01 \text{, to within } 10^{-4}",
    r"\sin x \approx x \quad \text{when } |x| < 0.1 \text{ with relative error } < 1\%",
    r"\sin x \approx x \quad \text{当 } |x| < 0.1 \text{ 时，误差小于 } 10^{-3}",
    r"\ln(1+x) \approx x - \frac{x^2}{2} \quad \text{for } |x| < 0.01,\ \text{to within } 1\%",
])
def test_an_approximation_within_its_stated_tolerance_is_verified(tex: str) -> None:
    item = one(tex)
    assert item.status == "verified", item.message
    assert "within the stated" in item.message


@pytest.mark.parametrize(("tex", "gap"), [
    (r"e^{x} \approx 1 + x \quad \text{for } |x| < 0.1,\ \text{to within } 10^{-4}", 0.005),  # x^2/2
    # the next term is x^2/8: about 1.2e-5 relative near x = 0.01, above the stated 1e-5
    (r"\sqrt{1+x} \approx 1 + \frac{x}{2} \quad \text{for } 0 < x < 0.01 \text{ and relative error } 10^{-5}",
     1.25e-5),
])
def test_an_approximation_beyond_its_tolerance_is_unchecked_with_the_worst_point(tex: str, gap: float) -> None:
    item = one(tex)
    assert item.status == "unchecked"
    (step,) = item.detail["steps"]
    assert "more than the stated" in step["reason"] and "never refuted" in step["reason"]
    difference = abs(step["lhs"] - step["rhs"])
    if "relative" in step["reason"]:
        difference /= max(abs(step["lhs"]), abs(step["rhs"]))
    assert 0 < difference <= gap  # the reported point really misses the tolerance, by the true error
    assert step["point"]["x"] != 0


def test_an_unbounded_approximation_is_told_to_state_its_range() -> None:
    item = one(r"e^{x} \approx 1 + x \quad \text{to within } 10^{-4}")
    assert item.status == "unchecked" and "say for which" in item.message


def test_a_tolerance_that_is_not_a_number_is_unchecked() -> None:
    item = one(r"\sin x \approx x \quad \text{to within } y")
    assert item.status == "unchecked" and "not a positive number" in item.message


def test_a_tolerance_does_not_loosen_an_equality() -> None:
    wrong = one(r"e^{x} = 1 + x \quad \text{for } |x| < 0.01 \text{, to within } 10^{-4}")
    assert wrong.status == "refuted"


def test_products_of_whole_matrices_are_not_sampled_as_scalars() -> None:
    text = "Let $A, B \\in \\mathbb{R}^{n\\times n}$.\n\n" + display(r"A B - B A = 0", "eq:it")
    item = check(text)["eq:it"]
    assert item.status == "unchecked"  # true for scalars, false for matrices
    assert "arrays" in item.message


def test_an_abstract_derivative_is_unchecked_with_the_names() -> None:
    item = one(r"\frac{\partial f}{\partial x} = 2x")
    assert item.status == "unchecked" and "f is never defined" in item.message


def test_a_function_defined_only_in_prose_leaves_the_step_unchecked() -> None:
    item = one(r"1 - \Phi(x) = \Phi(-x)")
    assert item.status == "unchecked" and "Phi" in item.message


def test_a_step_that_only_names_its_result_claims_nothing() -> None:
    item = one(r"\frac{1}{n}\sum_{i=1}^{n} x_i = \bar{x}")
    assert item.status == "unchecked" and "only named" in item.message


def test_a_derivative_the_reading_detaches_from_its_variable_is_unchecked() -> None:
    # The derivative takes the evaluated value as its body: zero would judge a misreading.
    item = one(r"\frac{d}{dx}\left.\left(x^3\right)\right|_{x=2} = 12")
    assert item.status == "unchecked"


def test_out_of_subset_constructs_are_unchecked_with_their_line_and_column() -> None:
    text = "# Title\n\n$$\n\\frac{1}{2} =\n  \\oint_C x\\,dx\n$$ (eq:it)\n"
    item = check(text)["eq:it"]
    assert item.status == "unchecked"
    assert "cannot interpret \\oint at 5:3" in item.message
    broken = check("$$\n\\frac{1}{2 = 1\n$$ (eq:broken)\n")
    assert broken == {}  # broken TeX is the render stage's error, not an identity


def test_uninterpretable_parts_report_their_line_and_column() -> None:
    text = "Intro.\n\n$$\nx + 1 =\n  \\mathbb{E}[x] + 1\n$$ (eq:it)\n"
    item = check(text)["eq:it"]
    assert item.status == "unchecked"
    assert "expectation" in item.message and "at 5:3" in item.message


# ---- the stage ---------------------------------------------------------------------------------

def test_one_item_per_formula_with_per_step_detail() -> None:
    item = one(r"(x + 1)^2 = x^2 + 2x + 1 = x^2 + 1")
    assert item.kind == "identity" and item.label == "eq:it"
    steps = item.detail["steps"]
    assert [s["step"] for s in steps] == ["1 → 2", "2 → 3"]
    assert steps[0]["status"] == "verified" and steps[0]["how"] == "symbolic"
    assert steps[1]["status"] == "refuted"
    assert set(steps[1]) >= {"point", "lhs", "rhs", "how"}
    assert item.position is not None and item.position.line == 2


def test_a_damaged_cache_entry_is_recomputed(tmp_path: Path) -> None:
    text = display(r"(x + 1)^2 = x^2 + 2x + 1", "eq:it")
    first = check(text, tmp_path)["eq:it"]
    (entry,) = tmp_path.glob("identities/*/*.json")
    entry.write_text("{ not json", encoding="utf-8")
    with collecting() as notes:
        again = check(text, tmp_path)["eq:it"]
    assert (again.status, again.detail["cached"]) == (first.status, False)
    assert json.loads(entry.read_text(encoding="utf-8"))["value"]["steps"][0]["status"] == "verified"
    assert list(notes.damaged) == [entry]  # met by the document's replay and by the check: noted once


def test_the_cache_key_ignores_position_but_follows_definitions(tmp_path: Path) -> None:
    sigmoid = display(r"\sigma(x) = \frac{1}{1 + e^{-x}}", "eq:s")
    claim = display(r"\frac{d}{dx}\sigma(x) = \sigma(x)\left(1 - \sigma(x)\right)", "eq:it")
    assert check(sigmoid + claim, tmp_path)["eq:it"].detail["cached"] is False
    moved = check("Some prose first.\n\n" + sigmoid + claim, tmp_path)["eq:it"]
    assert moved.detail["cached"] is True and moved.status == "verified"
    changed = check(display(r"\sigma(x) = \frac{2}{1 + e^{-x}}", "eq:s") + claim, tmp_path)["eq:it"]
    assert changed.detail["cached"] is False and changed.status == "refuted"


def test_a_fully_cached_document_does_not_import_sympy(tmp_path: Path) -> None:
    text = display(r"(x + 1)^2 = x^2 + 2x + 1", "eq:it")
    check(text, tmp_path)
    script = (
        "import sys; from pathlib import Path\n"
        "from veritex.readers.markdown import read_markdown\n"
        "from veritex.stages.derivations import check_identities\n"
        f"doc = read_markdown({text!r}, Path('doc.md'))\n"
        f"check_identities(doc, Path({str(tmp_path)!r}))\n"
        "assert doc.items[0].detail['cached'], doc.items\n"
        "print('sympy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_failing_check_becomes_an_unchecked_item(monkeypatch: pytest.MonkeyPatch) -> None:
    import veritex.derivations.steps as checker

    def broken(*args: object, **kwargs: object) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(checker, "check_plan", broken)
    item = one(r"(x + 1)^2 = x^2 + 2x + 1")
    assert item.status == "unchecked" and "RecursionError" in item.message


def test_integer_letters_are_retried_as_integers() -> None:
    item = one(r"\cos(2\pi k) = 1")
    assert item.status == "verified" and "k an integer" in item.message
    assert one(r"\cos(2\pi k) = -1").status == "refuted"


def test_sums_that_cannot_be_expanded_are_unchecked() -> None:
    # an endless sum is summed only where its terms visibly vanish: the harmonic series never does
    assert one(r"\sum_{k=1}^{\infty} \frac{1}{k} = 5").status == "unchecked"


def test_definitions_made_in_running_prose_are_used_when_needed() -> None:
    text = ("Here $\\bar{x} = \\frac{1}{n}\\sum_{i=1}^{n} x_i$ is the mean, at $x = 2$ for example.\n\n"
            + display(r"\sum_{i=1}^{n} \left(x_i - \bar{x}\right) = 0", "eq:it"))
    item = check(text)["eq:it"]
    assert item.status == "verified" and "line 1" in item.message
    # a number in prose is a value, not a definition: x stays free here
    assert check("At $x = 2$:\n\n" + display(r"\frac{d}{dx} x^2 = 2x", "eq:it"))["eq:it"].status == "verified"


def test_an_accented_name_on_one_side_only_is_not_refuted() -> None:
    item = one(r"\sum_{i=1}^{n} \left(x_i - \bar{x}\right) = 0")  # the mean, defined in words
    assert item.status == "unchecked" and "x_bar" in item.message
    assert one(r"\frac{d}{dx}\left(x^2 + c\right) = 2x + c").status == "refuted"  # c: any constant


def test_equations_and_constraints_are_not_refuted_but_contradictions_are() -> None:
    for tex in (r"\sum_{k=1}^{K} \pi_k = 1", r"w_1 x_1 + w_2 x_2 + b = 0", r"x^2 - 5x + 6 = 0"):
        item = one(tex)
        assert item.status == "unchecked" and "equation or a constraint" in item.message, tex
    assert one(r"(x + 1)^2 - x^2 - 2x = 2").status == "refuted"  # no x satisfies it
    assert one(r"\sin^2 x + \cos^2 x = 2").status == "refuted"
    assert one(r"\sum_{j=1}^{m} \mathrm{softmax}(s)_j = 2").status == "refuted"


def test_array_identities_are_read_element_by_element_and_never_refuted() -> None:
    shapes = "With $Z \\in \\mathbb{R}^{N\\times C}$:\n\n"
    square = r"\frac{\partial}{\partial Z}\frac{1}{2}\sum_{i=1}^{N}\sum_{c=1}^{C} Z_{ic}^2"
    right = check(shapes + display(square + " = Z", "eq:it"))["eq:it"]
    assert right.status == "verified" and "element by element" in right.message
    wrong = check(shapes + display(square + " = 2Z", "eq:it"))["eq:it"]
    assert wrong.status == "unchecked" and "fails for unconstrained inputs" in wrong.message
    assert wrong.detail["steps"][0]["point"]  # the evidence is still reported


def test_a_recurrence_is_not_substituted_and_its_restatements_are_checked_through_it() -> None:
    ema = r"m_t = \beta m_{t-1} + (1 - \beta) g_t"
    item = one(r"m_t - \beta m_{t-1} = (1 - \beta) g_t", ema)
    assert item.status == "verified" and "unrolled by its recurrence" in item.message
    # two recurrences that disagree: which one holds is not certain
    other = r"m_t = \beta m_{t-1} + g_t"
    item = one(r"m_t - \beta m_{t-1} = (1 - \beta) g_t", ema, other)
    assert item.status == "unchecked" and "recurrence" in item.message


def test_definitions_in_the_same_formula_are_used() -> None:
    assert check(display(r"z = x + 1, \quad (z - 1)^2 = x^2", "eq:it"))["eq:it"].status == "verified"
    assert check(display(r"f(x) = x^2, \quad f'(x) = 2x", "eq:it"))["eq:it"].status == "verified"


def test_a_step_that_needs_probability_targets_is_unchecked_not_refuted() -> None:
    """The softmax cross-entropy gradient `p - y` holds only for targets summing to 1 (one-hot, say):
    a condition stated in prose, so the step is unchecked, while a wrong sign is still refuted."""
    from veritex.readers import read_markdown
    from veritex.stages.derivations import check_identities

    text = (
        "$$\nL = -\\sum_{j=1}^{n} y_j \\log p_j\n$$ (eq:ce)\n\n"
        "$$\np_i = \\frac{e^{z_i}}{\\sum_{j=1}^{n} e^{z_j}}\n$$ (eq:p)\n\n"
        "$$\n\\frac{\\partial L}{\\partial z_i} = p_i - y_i\n$$ (eq:grad)\n\n"
        "$$\n\\frac{\\partial L}{\\partial z_i} = p_i + y_i\n$$ (eq:bad)\n"
    )
    doc = read_markdown(text, Path("ce.md"))
    check_identities(doc, None)
    verdicts = {i.label: i for i in doc.items}
    assert verdicts["eq:grad"].status == "unchecked" and "sum to 1" in verdicts["eq:grad"].message
    assert verdicts["eq:bad"].status == "refuted"


@pytest.mark.parametrize("tex", [r"10^{10^{10}} = 10^{10^{10}} + 1", r"1000000! = 999999! \cdot 1000000"])
def test_numbers_too_large_to_compute_exactly_are_refused_not_computed(tex: str) -> None:
    item = one(tex)  # SymPy would compute them exactly, in one call nothing interrupts
    assert item.status == "unchecked" and "too large to compute exactly" in item.message


def test_a_high_power_is_decided_numerically_not_expanded() -> None:
    assert one(r"(x+1)^{3000} = (x+2)^{3000}").status == "refuted"
    assert one(r"(x+1)^{50} = (x+1)^{49}(1+x)").status == "verified"
