"""Why a formula was left unchecked: a fixed, documented list (docs/unchecked-reasons.md).

A refuted verdict must be as trustworthy as a failing unit test, so a formula whose reading is not
certain is left unchecked with one of these reasons rather than sampled under a guess. Each reason
has a stable `code` (shown in the report item's detail, one per step) and a sentence template.
Reasons that the checker has always given in its own words (a construct outside the math subset, a
name never defined...) are recognised by `classify`, so every unchecked step carries a code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    code: str
    summary: str  # one line for the documentation page
    template: str = ""  # `str.format` fields filled by `say`

    def say(self, **fields: str) -> str:
        return self.template.format(**fields)


# -- readings the precision rules refuse to guess --------------------------------------------------
OPERATOR = Reason("operator", "an operator (E, Var, Cov, P, Pr, D_x, δ, Γ, a named function) is applied to "
                  "an argument; it is never read as a product",
                  "uses the operator {name}, which the check does not evaluate")
DERIVATIVE_AT_POINT = Reason("derivative-at-point", "a derivative is applied at a point (`\\frac{dg}{dx}(x)`); "
                             "it is never read as the derivative times the point",
                             "applies the derivative {name} at a point, which the check does not evaluate")
BRACKET_APPLICATION = Reason("bracket-application", "a name is followed by square brackets (`f[x]`), the "
                             "notation of function application in some books; it is never read as a product",
                             "writes {name}[…], a function applied in bracket notation, which the check does "
                             "not read as a product")
IMAGINARY_UNIT = Reason("imaginary-unit", "the document works with complex numbers and the formula uses "
                        "i or j as the imaginary unit; read so, its sides could not be shown equal (a complex "
                        "reading verifies, never refutes), and the unit is never sampled as a real number",
                        "uses {name} as the imaginary unit (the document works with complex numbers); read "
                        "so, its sides could not be shown equal, and a complex reading is not refuted")
INTERMEDIATE_VARIABLES = Reason("intermediate-variables", "a chain rule through intermediate variables: "
                                "substituting their definitions while sampling them freely would change "
                                "what the formula says",
                                "differentiates through {name}, defined by {where} yet left free by the "
                                "derivative: a chain rule through intermediate variables is not checked by "
                                "substitution")
NOT_AN_IDENTITY = Reason("not-an-identity", "the two sides share no variable: an equation that determines "
                         "one quantity from others, a model or a condition, not an identity",
                         "its sides share no variable ({left} against {right}): an equation relating "
                         "different quantities, not an identity")
BARE_SUM = Reason("bare-sum", "a sum or product with no stated range (`\\sum_i x_i p_i`); sampling would "
                  "pick a range the text never gave", "takes {op} over {index} without a stated range")
INDEX_CAPTURE = Reason("index-capture", "an index the formula uses freely is bound inside a definition it "
                       "substitutes (`\\frac{df}{dx_i}` with `f = \\sum_i ...`)",
                       "uses the index {name} freely while a definition it substitutes sums over {name}")
EQUATION_TO_SOLVE = Reason("equation-to-solve", "the text introduces the formula as an equation to solve, an "
                           "equilibrium, a condition or a constraint: it holds for particular values only",
                           "the text introduces it as {what}, which holds for particular values, not as an "
                           "identity")
MATRIX_ARITHMETIC = Reason("matrix-arithmetic", "a matrix written out combined with a scalar (`A - \\lambda` "
                           "meaning `A - \\lambda I`) or a product SymPy cannot form",
                           "combines a matrix written out with scalars in a way the check does not evaluate "
                           "(a matrix plus a number means the number times the identity only by convention)")
DEFINED_LATER = Reason("defined-later", "a function the document defines only further down is applied here: "
                       "definitions flow forward only, and it is never read as a product",
                       "applies {name}, which the document defines only further down")
MOMENTS_NOT_GENERAL = Reason("moments-not-general", "a statement about expectations, variances, covariances "
                             "or correlations that does not hold for every distribution: it describes a "
                             "particular distribution or relies on a condition the text gives in words; it is "
                             "refuted only when the text states it for any random variables",
                             "reads {name} as moments of random variables; the sides differ on some "
                             "distributions, and the text does not state it for any random variables")
APPROXIMATION_NOT_SERIES = Reason(
    "approximation-not-series", "an approximation in quantities the text calls small whose sides are not "
    "power series in them (a logarithm, a fractional power, an absolute value): the order it keeps cannot be read",
    "with {names} small{where}, {why}, so the order the approximation keeps cannot be read")
APPROXIMATION_OTHER_REGIME = Reason(
    "approximation-other-regime", "an approximation in quantities the text calls small that rests on something "
    "else too: its sides differ already at leading order, or it involves a quantity the text calls large",
    "with {names} small{where}, {why}: the approximation rests on more than their smallness, so it is not refuted")
SYMBOLIC_BUDGET = Reason("symbolic-budget", "sampling could not settle a step, and the formula's allowance of "
                         "symbolic proofs (`simplify`, a few per formula, so that a check stays fast) was spent "
                         "on its earlier steps",
                         "{why}; and the symbolic proof that might settle it was not tried: this formula's "
                         "allowance of {count} was spent on its earlier steps")
INTEGRAL_NO_VALUE = Reason("integral-no-value", "a definite integral that numeric quadrature cannot evaluate with "
                           "certainty: an improper integral whose integrand does not visibly decay (it may "
                           "diverge), or a kink, singularity or oscillation that leaves its digits unsure",
                           "no value to compare, from quadrature or partial sums: its {what}")
CHECKER_FAILURE = Reason("checker-failure", "the check met a case it does not handle (a veritex bug to report); "
                         "the formula is left unchecked and the tests fail on it",
                         "the check could not read this formula ({error}); please report it")

# -- reasons the checker gives in its own words, recognised by their opening -------------------------
OUTSIDE_SUBSET = Reason("outside-subset", "a construct outside veritex's math subset (`cannot interpret …`)")
NEVER_DEFINED = Reason("never-defined", "a name, function or derivative nothing defines: an abstract statement")
RECURRENCE = Reason("recurrence", "a family defined by a recurrence, whose terms cannot be drawn freely")
WHOLE_ARRAYS = Reason("whole-arrays", "an identity over whole arrays or a matrix written out, tested "
                      "against code rather than sampled as scalars")
ONLY_NAMED = Reason("only-named", "a step that gives a name to a result and claims nothing")
UNSAMPLEABLE = Reason("unsampleable", "something the numeric check does not sample (a transpose, a norm, an "
                      "infinite sum), or no point where both sides are defined and finite")
HOLDS_FOR_SOME = Reason("holds-for-some", "the sides agree at some points and differ at others, or differ for a "
                        "name no formula defines: an equation, a constraint or a condition stated only in prose")
APPROXIMATION = Reason("approximation", "an `\\approx` between expressions, never refuted")
OTHER = Reason("other", "any other reason the checker states in its own words")

REASONS: tuple[Reason, ...] = (OPERATOR, DERIVATIVE_AT_POINT, BRACKET_APPLICATION, IMAGINARY_UNIT,
                               INTERMEDIATE_VARIABLES, NOT_AN_IDENTITY, BARE_SUM, INDEX_CAPTURE,
                               EQUATION_TO_SOLVE, MATRIX_ARITHMETIC, DEFINED_LATER, MOMENTS_NOT_GENERAL,
                               APPROXIMATION_NOT_SERIES, APPROXIMATION_OTHER_REGIME, SYMBOLIC_BUDGET, INTEGRAL_NO_VALUE,
                               CHECKER_FAILURE, OUTSIDE_SUBSET, NEVER_DEFINED, RECURRENCE, WHOLE_ARRAYS, ONLY_NAMED,
                               UNSAMPLEABLE, HOLDS_FOR_SOME,
                               APPROXIMATION, OTHER)

_OPENINGS: tuple[tuple[str, Reason], ...] = (
    ("cannot interpret", OUTSIDE_SUBSET),
    ("it is an identity over whole arrays", WHOLE_ARRAYS),
    ("it holds a matrix", WHOLE_ARRAYS),
)
_CONTAINS: tuple[tuple[str, Reason], ...] = (
    ("holds only for some values", HOLDS_FOR_SOME),
    ("condition stated only in prose", HOLDS_FOR_SOME),
    ("which no formula defines", HOLDS_FOR_SOME),
    ("is an approximation", APPROXIMATION),
    ("does not see", NEVER_DEFINED),
    ("never defined", NEVER_DEFINED),
    ("does not involve", NEVER_DEFINED),
    ("recurrence", RECURRENCE),
    ("only named here", ONLY_NAMED),
    ("sample", UNSAMPLEABLE),
)


def classify(reason: str) -> Reason:
    """The listed reason a sentence of the checker's own words belongs to."""
    for listed in REASONS:
        opening = listed.template.split("{", 1)[0]
        if opening and reason.startswith(opening):
            return listed
    for opening, found in _OPENINGS:
        if reason.startswith(opening):
            return found
    for part, found in _CONTAINS:
        if part in reason:
            return found
    return OTHER
