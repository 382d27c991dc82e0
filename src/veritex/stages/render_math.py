"""Report what KaTeX makes of every formula, at build time: the markup itself stays in the typeset
service (`veritex.typeset`), whose cache the HTML writer then reads.

A formula KaTeX rejects becomes an error item pointing at the offending character in the source file;
a big operator followed by a brace (`\\sum{i=1}^n`, an underscore lost on the way) becomes a warning.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from ..katex import KATEX_JS, Rendered
from ..model import Document, Item, Math, Position
from ..places import position_at
from ..typeset import PreparedTex, prepare, typeset_document

_BIG_OPERATOR = re.compile(
    r"\\(sum|prod|coprod|bigcup|bigcap|bigsqcup|bigvee|bigwedge|bigoplus|bigotimes|bigodot|biguplus"
    r"|int|iint|iiint|oint|lim|limsup|liminf|max|min|sup|inf|argmax|argmin)(?![A-Za-z])\s*\{"
)
# For `\max{a, b}` a brace group is a legitimate argument; it reads as a lost subscript only when it
# holds a relation such as `i=1` or `x \to 0`.
_LIMIT_LIKE = {"lim", "limsup", "liminf", "max", "min", "sup", "inf", "argmax", "argmin"}
_RELATION = re.compile(r"=|<|>|\\to(?![A-Za-z])|\\in(?![A-Za-z])|\\rightarrow|\\[lg]eq?(?![A-Za-z])")
_UNDEFINED = re.compile(r"Undefined control sequence: (\\[A-Za-z]+)")


def position_in(math: Math, offset: int) -> Position:
    """The source position of character `offset` of `math.tex` (TeX may span several lines)."""
    return position_at(math.tex, offset, math.position)


def group_end(tex: str, open_index: int) -> int | None:
    """Index just after the `}` that closes the `{` at `open_index`, or None if it is never closed."""
    from ..math.lexer import (
        matching_brace,  # only for a formula with a suspect brace: a rebuild loads no parser
    )

    close = matching_brace(tex, open_index)
    return close + 1 if close >= 0 else None


def unclosed_brace(tex: str) -> int | None:
    """Offset of the first `{` that is never closed (braces inside a closed group are all matched)."""
    from ..math.lexer import matching_brace  # only when KaTeX refused a formula

    index = 0
    while index < len(tex):
        char = tex[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            close = matching_brace(tex, index)
            if close < 0:
                return index
            index = close
        index += 1
    return None


def _superscript_after(tex: str, index: int) -> str:
    """`^n`, `^{n+1}` or `^\\infty` right after `index`, as written; empty if there is none."""
    rest = tex[index:]
    stripped = rest.lstrip()
    if not stripped.startswith("^"):
        return ""
    start = index + len(rest) - len(stripped)
    after = stripped[1:].lstrip()
    at = start + len(stripped) - len(after)
    if after.startswith("{"):
        end = group_end(tex, at)
        return tex[start:end] if end else ""
    command = re.match(r"\\[A-Za-z]+|\\.|.", after)
    return tex[start : at + (command.end() if command else 0)]


def operator_warnings(math: Math) -> list[Item]:
    """`\\sum{i=1}^n`: the brace group sits beside the operator instead of under it."""
    items = []
    for match in _BIG_OPERATOR.finditer(math.tex):
        name = match.group(1)
        open_index = match.end() - 1
        end = group_end(math.tex, open_index)
        if end is None:
            continue  # KaTeX reports the unclosed brace
        group = math.tex[open_index:end]
        if name in _LIMIT_LIKE and not _RELATION.search(group):
            continue
        superscript = _superscript_after(math.tex, end)
        written = math.tex[match.start() : end] + superscript
        suggested = f"\\{name}_{group}{superscript}"
        items.append(Item(
            "math", "warning",
            f"`{written}` sets {group} beside the \\{name}, not under it; write `{suggested}` "
            "(the underscore may have been lost to a Markdown parser without math support)",
            position_in(math, match.start()), label=math.label, detail={"tex": math.tex, "suggestion": suggested},
        ))
    return items


@functools.cache
def _katex_commands() -> tuple[str, ...]:
    """Control sequences KaTeX knows, read from its own source: used only to suggest a spelling."""
    return tuple(sorted(set(re.findall(r'"(\\\\[A-Za-z]{2,})"', KATEX_JS.read_text(encoding="utf-8")))))


def _closest(name: str, known: list[str]) -> str | None:
    """The likeliest intended command; swapped letters (`\\frca`) beat other near misses."""
    import difflib  # only for a command KaTeX does not know

    close = difflib.get_close_matches(name, known, n=5, cutoff=0.75)
    close.sort(key=lambda c: sorted(c) != sorted(name))  # stable: difflib's order otherwise
    return close[0] if close else None


def _advice(message: str, math: Math, offset: int | None) -> str:
    undefined = _UNDEFINED.search(message)
    if undefined:
        name = undefined.group(1)
        if name in ("\\eqref", "\\ref"):  # a reference written inside a formula: it belongs in the prose
            label = re.search(r"\\e?q?ref\s*\{([^{}]*)\}", math.tex)
            target = label.group(1) if label else "label"
            return (f"an equation reference cannot go inside a formula: write `{name}{{{target}}}` (or "
                    f"{{eq}}`{target}`) in the prose, outside the dollar signs")
        known = [c.replace("\\\\", "\\") for c in _katex_commands()]
        close = _closest(name, known)
        spelling = f"did you mean {close}? Otherwise " if close else ""
        return (f"{spelling}define {name} under `macros:` in the front matter or with \\newcommand "
                "in an earlier formula")
    if "Expected '}'" in message or "end of input" in message:
        brace = unclosed_brace(math.tex)
        if brace is not None:
            where = position_in(math, brace)
            return f"the `{{` at line {where.line}, column {where.column} is never closed: add the missing `}}`"
        return "add the missing `}`"
    if "\\right" in message:
        return "every \\left needs a \\right (use `\\right.` for an invisible one)"
    if "Expected group after" in message:
        return "give it an argument, e.g. `x^{2}`"
    return "fix the TeX here; KaTeX supports the commands listed at https://katex.org/docs/supported"


def _error_item(math: Math, rendered: Rendered, prepared: PreparedTex) -> Item:
    offset = prepared.original_offset(rendered.position) if rendered.position is not None else None
    message = rendered.message or "KaTeX could not render this formula"
    return Item(
        "math", "error", f"{message}; {_advice(message, math, offset)}",
        position_in(math, offset) if offset is not None else math.position,
        label=math.label, detail={"tex": math.tex},
    )


def render_math(doc: Document, cache_dir: Path | None) -> None:
    """Typeset every formula of `doc` (through the cache in `cache_dir`) and add its math diagnostics
    to `doc.items`: an error for each formula KaTeX rejects, warnings for lost subscripts."""
    formulas = list(doc.all_math())
    results = typeset_document([(m.tex, m.display) for m in formulas], doc.meta.macros,
                               cache_dir=cache_dir, document=doc.path)
    blamed: set[str] = set()
    for math, result in zip(formulas, results, strict=True):
        if result.html is not None:
            doc.items.extend(operator_warnings(math))
        else:
            doc.add(_error_item(math, result, prepare(math.tex)))
            if doc.meta.macro_files:
                _blame_project_macros(doc, math, result, blamed)


def _blame_project_macros(doc: Document, math: Math, result: Rendered, blamed: set[str]) -> None:
    """A formula that fails with a project macro in it: one warning per such macro, naming its file."""
    for name, where in doc.meta.macro_files.items():
        if name in blamed or not re.search(re.escape(name) + r"(?![A-Za-z])", math.tex):
            continue
        blamed.add(name)
        doc.add(Item("math", "warning", f"project macro {name} = {doc.meta.macros.get(name, '')!r} from {where} "
                     f"is in a formula KaTeX cannot render ({result.message or 'no reason given'}); check its "
                     "definition there", math.position, label=math.label, detail={"macro": name, "file": where}))
