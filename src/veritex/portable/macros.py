"""Macro expansion on the TeX text, for targets that typeset each formula alone.

The math parser expands macros on tokens, which drops spacing and style commands; a formula written for
another renderer must keep them, so this expander works on the string: `\\name` followed by its arguments
(braced groups or single tokens) is replaced by the body with `#1`..`#9` filled in, until nothing is left
to expand (with a limit, so `\\def\\a{\\a\\a}` stops).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..math.lexer import matching_brace

MAX_EXPANSIONS = 500
_CONTROL_WORD = re.compile(r"\\([A-Za-z]+|.)")
_PARAM = re.compile(r"#(\d)")
_DEFINER = re.compile(
    r"\\(?:(?P<new>newcommand|renewcommand|providecommand)\*?|(?P<def>[gex]?def)|"
    r"(?P<op>DeclareMathOperator)(?P<star>\*)?)(?![A-Za-z])"
)


@dataclass(frozen=True)
class Macro:
    name: str  # with its backslash
    nargs: int
    body: str
    default: str | None = None  # of an optional first argument


@dataclass(frozen=True)
class Definition:
    """A definition written inside a formula: the macro, and where the definition's text lies."""

    macro: Macro
    start: int
    end: int


def macro_from_body(name: str, body: str) -> Macro:
    name = name if name.startswith("\\") else "\\" + name
    nargs = max((int(d) for d in _PARAM.findall(body)), default=0)
    return Macro(name, nargs, body)


def _skip_space(tex: str, i: int) -> int:
    while i < len(tex) and tex[i] in " \t\n":
        i += 1
    return i


def _group(tex: str, i: int) -> tuple[str, int] | None:
    """The braced group at `i` (its inside) and the index after it, or None."""
    if i >= len(tex) or tex[i] != "{":
        return None
    close = matching_brace(tex, i)
    return (tex[i + 1:close], close + 1) if close >= 0 else None
    depth = 0
    j = i
    while j < len(tex):
        char = tex[j]
        if char == "\\":
            j += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return tex[i + 1:j], j + 1
        j += 1
    return None


def _argument(tex: str, i: int) -> tuple[str, int] | None:
    """One macro argument at `i`: a braced group, a control sequence or one character."""
    i = _skip_space(tex, i)
    if i >= len(tex):
        return None
    if tex[i] == "{":
        return _group(tex, i)
    if tex[i] == "\\":
        match = _CONTROL_WORD.match(tex, i)
        if match:
            return match.group(0), match.end()
    return tex[i], i + 1


def _bracketed(tex: str, i: int) -> tuple[str, int] | None:
    j = _skip_space(tex, i)
    if j >= len(tex) or tex[j] != "[":
        return None
    end = tex.find("]", j)
    return (tex[j + 1:end], end + 1) if end > 0 else None


def _definition_at(tex: str, match: re.Match[str]) -> Definition | None:
    i = match.end()
    if match.group("new") or match.group("op"):
        found = _argument(tex, i)
        if found is None:
            return None
        name, i = found
        name = name.strip()
        nargs, default = 0, None
        if match.group("new"):
            count = _bracketed(tex, i)
            if count is not None:
                nargs, i = int(count[0]) if count[0].strip().isdigit() else 0, count[1]
                optional = _bracketed(tex, i)
                if optional is not None:
                    default, i = optional
        body = _argument(tex, i)
        if body is None or not name.startswith("\\"):
            return None
        text, i = body
        if match.group("op"):
            text = f"\\operatorname{'*' if match.group('star') else ''}{{{text}}}"
        return Definition(Macro(name, nargs, text, default), match.start(), i)
    name_match = _CONTROL_WORD.match(tex, _skip_space(tex, i))
    if name_match is None:
        return None
    i = name_match.end()
    params = i
    while i < len(tex) and tex[i] != "{":
        i += 1
    body = _group(tex, i)
    if body is None:
        return None
    nargs = len(_PARAM.findall(tex[params:i]))
    return Definition(Macro(name_match.group(0), nargs, body[0]), match.start(), body[1])


def definitions(tex: str) -> list[Definition]:
    """The macro definitions written in `tex`, in order."""
    found: list[Definition] = []
    for match in _DEFINER.finditer(tex):
        if found and match.start() < found[-1].end:
            continue
        definition = _definition_at(tex, match)
        if definition is not None:
            found.append(definition)
    return found


def strip_definitions(tex: str, found: Iterable[Definition]) -> str:
    """`tex` without the text of its definitions."""
    out, last = [], 0
    for definition in found:
        out.append(tex[last:definition.start])
        last = definition.end
    out.append(tex[last:])
    return "".join(out)


class MacroExpansionError(ValueError):
    """A macro that expands forever or whose arguments are missing."""


def _fill(body: str, args: list[str]) -> str:
    """A macro's body with `#1`..`#9` replaced by its arguments."""
    return _PARAM.sub(lambda m: args[int(m.group(1)) - 1] if 0 < int(m.group(1)) <= len(args) else m.group(0), body)


def expand_text(tex: str, macros: Mapping[str, Macro]) -> tuple[str, list[str]]:
    """`tex` with every use of `macros` expanded; also the names expanded, in order of first use."""
    if not macros or "\\" not in tex:
        return tex, []
    used: list[str] = []
    expansions = 0
    out: list[str] = []
    i = 0
    while i < len(tex):
        match = _CONTROL_WORD.match(tex, i) if tex[i] == "\\" else None
        if match is None:
            out.append(tex[i])
            i += 1
            continue
        macro = macros.get(match.group(0))
        if macro is None:
            out.append(match.group(0))
            i = match.end()
            continue
        expansions += 1
        if expansions > MAX_EXPANSIONS:
            raise MacroExpansionError(f"{macro.name} expands more than {MAX_EXPANSIONS} times")
        j = match.end()
        args: list[str] = []
        if macro.default is not None:
            optional = _bracketed(tex, j)
            if optional is not None:
                args.append(optional[0])
                j = optional[1]
            else:
                args.append(macro.default)
        while len(args) < macro.nargs:
            found = _argument(tex, j)
            if found is None:
                raise MacroExpansionError(f"{macro.name} needs {macro.nargs} arguments")
            args.append(found[0])
            j = found[1]
        body = _fill(macro.body, args)
        if body[-1:].isalpha() and j < len(tex) and tex[j].isalpha():
            body += " "  # `\R x` -> `\mathbb{R} x`, never a longer control word
        if macro.name not in used:
            used.append(macro.name)
        tex = body + tex[j:]  # expanded text is read again: macros inside macros
        i = 0
        out_text = "".join(out)
        out = [out_text]
    return "".join(out), used
