"""Formulas rewritten for a target that typesets each one alone with MathJax (GitHub, Jupyter).

`FormulaRewriter` goes through a document's formulas in order once and, for each, gives the TeX to
write and the notes on what it changed or what will not render: macros (the front matter's and those
defined in earlier formulas) expanded and definitions removed, `\\label` removed and the equation's
number written as `\\tag{n}`, `\\eqref` / `\\ref` inside a formula replaced by the number, numbered
environments turned into their inner forms. The writers print the TeX; the portability stage turns
the notes into warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Document, Math
from .macros import Macro, MacroExpansionError, definitions, expand_text, macro_from_body, strip_definitions
from .support import INNER_FORM, TARGET_NAMES, UNSUPPORTED

_LABEL = re.compile(r"\\label\s*\{([^{}]*)\}")
_REF = re.compile(r"\\(eqref|ref)\s*\{([^{}]*)\}")
_TAG = re.compile(r"\\tag\*?\s*\{")
_ENV = re.compile(r"\\(begin|end)\s*\{([A-Za-z]+\*?)\}")
_COMMAND = re.compile(r"\\[A-Za-z]+")


@dataclass(frozen=True)
class Note:
    """Something about one formula a target cares about: `offset` into the formula's TeX."""

    offset: int
    construct: str
    message: str
    rewritten: bool  # veritex changed the formula; False: the user has to


@dataclass
class Portable:
    tex: str
    notes: list[Note] = field(default_factory=list)


class FormulaRewriter:
    """The document's formulas for `target` ("gfm" or "ipynb"), computed once, in document order."""

    def __init__(self, doc: Document, target: str) -> None:
        self.doc = doc
        self.target = target
        self.platform = TARGET_NAMES.get(target, target)
        self._results: dict[int, Portable] = {}
        self._front = {name: macro_from_body(name, body) for name, body in doc.meta.macros.items()}
        self._defined: dict[str, Macro] = {}
        self._expanded_once: set[str] = set()
        labels = doc.labels()
        self._numbers = {label: _shown(math) for label, math in labels.items()}
        for math in doc.all_math():
            self._results[id(math)] = self._rewrite(math)

    def of(self, math: Math) -> Portable:
        found = self._results.get(id(math))
        return found if found is not None else self._rewrite(math)

    def _rewrite(self, math: Math) -> Portable:
        tex = math.tex
        notes: list[Note] = []
        found = definitions(tex)
        for definition in found:
            name = definition.macro.name
            self._defined[name] = definition.macro
            notes.append(Note(definition.start, name, f"`{name}` is defined inside a formula, and each formula is "
                              f"typeset alone there: veritex expanded `{name}` wherever it is used and left the "
                              "definition out", True))
        if found:
            tex = strip_definitions(tex, found).strip()
        macros = {**self._front, **self._defined}
        try:
            tex, used = expand_text(tex, macros)
        except MacroExpansionError as exc:
            notes.append(Note(0, "macro", f"{exc}: veritex wrote the formula unexpanded; fix the macro", False))
            used = []
        for name in used:
            if name in self._front and name not in self._expanded_once:
                self._expanded_once.add(name)
                notes.append(Note(_offset(math.tex, name), name, f"`{name}` comes from the front matter's "
                                  "`macros:`, which is not read there: veritex expanded it in every formula", True))
        tex = self._labels(math, tex, notes)
        tex = self._references(math, tex, notes)
        if math.display:
            tex = self._environments(math, tex, notes)
            number = _shown(math) if math.label else None
            if number is not None and not _TAG.search(tex):
                tex = f"{tex.rstrip()} \\tag{{{number}}}"
        else:
            tex = " ".join(tex.split("\n")) if "\n" in tex else tex
        for command in sorted(set(_COMMAND.findall(math.tex))):
            advice = UNSUPPORTED.get(self.target, {}).get(command)
            if advice is not None:
                notes.append(Note(_offset(math.tex, command), command,
                                  f"`{command}` does not render there: {advice}", False))
        return Portable(tex, notes)

    def _labels(self, math: Math, tex: str, notes: list[Note]) -> str:
        for match in _LABEL.finditer(math.tex):
            notes.append(Note(match.start(), "\\label", "equations are not numbered there: veritex removed "
                              "`\\label` and wrote the equation's number with `\\tag`", True))
        return _LABEL.sub("", tex)

    def _references(self, math: Math, tex: str, notes: list[Note]) -> str:
        def number(match: re.Match[str]) -> str:
            shown = self._numbers.get(match.group(2).strip())
            if shown is None:
                return match.group(0)
            return f"\\text{{({shown})}}" if match.group(1) == "eqref" else f"\\text{{{shown}}}"

        for match in _REF.finditer(math.tex):
            known = match.group(2).strip() in self._numbers
            notes.append(Note(match.start(), f"\\{match.group(1)}",
                              f"`\\{match.group(1)}` inside a formula does not resolve there: "
                              + ("veritex wrote the equation's number" if known
                                 else "no formula has this label; fix the label"), known))
        return _REF.sub(number, tex)

    def _environments(self, math: Math, tex: str, notes: list[Note]) -> str:
        seen: set[str] = set()

        def inner(match: re.Match[str]) -> str:
            name = match.group(2)
            if name not in INNER_FORM:
                return match.group(0)
            seen.add(name)
            form = INNER_FORM[name]
            return f"\\{match.group(1)}{{{form}}}" if form else ""

        rewritten = _ENV.sub(inner, tex)
        for name in sorted(seen):
            form = INNER_FORM[name]
            done = f"wrote it as `{form}`" if form else "left the environment out"
            notes.append(Note(_offset(math.tex, "{" + name + "}"), name,
                              f"`{name}` nests badly in display math there: veritex {done} "
                              "(the number, if labelled, is a `\\tag`)", True))
        return rewritten.strip() if seen else rewritten


def _shown(math: Math) -> str | None:
    if math.tag is not None:
        return math.tag
    return str(math.number) if math.number is not None else None


def _offset(tex: str, needle: str) -> int:
    found = tex.find(needle)
    return max(found, 0)
