"""The formulas a check can see: the document's context, parsed once and indexed by label.

The context is what the build hands the kernel (`session.context`: path, macros, formulas), or, in
a plain Jupyter session, what `document_file` reads from the file being edited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from veritex.math import MathSyntaxError, ast, parse
from veritex.math.words import declared_words, given_words, join_in_formula, letter_runs

from .names import SymbolName
from .symbols import SymbolTable, symbol_name

_LABEL = re.compile(r"^[A-Za-z][\w.\-]*:[\w.\-:]+$")


def looks_like_label(text: str) -> bool:
    """`eq:logits` is a label; `x^2`, `\\frac{1}{n}` and `y` are TeX."""
    return bool(_LABEL.match(text.strip()))


@lru_cache(maxsize=2048)
def _parse_cached(tex: str, macros: tuple[tuple[str, str], ...]) -> ast.Formula | MathSyntaxError:
    try:
        return parse(tex, macros=dict(macros))
    except MathSyntaxError as err:
        return err


def parse_formula(tex: str, macros: dict[str, str] | None = None) -> ast.Formula:
    """`veritex.math.parse`, cached per (tex, macros). Raises MathSyntaxError."""
    result = _parse_cached(tex, tuple(sorted((macros or {}).items())))
    if isinstance(result, MathSyntaxError):
        raise result
    return result


@dataclass
class FormulaRef:
    """One formula of the context: its index, TeX, label and where it is."""

    index: int
    tex: str
    label: str | None = None
    line: int | None = None
    column: int | None = None
    cell: int | None = None

    def where(self, offset: int = 0) -> str:
        """'line:col' of `offset` in this formula's TeX (relative to the cell in notebooks)."""
        if self.line is None:
            return f"offset {offset}"
        before = self.tex[:offset]
        lines = before.count("\n")
        column = (self.column or 1) + offset if lines == 0 else offset - before.rfind("\n")
        prefix = f"cell {self.cell}, " if self.cell is not None else ""
        return f"{prefix}line {self.line + lines}, column {column}"


@dataclass
class DocumentMath:
    """Every formula of a document, parsed, with the symbol table built from them. `words` are the
    names of several letters that juxtaposed letters are joined into (`PE`); `runs` every word
    that letters written side by side spell somewhere, which a value given at check time may name."""

    path: str | None
    macros: dict[str, str]
    formulas: list[FormulaRef]
    table: SymbolTable
    parsed: dict[int, ast.Formula] = field(default_factory=dict)
    names: set[SymbolName] = field(default_factory=set)
    words: frozenset[str] = frozenset()
    runs: frozenset[str] = frozenset()
    read: dict[int, ast.Formula] = field(default_factory=dict)  # as parsed, before words were joined
    _variants: dict[frozenset[str], DocumentMath] = field(default_factory=dict, repr=False)

    def with_words(self, names: Iterable[str]) -> DocumentMath:
        """This document as seen by a check that gives values named `names`: a given `PE` joins the
        letters `P E` wherever they are written side by side."""
        extra = (given_words(names) & self.runs) - self.words
        if not extra:
            return self
        words = self.words | extra
        if words not in self._variants:
            self._variants[words] = _build(self.path, self.macros, self.formulas, self.read, words, self.runs)
        return self._variants[words]

    def by_label(self, label: str) -> FormulaRef | None:
        for ref in self.formulas:
            if ref.label == label:
                return ref
        return None

    @property
    def sources(self) -> dict[int, str]:
        return {ref.index: ref.tex for ref in self.formulas}


def _context_key(context: dict[str, Any]) -> tuple[Any, ...]:
    formulas = tuple((f.get("tex", ""), f.get("label")) for f in context.get("formulas", []))
    macros = tuple(sorted((context.get("macros") or {}).items()))
    return (context.get("path"), formulas, macros)


_DOCUMENTS: dict[tuple[Any, ...], DocumentMath] = {}


def document_math(context: dict[str, Any]) -> DocumentMath:
    """The parsed formulas and symbol table of `context`; cached while the context is unchanged."""
    key = _context_key(context)
    cached = _DOCUMENTS.get(key)
    if cached is not None:
        return cached
    macros = dict(context.get("macros") or {})
    refs: list[FormulaRef] = []
    read: dict[int, ast.Formula] = {}
    for index, entry in enumerate(context.get("formulas", [])):
        ref = FormulaRef(index, str(entry.get("tex", "")), entry.get("label"), entry.get("line"),
                         entry.get("column"), entry.get("cell"))
        refs.append(ref)
        try:
            read[index] = parse_formula(ref.tex, macros)
        except MathSyntaxError:
            continue  # the render and identity stages report it; a check on it says so itself
    words = frozenset(w for formula in read.values() for w in declared_words(formula))
    runs = frozenset(w for formula in read.values() for w in letter_runs(formula))
    document = _build(context.get("path"), macros, refs, read, words, runs)
    if len(_DOCUMENTS) > 8:
        _DOCUMENTS.clear()
    _DOCUMENTS[key] = document
    return document


def _build(path: str | None, macros: dict[str, str], refs: list[FormulaRef], read: dict[int, ast.Formula],
           words: frozenset[str], runs: frozenset[str]) -> DocumentMath:
    table = SymbolTable()
    parsed: dict[int, ast.Formula] = {}
    names: set[SymbolName] = set()
    for index, formula in read.items():
        joined = join_in_formula(formula, words)
        parsed[index] = joined
        table.add_formula(joined, index, refs[index].label)
        names |= names_in(joined)
    return DocumentMath(path, macros, refs, table, parsed, names, words, runs, read)


def names_in(node: ast.Node) -> set[SymbolName]:
    """Every name a formula spells (`W_1`, `\\hat{y}`, `x`), for matching the values of a check."""
    found: set[SymbolName] = set()
    for sub in node.walk():
        if isinstance(sub, ast.Symbol | ast.Subscript | ast.SuperIndex | ast.Prime):
            name = symbol_name(sub)  # type: ignore[arg-type]
            if name is not None:
                found.add(name)
    return found
