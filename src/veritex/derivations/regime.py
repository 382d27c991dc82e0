"""The small quantities a document names in its prose, and how far each statement reaches.

An approximation step (`\\approx`) is read against the regime the text states: "$r$ and $g$ are
typically small", "for small $x$", "$|h| \\ll 1$", "as $h \\to 0$". A quantity the text calls large ("for large
$n$", "$T \\gg 1$", "$n \\to \\infty$") is recorded too, since an approximation that leans on it is
not a small-quantity expansion. A statement holds from where it is made to the end of its section
(the next heading of the same or a higher level). Nothing here imports SymPy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from veritex.math import MathSyntaxError, ast, parse
from veritex.model import Document

from .shapes import name_of

_INLINE = re.compile(r"(?<![\\$])\$(?!\$)([^$\n]+?)\$(?!\$)")
_NAMES = r"⟨(\d+)⟩(?:\s*(?:,\s*and|,|and)\s*⟨(\d+)⟩)*"
_QUALIFIER = (r"(?:(?:typically|very|sufficiently|assumed|both|all|usually|often|quite|relatively|taken|to|be|"
              r"always|here|numbers?|values?|quantities)\s+){0,3}")
_SIZE = r"(small|large|tiny|huge)(?!\s+(?:compared|relative|than|next|with\s+respect|in\s+comparison))"
"""A size relative to something else ("small compared to $1/(rg)$") is not a regime of its own."""
_STATED = re.compile(_NAMES + r"\s+(?:is|are|be|remains?|stays?)\s+" + _QUALIFIER + _SIZE + r"\b", re.IGNORECASE)
_FOR = re.compile(r"\b(?:for|with|when|if)\s+(?:a\s+|an\s+)?(?:very\s+|sufficiently\s+)?" + _SIZE
                  + r"\s+(?:values?\s+of\s+)?" + _NAMES, re.IGNORECASE)
_HEADING = re.compile(r"^(#{1,6})\s")
_MUCH = re.compile(r"^\s*(\|?)(?P<name>[^|<>]+?)\1\s*\\(?P<rel>ll|gg)\s*1\s*$")
_TO_INFINITY = re.compile(r"^\s*(?P<name>[^|<>]+?)\s*\\(?:to|rightarrow)\s*\\infty\s*$")
_TO_ZERO = re.compile(r"^\s*(?P<name>[^|<>]+?)\s*\\(?:to|rightarrow)\s*0\s*$")
SMALL_WORDS = frozenset({"small", "tiny"})
TRAILING = 2
"""Lines after a displayed formula within which a statement of size still qualifies it."""


@dataclass(frozen=True)
class Regime:
    """What the text states about the size of some quantities, by their SymPy names, and where."""

    small: tuple[str, ...]
    large: tuple[str, ...] = ()
    where: str = ""  # "the prose at line 569"

    def __str__(self) -> str:
        return f"small={','.join(self.small)};large={','.join(self.large)};{self.where}"


@dataclass(frozen=True)
class StatedRegime:
    """One statement, with the formula orders it reaches: `start <= order < end`."""

    small: frozenset[str]
    large: frozenset[str]
    start: int
    end: int
    line: int


def stated_regimes(doc: Document) -> list[StatedRegime]:
    """Every statement of size in the document's prose, each with the formulas it reaches."""
    keys: list[tuple[int, int]] = []  # (cell, line) of each formula, by its order
    displays: list[tuple[int, int, int]] = []  # (cell, last line, order) of each displayed formula
    found: list[tuple[tuple[int, int], int, frozenset[str], frozenset[str], int]] = []  # key, level, small, large, line
    headings: list[tuple[tuple[int, int], int]] = []
    level = 0
    for index, cell in enumerate(doc.markdown_cells()):
        for m in cell.math:
            if m.display:
                displays.append((index, m.position.line + m.tex.count("\n") + 1, len(keys)))
            keys.append((index, m.position.line))
        first = cell.position.line
        lines = cell.source.splitlines()
        row_level = []
        for row, text in enumerate(lines):
            heading = _HEADING.match(text)
            if heading:
                level = len(heading.group(1))
                headings.append(((index, first + row), level))
            row_level.append(level)
        for row, small, large in _statements(lines):
            found.append(((index, first + row), row_level[row] if row < len(row_level) else level, small, large,
                          first + row))
    out = []
    for key, at_level, small, large, line in found:
        end_key = next((h for h, lv in headings if h > key and lv <= max(at_level, 1)), None)
        start = sum(1 for k in keys if k <= key)
        # "$$ ... \\approx ... $$ where $r$ is small": a statement right after a display qualifies it too.
        previous = [(cell, last, order) for cell, last, order in displays if order < start]
        if previous and previous[-1][0] == key[0] and previous[-1][1] <= key[1] <= previous[-1][1] + TRAILING:
            start = previous[-1][2]
        end = len(keys) if end_key is None else sum(1 for k in keys if k < end_key)
        out.append(StatedRegime(small, large, start, end, line))
    return out


def regime_at(regimes: list[StatedRegime], order: int) -> Regime | None:
    """The regime in effect at the `order`-th formula: every statement that reaches it, together."""
    reaching = [r for r in regimes if r.start <= order < r.end]
    if not reaching:
        return None
    small = sorted(set().union(*(r.small for r in reaching)))
    large = sorted(set().union(*(r.large for r in reaching)))
    lines = sorted({r.line for r in reaching if r.small})
    where = "the prose at line" + ("s " if len(lines) > 1 else " ") + ", ".join(map(str, lines)) if lines else ""
    return Regime(tuple(small), tuple(large), where)


def _statements(lines: list[str]) -> list[tuple[int, frozenset[str], frozenset[str]]]:
    """(row, small names, large names) for each statement, read sentence-wide over line breaks."""
    text = "\n".join(lines)
    formulas: list[str] = []

    def hold(match: re.Match[str]) -> str:
        formulas.append(match.group(1))
        return f"⟨{len(formulas) - 1}⟩"

    prose = _INLINE.sub(hold, text)
    rows = _rows(prose)
    out: list[tuple[int, frozenset[str], frozenset[str]]] = []
    for pattern in (_STATED, _FOR):
        for match in pattern.finditer(prose):
            size = next(g for g in match.groups() if g is not None and not g.isdigit()).lower()
            placed = [int(n) for n in re.findall(r"⟨(\d+)⟩", match.group(0))]
            names = frozenset(n for n in (_name(formulas[k]) for k in placed) if n)
            if names:
                small = names if size in SMALL_WORDS else frozenset()
                out.append((rows[match.end() - 1], small, names - small))
    for k, tex in enumerate(formulas):
        much = _MUCH.match(tex)
        limit = _TO_ZERO.match(tex) or _TO_INFINITY.match(tex)
        stated = much or limit
        name = _name(stated.group("name")) if stated is not None else None
        if name is None:
            continue
        spot = prose.index(f"⟨{k}⟩")
        if (much and much.group("rel") == "ll") or (limit and limit.re is _TO_ZERO):
            out.append((rows[spot], frozenset({name}), frozenset()))
        else:
            out.append((rows[spot], frozenset(), frozenset({name})))
    return out


def _rows(text: str) -> list[int]:
    """The row of each character of `text`."""
    rows, row = [], 0
    for char in text:
        rows.append(row)
        if char == "\n":
            row += 1
    return rows


def _name(tex: str) -> str | None:
    """The SymPy name of a formula that is one plain name (`r`, `x_0`, `\\epsilon`)."""
    try:
        formula = parse(tex)
    except MathSyntaxError:
        return None
    if len(formula.statements) != 1 or len(formula.statements[0].sides) != 1:
        return None
    node = formula.statements[0].sides[0]
    if not isinstance(node, ast.Symbol | ast.Subscript):
        return None
    return name_of(node)

