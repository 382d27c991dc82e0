"""Render every formula with KaTeX at build time, from a per-document cache when possible.

A rebuild after a prose edit finds every formula in the cache and never starts V8. A formula KaTeX
rejects becomes an error item pointing at the offending character in the source file; a big operator
followed by a brace (`\\sum{i=1}^n`, an underscore lost on the way) becomes a warning.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import Store, digest
from ..katex import KATEX_JS, KATEX_VERSION, Rendered, render_batch
from ..model import Document, Item, Math, Position
from ..places import position_at

CACHE_FORMAT = 1  # bump when the markup veritex asks KaTeX for changes

_LABEL = re.compile(r"\\label\s*\{[^{}]*\}")
# Environments KaTeX numbers on its own with a CSS counter; veritex numbers equations itself, so they
# are rendered starred (the number, if the formula is labelled, is set beside it by the writer).
_NUMBERED_ENV = re.compile(r"\\(?:begin|end)\s*\{(?:equation|align|alignat|gather)(?=\})")
_DEFINES = re.compile(
    r"\\(?:newcommand|renewcommand|providecommand|def|gdef|edef|xdef|let|futurelet|global|DeclareMathOperator)"
    r"(?![A-Za-z])"
)
_BIG_OPERATOR = re.compile(
    r"\\(sum|prod|coprod|bigcup|bigcap|bigsqcup|bigvee|bigwedge|bigoplus|bigotimes|bigodot|biguplus"
    r"|int|iint|iiint|oint|lim|limsup|liminf|max|min|sup|inf|argmax|argmin)(?![A-Za-z])\s*\{"
)
# For `\max{a, b}` a brace group is a legitimate argument; it reads as a lost subscript only when it
# holds a relation such as `i=1` or `x \to 0`.
_LIMIT_LIKE = {"lim", "limsup", "liminf", "max", "min", "sup", "inf", "argmax", "argmin"}
_RELATION = re.compile(r"=|<|>|\\to(?![A-Za-z])|\\in(?![A-Za-z])|\\rightarrow|\\[lg]eq?(?![A-Za-z])")
_UNDEFINED = re.compile(r"Undefined control sequence: (\\[A-Za-z]+)")


@dataclass
class PreparedTex:
    """The TeX handed to KaTeX, and where veritex inserted characters so offsets map back."""

    tex: str
    inserted_at: list[int] = field(default_factory=list)  # offsets in `tex` of inserted characters

    def original_offset(self, offset: int) -> int:
        return offset - sum(1 for at in self.inserted_at if at < offset)


def prepare(tex: str) -> PreparedTex:
    """`\\label{..}` blanked out (KaTeX has no `\\label`; blanks keep offsets), numbered environments starred."""
    blanked = _LABEL.sub(lambda m: " " * len(m.group(0)), tex)
    parts: list[str] = []
    inserted: list[int] = []
    last = 0
    length = 0
    for match in _NUMBERED_ENV.finditer(blanked):
        parts.append(blanked[last : match.end()])
        length += match.end() - last
        inserted.append(length)
        parts.append("*")
        length += 1
        last = match.end()
    parts.append(blanked[last:])
    return PreparedTex("".join(parts), inserted)


def position_in(math: Math, offset: int) -> Position:
    """The source position of character `offset` of `math.tex` (TeX may span several lines)."""
    return position_at(math.tex, offset, math.position)


def group_end(tex: str, open_index: int) -> int | None:
    """Index just after the `}` that closes the `{` at `open_index`, or None if it is never closed."""
    depth = 0
    index = open_index
    while index < len(tex):
        char = tex[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return None


def unclosed_brace(tex: str) -> int | None:
    """Offset of the first `{` that is never closed."""
    stack: list[int] = []
    index = 0
    while index < len(tex):
        char = tex[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            stack.append(index)
        elif char == "}" and stack:
            stack.pop()
        index += 1
    return stack[0] if stack else None


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


class RenderCache:
    """One entry per document in the cache's `math` namespace: formula key -> KaTeX output. A damaged
    entry is a miss (noted) and is rewritten."""

    NAMESPACE = "math"

    def __init__(self, cache_dir: Path | None, document: Path) -> None:
        self.store = Store(cache_dir) if cache_dir else None
        self.key = self.store.key({"document": document.resolve()}) if self.store else ""
        self.path = self.store.path(self.NAMESPACE, self.key) if self.store else None
        self.entries: dict[str, Rendered] = {}
        self.changed = False
        if self.store:
            self.entries = self._load(self.store)

    def _load(self, store: Store) -> dict[str, Rendered]:
        data = store.load(self.NAMESPACE, self.key)
        if data is None or data.get("format") != CACHE_FORMAT:
            return {}
        try:
            return {str(k): Rendered.from_json(v) for k, v in data["entries"].items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            store.note(store.path(self.NAMESPACE, self.key), "not rendered formulas")
            return {}

    def get(self, key: str) -> Rendered | None:
        return self.entries.get(key)

    def put(self, key: str, rendered: Rendered) -> None:
        self.entries[key] = rendered
        self.changed = True

    def save(self, keep: Iterable[str]) -> None:
        """Write the entries still in use (formulas deleted from the document are forgotten)."""
        keep = set(keep)
        if self.store is None or (not self.changed and set(self.entries) <= keep):
            return  # nothing new and nothing to forget
        entries = {k: v.to_json() for k, v in self.entries.items() if k in keep}
        self.store.save(self.NAMESPACE, self.key, {"format": CACHE_FORMAT, "entries": entries})


def cache_key(tex: str, display: bool, macros: dict[str, str], definitions: str) -> str:
    return digest([KATEX_VERSION, CACHE_FORMAT, display, sorted(macros.items()), definitions, tex])


def render_math(doc: Document, cache_dir: Path | None) -> None:
    """Set `html` or `error` on every formula of `doc` and add its math diagnostics to `doc.items`."""
    formulas = list(doc.all_math())
    prepared = [prepare(m.tex) for m in formulas]
    # `\newcommand` in one formula serves the ones after it, so every formula's output depends on them.
    defining = {i for i, p in enumerate(prepared) if _DEFINES.search(p.tex)}
    definitions = digest([[prepared[i].tex, formulas[i].display] for i in sorted(defining)])
    macros = dict(doc.meta.macros)
    keys = [cache_key(p.tex, m.display, macros, definitions) for m, p in zip(formulas, prepared, strict=True)]

    cache = RenderCache(cache_dir, doc.path)
    missing = {k for k in keys if cache.get(k) is None}
    fresh: dict[str, Rendered] = {}
    if missing:
        # Definitions are rendered again (even when cached) so that the macros they define exist for
        # the formulas after them; a formula written twice is rendered once.
        batch: list[int] = []
        queued: set[str] = set()
        for i, key in enumerate(keys):
            if i in defining or key not in queued and key in missing:
                batch.append(i)
                queued.add(key)
        results = render_batch([(prepared[i].tex, formulas[i].display) for i in batch], macros)
        for i, rendered in zip(batch, results, strict=True):
            if keys[i] in missing:
                fresh[keys[i]] = rendered
                if rendered.final:
                    cache.put(keys[i], rendered)

    for math, tex, key in zip(formulas, prepared, keys, strict=True):
        result = fresh.get(key) or cache.get(key)
        assert result is not None  # every missing key was rendered above
        if result.html is not None:
            math.html, math.error = result.html, None
            doc.items.extend(operator_warnings(math))
        else:
            item = _error_item(math, result, tex)
            math.html, math.error = None, item.message
            doc.add(item)
    cache.save(keys)


def render_tex(tex: str, display: bool, macros: dict[str, str] | None = None) -> tuple[str | None, str | None]:
    """Render one formula outside a document (e.g. a `text/latex` output): (html, error message)."""
    rendered = render_batch([(prepare(tex).tex, display)], macros)[0]
    return rendered.html, rendered.message

