"""The numbers an executed code cell shows, each with the name it is shown under.

Only readings that are certain are kept: a printed line `name = 4.87` or `name: 4.87` (a Python name as
the label, one plain number as the value), the one printed line of a cell whose only `print` is
`print(name)`, and the last expression's value when that expression is a name, a statistic of a
distribution object (`u.var()`, `u.mean()`, `u.std()`) or a tuple of those. A label printed twice with
different numbers, or printed from inside a loop or a function, says nothing. Nothing here imports SymPy.
"""

from __future__ import annotations

import ast as pyast
import re
from dataclasses import dataclass

from veritex.code_checks.names import python_key
from veritex.model import CodeCell, Document, MarkdownCell, Math

NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_LINE = re.compile(rf"^\s*([^\W\d]\w*)\s*[:=]\s*({NUMBER})\s*$")
_PLAIN = re.compile(rf"^\s*({NUMBER})\s*$")
_WRAPPED = re.compile(rf"\b(?:np\.|numpy\.)?(?:float|int)(?:16|32|64)?\(\s*({NUMBER})\s*\)")
STATISTICS = {"mean": "mean", "var": "variance", "std": "standard deviation"}


@dataclass(frozen=True)
class Printed:
    key: str  # what it is shown under: a Python name's key (`xbar`), or "stat:var" for `u.var()` of a distribution
    label: str  # as the code writes it: `x_bar`, `u.var()`
    text: str  # the number as shown
    value: float
    cell: CodeCell
    index: int  # the cell's place among the document's cells
    # The names (as keys) a distribution's statistic is made from: `θ` of `u = scipy.stats.geom(θ)`.
    inputs: frozenset[str] = frozenset()

    @property
    def unit(self) -> float:
        """One unit in the last digit shown: 0.01 for `4.87`, 1e-7 for `4.87e-05`."""
        mantissa, _, exponent = self.text.lower().partition("e")
        places = len(mantissa.split(".", 1)[1]) if "." in mantissa else 0
        return 10.0 ** (int(exponent or 0) - places)

    def where(self) -> str:
        pos = self.cell.position
        return f"the code in cell {pos.cell}" if pos.cell is not None else f"the code at line {pos.line}"


def printed_values(cell: CodeCell, index: int) -> list[Printed]:
    """What the executed `cell` shows, by name; empty when nothing is certain."""
    if cell.language != "python" or not cell.outputs:
        return []
    try:
        tree = pyast.parse(cell.source)
    except (SyntaxError, ValueError):
        return []
    found: list[Printed] = []
    stdout = "".join(_joined(o.get("text", "")) for o in cell.outputs
                     if o.get("output_type") == "stream" and o.get("name") == "stdout")
    if stdout and not _prints_repeatedly(tree):
        lines = [line for line in stdout.splitlines() if line.strip()]
        for line in lines:
            match = _LINE.match(line)
            if match:
                found.append(_printed(match[1], match[1], match[2], cell, index))
        sole = _sole_print_of_name(tree)
        if sole is not None and len(lines) == 1 and _PLAIN.match(lines[0]):
            found.append(_printed(sole, sole, lines[0].strip(), cell, index))
    found.extend(_last_value(tree, cell, index))
    return _unambiguous(found)


def _printed(key: str, label: str, text: str, cell: CodeCell, index: int,
             inputs: frozenset[str] = frozenset()) -> Printed:
    """A number shown under `key`: a Python name as `veritex.code_checks.names` keys it (`x_bar` -> `xbar`)."""
    return Printed(key if key.startswith("stat:") else python_key(key), label, text, float(text), cell, index,
                   inputs)


def _unambiguous(found: list[Printed]) -> list[Printed]:
    """A key shown with two different numbers names neither."""
    by_key: dict[str, set[float]] = {}
    for printed in found:
        by_key.setdefault(printed.key, set()).add(printed.value)
    seen: set[str] = set()
    out = []
    for printed in found:
        if len(by_key[printed.key]) == 1 and printed.key not in seen:
            seen.add(printed.key)
            out.append(printed)
    return out


def _prints_repeatedly(tree: pyast.Module) -> bool:
    """A `print` inside a loop, a comprehension or a function: one label may stand for many values."""
    repeating = (pyast.For, pyast.AsyncFor, pyast.While, pyast.FunctionDef, pyast.AsyncFunctionDef, pyast.Lambda,
                 pyast.ListComp, pyast.GeneratorExp, pyast.SetComp, pyast.DictComp)
    return any(isinstance(node, repeating) and any(_is_print(inner) for inner in pyast.walk(node))
               for node in pyast.walk(tree))


def _is_print(node: pyast.AST) -> bool:
    return isinstance(node, pyast.Call) and isinstance(node.func, pyast.Name) and node.func.id == "print"


def _sole_print_of_name(tree: pyast.Module) -> str | None:
    """`x` when the cell's one `print` is a statement `print(x)` (or `print(f"{x:.3f}")`) of the module."""
    calls = [node for node in pyast.walk(tree) if _is_print(node)]
    if len(calls) != 1:
        return None
    call = calls[0]
    assert isinstance(call, pyast.Call)
    top = any(isinstance(s, pyast.Expr) and s.value is call for s in tree.body)
    if not top or len(call.args) != 1 or call.keywords:
        return None
    shown = call.args[0]
    if isinstance(shown, pyast.JoinedStr) and len(shown.values) == 1 \
            and isinstance(shown.values[0], pyast.FormattedValue):  # `print(f"{x:.3f}")`
        shown = shown.values[0].value
    return shown.id if isinstance(shown, pyast.Name) else None


def _last_value(tree: pyast.Module, cell: CodeCell, index: int) -> list[Printed]:
    """The last expression's value, when it is named with certainty and shown as plain numbers."""
    if not tree.body or not isinstance(tree.body[-1], pyast.Expr) or cell.source.rstrip().endswith(";"):
        return []
    result = "".join(_text(o) for o in cell.outputs if o.get("output_type") == "execute_result")
    if not result:
        return []
    expr = tree.body[-1].value
    parts = expr.elts if isinstance(expr, pyast.Tuple) else [expr]
    numbers = _numbers(result, tuple_of=len(parts) if isinstance(expr, pyast.Tuple) else None)
    if numbers is None:
        return []
    distributions = _distributions(tree)
    out = []
    for part, text in zip(parts, numbers, strict=True):
        if isinstance(part, pyast.Name):
            out.append(_printed(part.id, part.id, text, cell, index))
        else:
            statistic = _statistic(part, distributions)
            if statistic is not None:
                receiver = part.func.value.id  # type: ignore[attr-defined]
                out.append(_printed(f"stat:{statistic}", pyast.unparse(part), text, cell, index,
                                    distributions[receiver]))
    receivers = {pyast.unparse(p.func.value) for p in parts  # type: ignore[attr-defined]
                 if _statistic(p, distributions) is not None}
    if len(receivers) > 1:  # `u.var(), v.var()`: which distribution the prose means is not certain
        out = [p for p in out if not p.key.startswith("stat:")]
    return out


def _text(output: dict[str, object]) -> str:
    data = output.get("data")
    return _joined(data.get("text/plain", "") if isinstance(data, dict) else "")


def _joined(text: object) -> str:
    """nbformat text: a string, or a list of lines as a notebook file stores it."""
    return "".join(str(t) for t in text) if isinstance(text, list) else str(text)


def _numbers(result: str, tuple_of: int | None) -> list[str] | None:
    """The plain numbers of a shown value (`90.0`, `np.float64(90.0)`, `(10.0, 90.0)`), or None."""
    text = _WRAPPED.sub(r"\1", result.strip())
    if tuple_of is None:
        match = _PLAIN.match(text)
        return [match[1]] if match else None
    if not (text.startswith("(") and text.endswith(")")):
        return None
    items = [item.strip() for item in text[1:-1].split(",") if item.strip()]
    if len(items) != tuple_of or not all(_PLAIN.match(item) for item in items):
        return None
    return items


def _distributions(tree: pyast.Module) -> dict[str, frozenset[str]]:
    """Names the cell binds to a distribution object of `scipy.stats` (`u = scipy.stats.geom(θ)`), each
    with the names its arguments use."""
    out = {}
    for node in tree.body:
        if isinstance(node, pyast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], pyast.Name) \
                and isinstance(node.value, pyast.Call) and "stats" in _dotted(node.value.func).split(".")[:-1]:
            arguments = [*node.value.args, *(k.value for k in node.value.keywords)]
            out[node.targets[0].id] = frozenset(python_key(n.id) for a in arguments for n in pyast.walk(a)
                                                if isinstance(n, pyast.Name))
    return out


def _dotted(node: pyast.expr) -> str:
    if isinstance(node, pyast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, pyast.Name) else ""


def _statistic(node: pyast.expr, distributions: dict[str, frozenset[str]]) -> str | None:
    """`mean`/`var`/`std` for a call `u.var()` with no argument on a distribution the cell made."""
    if isinstance(node, pyast.Call) and not node.args and not node.keywords \
            and isinstance(node.func, pyast.Attribute) and node.func.attr in STATISTICS \
            and isinstance(node.func.value, pyast.Name) and node.func.value.id in distributions:
        return node.func.attr
    return None


def shown(doc: Document) -> list[Printed]:
    """Every number the document's executed cells show under a name (cheap: no formula is read). From the
    first cell that leaves code for the reader to write on (an exercise: `# TODO`), what the code prints
    is a stand-in for the reader's answer, not the quantity the prose states: nothing is shown."""
    from .code_quantities import PLACEHOLDER

    out = []
    for index, cell in enumerate(doc.cells):
        if isinstance(cell, CodeCell):
            if PLACEHOLDER.search(cell.source):
                break
            out.extend(printed_values(cell, index))
    return out


# The prose a stated statistic reads: "the variance (of X) is $…$", on the formula's own line. It is all the
# prose the printed-values check reads, so its stage keys its verdicts by this and not by the rest.
_STATISTIC_WORDS = {"mean": "mean", "expected value": "mean", "expectation": "mean", "variance": "var",
                    "standard deviation": "std"}
_STATISTIC_BEFORE = re.compile(r"\b(mean|expected value|expectation|variance|standard deviation)"
                               r"(?:\s+of\s+(?:the|this|that|our)?\s*[A-Za-z]+(?:\s+[A-Za-z]+)?)?\s+(?:is|equals)"
                               r"\s*\$*$", re.IGNORECASE)


def statistic_named_before(cell: MarkdownCell, math: Math) -> str | None:
    """`var` for "the variance is $…$": the statistic the prose names right before the formula, if any."""
    pos = math.position
    if pos is None or cell.position is None:
        return None
    lines = cell.source.splitlines()
    row = pos.line - cell.position.line
    if not 0 <= row < len(lines):
        return None
    match = _STATISTIC_BEFORE.search(lines[row][:max(0, pos.column - 1)])
    return _STATISTIC_WORDS[match[1].lower()] if match else None
