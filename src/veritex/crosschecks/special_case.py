"""A special case against the general rule stated earlier: `b_0 = ...` against `b_t = \\gamma_1 - \\gamma_2
R_t^{-1}` for every t, compared with the rule's right side at that index.

Refuted only when certain: the rule holds for every index (not a recurrence, whose first value is an
initial condition; no range such as `t \\ge 1` stated with it), and either the two right sides differ
in one name alone, a name that appears nowhere else in the document while the rule's name does (a wrong
variable), or both are plain numbers that disagree. Verified when the instance is the rule's right side
at that index, as written or as a number at sampled values of the names they share.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields

from veritex.derivations.astutil import bound_indices, contains, replace_nodes
from veritex.derivations.definitions import Definition, head_key
from veritex.derivations.reading import ReadFormula
from veritex.math import ast
from veritex.math.rewrite import rewrite_expr
from veritex.model import Math

from .context import CrossContext
from .definitions import rule_text
from .finding import Finding
from .function_use import closed
from .prose import hedged, same_section

CHECK = "special_case"
RANGE_WORDS = r"\s*(\\geq?|\\geqslant|>|\\in|\\le|<|=\s*\d\s*,|\\neq?)"


def run(context: CrossContext) -> list[Finding]:
    rules = [rule for rule in map(_as_rule, context.math.table.definitions) if rule is not None]
    if not rules and not any(d.kind == "function" for d in context.math.table.definitions):
        return []
    findings: list[Finding] = []
    for read in context.formulas():
        assert read.formula is not None
        for statement in read.formula.statements:
            if statement.conditions:
                continue
            for left, relation, right in statement.steps():
                found = _instance_of(context, rules, read, left) if relation == "=" else None
                if found is not None:
                    finding = _check(context, read, left, right, *found)
                    if finding is not None:
                        findings.append(finding)
                break  # only the first step of a chain names the instance
    return findings


def _instance_index(node: ast.Expr) -> ast.Number | None:
    if isinstance(node, ast.Subscript) and isinstance(node.base, ast.Symbol) and isinstance(node.index, ast.Number):
        return node.index if node.index.value.isdigit() else None
    return None


def _as_rule(definition: Definition) -> tuple[Definition, ast.Expr] | None:
    """(the definition, its index variable) when it states a value for every index: `b_t = ...` whose
    body uses `t`, and no recurrence (those are never in the table's rules)."""
    if definition.recursive:
        return None
    if definition.kind == "indexed" and len(definition.params) == 1 and definition.bracket == "_":
        return definition, definition.params[0]
    head = definition.head
    if (definition.kind == "symbol" and isinstance(head, ast.Subscript) and isinstance(head.base, ast.Symbol)
            and isinstance(head.index, ast.Symbol) and len(head.index.name) == 1
            and contains(definition.body, head.index)):
        return definition, head.index
    return None


def _rule_for(rules: list[tuple[Definition, ast.Expr]], base: ast.Expr,
              order: int) -> tuple[Definition, ast.Expr] | None:
    """The rule for `base` nearest before formula `order` (one displayed rather than in prose)."""
    key = head_key(base)
    found = [(d, p) for d, p in rules if d.order < order
             and head_key(d.head.base if isinstance(d.head, ast.Subscript) else d.head) == key]
    found = [(d, p) for d, p in found if not d.inline] or found
    return max(found, key=lambda r: r[0].order) if found else None


def _instance_of(context: CrossContext, rules: list[tuple[Definition, ast.Expr]], read: ReadFormula,
                 left: ast.Expr) -> tuple[Definition, dict[ast.Expr, ast.Expr]] | None:
    """The general rule `left` is an instance of, and the values of its variables: `b_0` of a rule
    for `b_t`, or `f(2)` of a function whose definition names values besides its parameters (one
    over its parameters alone is the business of `function_use`)."""
    index = _instance_index(left)
    if index is not None:
        assert isinstance(left, ast.Subscript)
        found = _rule_for(rules, left.base, read.order)
        if found is None or not _for_every_index(context, *found) or found[1] in bound_indices(found[0].body):
            return None
        return found[0], {found[1]: index}
    if not (isinstance(left, ast.Apply) and left.args and all(_is_number(a) for a in left.args)):
        return None
    rule = context.math.table.lookup("function", left.function, read.order)
    if rule is None or rule.order >= read.order or len(rule.params) != len(left.args) or closed(rule):
        return None
    defining = context.math.formulas[rule.order].formula
    if defining is None or defining.conditions or any(p in bound_indices(rule.body) for p in rule.params):
        return None
    return rule, dict(zip(rule.params, left.args, strict=True))


def _is_number(node: ast.Expr) -> bool:
    return isinstance(node, ast.Number) or (isinstance(node, ast.Neg) and isinstance(node.operand, ast.Number))


def _check(context: CrossContext, read: ReadFormula, left: ast.Expr, right: ast.Expr, rule: Definition,
           mapping: dict[ast.Expr, ast.Expr]) -> Finding | None:
    replacements: dict[ast.Node, ast.Expr] = dict(mapping.items())
    instance = _fold_indices(replace_nodes(rule.body, replacements))
    if contains(instance, left) or contains(right, left):
        return None  # the rule at this index refers to the instance itself: nothing to compare
    math = read.math
    stated = math.tex[right.span[0]:right.span[1]].strip()
    at = ", ".join(f"{_plain(p)} = {_number_text(v)}" for p, v in mapping.items())
    against = f"{rule_text(rule)} ({rule.label or 'an earlier formula'})"
    if instance == right:
        return Finding(math, "verified", f"{_tex(math, left)} = {stated} is {against} at {at}.", CHECK,
                       left.span[0], {"against": against})
    agrees = context.remember(CHECK, ["agree", str(right), str(instance)], lambda: _agree(right, instance))
    if agrees:
        return Finding(math, "verified", f"{_tex(math, left)} = {stated} agrees with {against} at {at}.", CHECK,
                       left.span[0], {"against": against})
    if agrees is None or hedged(context, math):
        return None
    names = _names(right) | _names(instance)
    if not names and same_section(context, context.math.formulas[rule.order].math, math):
        from .evaluate import Scope, evaluate

        mine, theirs = evaluate(right, Scope({})), evaluate(instance, Scope({}))
        message = f"{_tex(math, left)} = {stated} is {mine:.6g}, but {against} gives {theirs:.6g} at {at}."
        return Finding(math, "refuted", message, CHECK, left.span[0],
                       {"against": against, "values": {"stated": f"{mine:.6g}", "rule": f"{theirs:.6g}"}})
    swap = _swapped(right, instance)
    if swap is None:
        return None
    wrong, meant = swap
    if not _appears_once(context, wrong, math) or _appears_once(context, meant, math):
        return None
    message = (f"{_tex(math, wrong)} in {_tex(math, left)} = {stated} appears nowhere else in the document, "
               f"where {against} at {at} has {_words(meant)}.")
    return Finding(math, "refuted", message, CHECK, wrong.span[0],
                   {"against": against, "fix": f"{_words(meant)} for {_tex(math, wrong)}"})


def _agree(stated: ast.Expr, instance: ast.Expr) -> bool | None:
    """Whether the two sides are equal at sampled values of every name either uses (numbers: to the
    digits `stated` shows); None when they cannot be computed."""
    names = _names(stated) | _names(instance)
    import numpy as np

    from .evaluate import Scope, Unreadable, evaluate, shown_precision

    rng = np.random.default_rng(5)
    tolerance = max(shown_precision(stated), 1e-12)
    for _ in range(6 if names else 1):
        scope = {n: float(rng.uniform(0.5, 2.0)) for n in names}
        try:
            mine, theirs = evaluate(stated, Scope(dict(scope))), evaluate(instance, Scope(dict(scope)))
        except Unreadable:
            return None
        if isinstance(mine, np.ndarray) or isinstance(theirs, np.ndarray) or not np.isfinite([mine, theirs]).all():
            return None
        if abs(mine - theirs) > max(1e-9 * abs(theirs), tolerance):
            return False
    return True


def _swapped(stated: ast.Expr, instance: ast.Expr) -> tuple[ast.Expr, ast.Expr] | None:
    r"""(the stated name, the rule's name) when putting the one for the other makes the two sides equal:
    as trees, or as numbers at sampled values (`\kappa_1 + \kappa_3` against `\kappa_1 1 + \kappa_2`)."""
    swap = _one_name_swapped(stated, instance)
    if swap is not None:
        return swap
    only_stated = _names(stated) - _names(instance)
    only_rule = _names(instance) - _names(stated)
    if len(only_stated) != 1 or len(only_rule) != 1:
        return None
    (wrong_key,), (meant_key,) = only_stated, only_rule
    wrong = next((n for n in stated.walk() if isinstance(n, ast.Expr) and _is_name(n) and head_key(n) == wrong_key),
                 None)
    meant = next((n for n in instance.walk() if isinstance(n, ast.Expr) and _is_name(n) and head_key(n) == meant_key),
                 None)
    if wrong is None or meant is None:
        return None
    put: dict[ast.Node, ast.Expr] = {wrong: meant}
    return (wrong, meant) if _agree(replace_nodes(stated, put), instance) else None


def _for_every_index(context: CrossContext, rule: Definition, param: ast.Expr) -> bool:
    """The rule states no range for its index: no condition in its formula, none in the prose
    around it (`for $t \\ge 1$`)."""
    read = context.math.formulas[rule.order]
    if read.formula is None or read.formula.conditions:
        return False
    letter = re.escape(_tex_name(param))
    pattern = re.compile(rf"(?<![\\\w]){letter}{RANGE_WORDS}")
    around = [context.math.lead_ins.get(rule.order, "")[-120:]]
    for later in context.math.formulas[rule.order + 1: rule.order + 3]:
        if not later.math.display:
            around.append(later.math.tex)
    return not any(pattern.search(text) for text in around)


def _fold_indices(node: ast.Expr) -> ast.Expr:
    """`b_{0+1}` as `b_1`: an index that became arithmetic on numbers is written as its number."""
    if not any(isinstance(n, ast.Subscript) and not isinstance(n.index, ast.Number) and not _names(n.index)
               for n in node.walk()):
        return node  # nothing to fold: NumPy (behind `evaluate`) is not even imported
    from .evaluate import Scope, Unreadable, evaluate, whole

    def fold(n: ast.Node) -> ast.Node | None:
        if not isinstance(n, ast.Subscript) or isinstance(n.index, ast.Number) or _names(n.index):
            return None
        try:
            value = evaluate(n.index, Scope({}))
        except Unreadable:
            return None
        number = whole(value)
        if number is None or number < 0:
            return None
        return ast.Subscript(_fold_indices(n.base), ast.Number(str(number)), span=n.span)

    return rewrite_expr(node, fold)


def _is_name(node: ast.Expr) -> bool:
    if isinstance(node, ast.Symbol):
        return node.font not in ("op", "text")
    return (isinstance(node, ast.Subscript) and isinstance(node.base, ast.Symbol)
            and isinstance(node.index, ast.Number | ast.Symbol))


def _one_name_swapped(stated: ast.Expr, instance: ast.Expr) -> tuple[ast.Expr, ast.Expr] | None:
    """(the stated name, the rule's name) when the two trees differ in that one name alone."""
    pairs = set()
    for a, b in _differences(stated, instance):
        if a is None or b is None or not (_is_name(a) and _is_name(b)):
            return None
        pairs.add((a, b))
    if len({head_key(a) for a, _ in pairs}) != 1 or len({head_key(b) for _, b in pairs}) != 1:
        return None
    return next(iter(pairs))


def _differences(a: ast.Expr, b: ast.Expr) -> Iterator[tuple[ast.Expr | None, ast.Expr | None]]:
    if a == b:
        return
    if _is_name(a) and _is_name(b):
        yield a, b
        return
    if type(a) is not type(b):
        yield None, None
        return
    for f in fields(a):
        if f.name == "span":
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        xs = x if isinstance(x, tuple) else (x,)
        ys = y if isinstance(y, tuple) else (y,)
        if len(xs) != len(ys):
            yield None, None
            return
        for p, q in zip(xs, ys, strict=True):
            if isinstance(p, ast.Expr) and isinstance(q, ast.Expr):
                yield from _differences(p, q)
            elif p != q:
                yield None, None
                return


def _appears_once(context: CrossContext, name: ast.Expr, math: Math) -> bool:
    """Whether `name` occurs in no formula but `math`, in no formula that failed to parse, and in no code."""
    key = head_key(name)
    for read in context.math.formulas:
        if read.math is math:
            continue
        if read.formula is not None:
            if any(isinstance(n, ast.Symbol | ast.Subscript) and head_key(n) == key for n in read.formula.walk()):
                return False
        elif _spelled(name) in _squeezed(read.math.tex):
            return False
    spellings = _code_spellings(name)
    return not any(re.search(rf"\b{re.escape(s)}\b", cell.source) for cell in context.code_cells()
                   for s in spellings)


def _squeezed(tex: str) -> str:
    return re.sub(r"[\s{}]", "", tex)


def _spelled(name: ast.Expr) -> str:
    if isinstance(name, ast.Subscript):
        return f"{_tex_name(name.base)}_{_tex_name(name.index)}"
    return _tex_name(name)


def _tex_name(node: ast.Expr) -> str:
    if isinstance(node, ast.Symbol):
        return node.name
    if isinstance(node, ast.Number):
        return node.value
    return ""


GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "theta": "θ", "lambda": "λ",
         "mu": "μ", "nu": "ν", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "omega": "ω", "eta": "η"}


def _code_spellings(name: ast.Expr) -> set[str]:
    base, index = (name.base, name.index) if isinstance(name, ast.Subscript) else (name, None)
    letter = _tex_name(base).lstrip("\\")
    letters = {letter, GREEK.get(letter, letter)}
    if index is None:
        return letters
    return {f"{w}{sep}{_tex_name(index)}" for w in letters for sep in ("", "_")}


def _number_text(node: ast.Expr) -> str:
    return f"-{_tex_name(node.operand)}" if isinstance(node, ast.Neg) else _tex_name(node)


def _names(node: ast.Expr) -> set[ast.Expr]:
    """The names a side uses; a subscripted name (`R_0`, `\\gamma_2`) is one name."""
    if _is_name(node):
        if isinstance(node, ast.Symbol) and node.name in ("e", "\\pi"):
            return set()
        return {head_key(node)}
    if isinstance(node, ast.Symbol):
        return set()  # an operator's name
    return {name for child in node.children() if isinstance(child, ast.Expr) for name in _names(child)}


def _tex(math: Math, node: ast.Expr) -> str:
    return math.tex[node.span[0]:node.span[1]].strip()


def _plain(node: ast.Expr) -> str:
    return _tex_name(node) or "the index"


def _words(node: ast.Expr) -> str:
    return _spelled(node)
