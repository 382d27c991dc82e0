"""Approximation steps read by their order in the quantities the text calls small."""

from __future__ import annotations

from pathlib import Path

from veritex.derivations.regime import regime_at, stated_regimes
from veritex.model import Item
from veritex.readers.markdown import read_markdown
from veritex.stages.derivations import check_identities


def check(markdown: str) -> dict[str | None, Item]:
    doc = read_markdown(markdown, Path("doc.md"))
    check_identities(doc, None)
    return {i.label: i for i in doc.items if i.kind == "identity"}


def approx(prose: str, tex: str) -> dict:
    item = check(f"{prose}\n\n$$\n{tex}\n$$ (eq:it)\n")["eq:it"]
    steps = [s for s in item.detail["steps"] if s.get("relation") == "approx"]
    assert len(steps) == 1, item.detail
    return steps[0] | {"item_status": item.status, "message": item.message}


SMALL = "Here $a$ and $b$ are both small numbers, and $n$ counts periods."


def test_a_correct_first_order_approximation_is_verified() -> None:
    step = approx(SMALL, r"\frac{c(1+a)^{n}}{1+b} \approx c + c n a - c b")
    assert step["status"] == "verified", step
    assert "order 1" in step["how"] and "a and b" in step["how"]


def test_a_zeroth_order_approximation_is_accepted_when_the_leading_terms_agree() -> None:
    step = approx(SMALL, r"\frac{c}{a - b + a b} \approx \frac{c}{a - b}")
    assert step["status"] == "verified", step
    assert "leading order (order -1)" in step["how"]


def test_a_lost_factor_is_refuted_at_the_order_the_step_claims() -> None:
    # The order-1 term of the left side is c n (n-1) a b/(a-b); the right side keeps c (n-1) a b/(a-b).
    step = approx(SMALL, r"c(n-1) + \frac{c a b (n-1) n}{a - b + a b} - \frac{c a b (n-1)}{a-b}"
                         r" \approx c(n-1) + \frac{c a b (n-1)}{a - b}")
    assert step["status"] == "refuted", step
    assert step["item_status"] == "refuted"
    reason = step["reason"]
    assert "order 1" in reason and "line 1" in reason
    # Both coefficients are named, in the reader's symbols.
    assert "a*b*c*(-1 + n)/(a - b)" in reason and "a*b*c*(-1 + n)**2/(a - b)" in reason
    assert step["fix"].startswith("the order 1 term")
    assert all(abs(step["point"][name]) < 0.5 for name in ("a", "b"))


def test_a_difference_beyond_the_order_claimed_is_not_refuted() -> None:
    # The second-order terms differ (n(n-1)/2 a^2 against nothing): the step claims only order 1.
    step = approx("For small $a$ the powers expand.", r"(1+a)^n \approx 1 + n a")
    assert step["status"] == "verified", step
    wrong = approx("For small $a$ the powers expand.", r"(1+a)^n \approx 1 + n a + n^2 a^2")
    assert wrong["status"] == "refuted" and "order 2" in wrong["reason"]


def test_without_a_stated_small_quantity_the_step_is_unchecked() -> None:
    step = approx("The powers expand.", r"(1+a)^n \approx 1 + n a + n^2 a^2")
    assert step["status"] == "unchecked" and step["code"] == "approximation"


def test_sides_differing_at_leading_order_rest_on_another_regime() -> None:
    step = approx(SMALL, r"n + 1 + n a \approx n + n a")
    assert step["status"] == "unchecked" and step["code"] == "approximation-other-regime"


def test_a_quantity_the_text_calls_large_leaves_the_step_unchecked() -> None:
    step = approx("Let $a$ be small and $n$ is large.", r"(1+a)^n \approx 1 + n a + n^2 a^2")
    assert step["status"] == "unchecked" and step["code"] == "approximation-other-regime"
    assert "n large" in step["reason"]


def test_a_logarithm_of_a_small_quantity_is_not_a_power_series() -> None:
    step = approx("For small $h$, note this.", r"\log(h + h^2) \approx \log h + h^2")
    assert step["status"] == "unchecked" and step["code"] == "approximation-not-series"


def test_a_letter_used_as_a_number_multiplies_its_parentheses() -> None:
    # `g(n+1)` beside a bare `g` is g times (n+1), as a reader reads it.
    step = approx("Assume $r$ and $g$ are small.", r"\frac{r g(n+1)^2}{r - g + r g} \approx \frac{r g(n+1)^2}{r-g}")
    assert step["status"] == "verified", step


def test_the_statement_reaches_to_the_end_of_its_section() -> None:
    doc = read_markdown("# One\n\nWe assume $x$ is small.\n\n$$y \\approx x$$\n\n## Two\n\n$$z \\approx x$$\n\n"
                        "# Three\n\n$$w \\approx x$$\n", Path("doc.md"))
    regimes = stated_regimes(doc)
    orders = [k for k, m in enumerate(doc.all_math()) if m.display]
    found = [regime_at(regimes, k) for k in orders]
    assert found[0] is not None and found[0].small == ("x",) and "line 3" in found[0].where
    assert found[1] is not None  # a subsection belongs to the section
    assert found[2] is None


def test_a_truncation_right_when_one_small_quantity_is_much_smaller_is_not_refuted() -> None:
    # Dropping h s is consistent when h is of the size of s^2, though not when both are of one size.
    step = approx("Here $h$ and $s$ are small.", r"(1 + h)(1 + s) + s^2 \approx 1 + h + s + s^2")
    assert step["status"] == "unchecked" and step["code"] == "approximation-other-regime", step
    assert "much smaller" in step["reason"]


def test_a_truncated_series_is_read_against_what_it_expands() -> None:
    # `A = S + \dots \approx B`: the dots cannot be read, but the chain claims A ≈ B.
    good = approx("For small $h$:", r"\frac{1}{1-h} = 1 + h + h^2 + \dots \approx 1 + h")
    assert good["status"] == "verified", good
    wrong = approx("For small $h$:", r"\frac{1}{1-h} = 1 + h + h^2 + \dots \approx 1 + 2h")
    assert wrong["status"] == "refuted", wrong


def test_statements_of_size_in_their_usual_wordings() -> None:
    prose = ("Let $\\epsilon$ be small. For small values of $h$ it holds. As $u \\to 0$ it vanishes. "
             "Here $|v| \\ll 1$ and $w$ is large, as $N \\to \\infty$. The $p$-value is smaller. "
              "It holds when $T$ is relatively small compared to $1/a$.")
    doc = read_markdown(prose + "\n\n$$y \\approx 1$$\n", Path("doc.md"))
    found = regime_at(stated_regimes(doc), len(list(doc.all_math())) - 1)
    assert found is not None
    assert found.small == ("epsilon", "h", "u", "v") and found.large == ("N", "w")


def test_a_function_nothing_defines_is_never_read_as_a_product() -> None:
    # `f` is used bare and applied, but only a quantity the text calls small is read as a number.
    step = approx("For small $h$:", r"f(x + h) \approx f + h x")
    assert step["status"] == "unchecked" and step["code"] == "never-defined", step


def test_a_statement_right_after_a_display_qualifies_it() -> None:
    text = "The sine is close to its argument:\n\n$$\n\\sin x \\approx x - x^2\n$$ (eq:it)\n\nwhen $x$ is small.\n"
    step = check(text)["eq:it"].detail["steps"][0]
    assert step["status"] == "refuted" and "order 2" in step["reason"], step
    later = check("$$\n\\sin x \\approx x - x^2\n$$ (eq:it)\n\nSome words.\n\nMore words.\n\nWhen $x$ is small.\n")
    assert later["eq:it"].detail["steps"][0]["status"] == "unchecked"


def test_a_number_after_a_truncated_series_is_left_as_written() -> None:
    item = check("$$\ne = 1 + 1 + \\frac{1}{2} + \\dots \\approx 2.5\n$$ (eq:it)\n")["eq:it"]
    assert item.status == "unchecked" and "cannot interpret" in item.message


def test_a_quantity_called_negligible_vanishes_with_the_small_ones() -> None:
    assert approx(SMALL, r"a b c \approx 0")["status"] == "verified"
    assert approx(SMALL, r"c + a b \approx 0")["status"] == "unchecked"
