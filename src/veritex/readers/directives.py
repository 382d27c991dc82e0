"""MyST / Jupyter Book directives: a registry of small specs, each its options (with converters) and a
`run` that turns one directive into body-tree blocks.

The body of every directive goes back through the same Markdown reader (`DirectiveCall.parse`), so
formulas inside a theorem or an exercise are found, numbered and checked like any other. A name with
no spec gets the generic one: a titled box with its body, and one warning per name and document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Block, CodeBlock, Directive, Figure, HtmlBlock, Inline, Item, Position, Reference, Text

Converter = Callable[[str], str]

__all__ = [
    "ADMONITIONS", "DIRECTIVES", "DirectiveCall", "DirectiveSpec", "convert_options", "directive_name",
    "generic_spec", "spec_for", "split_options",
]


class OptionError(ValueError):
    """An option value its converter refuses; the message says what it takes."""


def unchanged(value: str) -> str:
    return value.strip()


def length(value: str) -> str:
    """`80%`, `400px`, `12em` or a bare number (pixels), as docutils' length_or_percentage_or_unitless."""
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return value + "px"
    if re.fullmatch(r"\d+(\.\d+)?(%|px|em|rem|ex|pt|cm|mm|in|vw|vh)", value):
        return value
    raise OptionError("a length such as 80%, 400px or 12em")


def choice(*allowed: str) -> Converter:
    def convert(value: str) -> str:
        value = value.strip().lower()
        if value not in allowed:
            raise OptionError("one of " + ", ".join(allowed))
        return value
    return convert


ALIGN = choice("left", "center", "right")


@dataclass
class DirectiveCall:
    """One directive as written: name, argument, options, body text, and how to read Markdown."""

    name: str
    argument: str
    options: dict[str, str]
    body: str
    position: Position
    body_line: int  # 0-based line of the body's first line in the reader's source text
    fence_line: int  # 0-based line of the directive's opening line
    parse: Callable[[str, int], list[Block]]  # (Markdown, its 0-based first line) -> blocks
    parse_inline: Callable[[str, int], list[Inline]]
    items: list[Item]
    references: list[Reference]

    def blocks(self) -> list[Block]:
        return self.parse(self.body, self.body_line) if self.body.strip() else []

    def title(self) -> list[Inline]:
        return self.parse_inline(self.argument, self.fence_line) if self.argument else []

    def warn(self, message: str) -> None:
        self.items.append(Item("document", "warning", message, self.position))


@dataclass(frozen=True)
class DirectiveSpec:
    """What a directive takes and what it makes."""

    run: Callable[[DirectiveCall], list[Block]]
    options: Mapping[str, Converter] = field(default_factory=dict)
    doc: str = ""


# Families -----------------------------------------------------------------------------------------

ADMONITIONS = ("note", "warning", "tip", "hint", "important", "caution", "attention", "danger", "error",
               "seealso", "admonition", "epigraph", "topic", "dropdown", "card", "margin", "sidebar",
               "tab-set", "tab-item", "grid", "grid-item", "grid-item-card", "glossary", "pull-quote")


def _box(call: DirectiveCall) -> list[Block]:
    """A titled box whose body is Markdown: admonitions, tabs, cards, margins, sidebars ..."""
    return [Directive(call.name, call.title(), call.options, call.options.get("name"), call.blocks(),
                      call.position)]


def _numbered(call: DirectiveCall) -> list[Block]:
    """An exercise or a `prf:` block: numbered per kind by the numbering stage, referable by its label."""
    return [Directive(call.name, call.title(), call.options, call.options.get("label") or call.options.get("name"),
                      call.blocks(), call.position)]


def _solution(call: DirectiveCall) -> list[Block]:
    """A solution: its argument is the exercise's label, shown as a reference to that exercise."""
    title: list[Inline] = []
    target = call.argument.strip()
    if target:
        ref = Reference(target=target, role="numref", position=call.position)
        call.references.append(ref)
        title = [Text("Solution to "), ref]
    return [Directive("solution", title, call.options, call.options.get("label") or call.options.get("name"),
                      call.blocks(), call.position)]


def _figure(call: DirectiveCall) -> list[Block]:
    caption = call.blocks() if call.name == "figure" else []
    return [Figure(call.argument.strip(), call.options.get("alt", ""), caption, call.options.get("name"),
                   call.options.get("width"), call.options.get("align"), call.position)]


def _code(call: DirectiveCall) -> list[Block]:
    language = call.argument.strip().split()[0] if call.argument.strip() else ""
    return [CodeBlock(call.body, language, f"{{{call.name}}} {call.argument}".strip(), call.position)]


def _nothing(call: DirectiveCall) -> list[Block]:
    """`index`, `contents` (the page has its own table of contents), `bibliography` (added by the
    citation stage): nothing to show here."""
    return []


def _raw(call: DirectiveCall) -> list[Block]:
    formats = call.argument.lower().split()
    return [HtmlBlock(call.body.rstrip("\n") + "\n", call.position)] if "html" in formats else []


def _inside_project(call: DirectiveCall) -> Path | None:
    """The file an include names, when it lies inside the document's project folder."""
    here = Path(call.position.file).resolve().parent
    from ..project import project_root

    root = project_root(here)
    wanted = call.argument.strip()
    target = (root / wanted.lstrip("/")) if wanted.startswith("/") else (here / wanted)
    target = target.resolve()
    if root != target and root not in target.parents:
        call.warn(f"`{{{call.name}}}` {wanted}: only files inside the project folder {root} are read")
        return None
    if not target.is_file():
        call.warn(f"`{{{call.name}}}` {wanted}: no such file")
        return None
    return target


def _literalinclude(call: DirectiveCall) -> list[Block]:
    target = _inside_project(call)
    if target is None:
        return []
    text = target.read_text(encoding="utf-8", errors="replace")
    language = call.options.get("language") or {".py": "python", ".md": "markdown"}.get(target.suffix, "")
    return [CodeBlock(text, language, f"{{literalinclude}} {call.argument}", call.position)]


def _include(call: DirectiveCall) -> list[Block]:
    target = _inside_project(call)
    if target is None:
        return []
    # Read as if written here: the included text's formulas point at the directive's line.
    text = target.read_text(encoding="utf-8", errors="replace")
    return [Directive("include", [], call.options, None, call.parse(text, call.fence_line), call.position)]


_BOX_OPTIONS: dict[str, Converter] = {"class": unchanged, "name": unchanged}
_FIGURE_OPTIONS: dict[str, Converter] = {
    "name": unchanged, "width": length, "height": length, "align": ALIGN, "alt": unchanged, "scale": unchanged,
    "class": unchanged, "figwidth": length, "target": unchanged}

DIRECTIVES: dict[str, DirectiveSpec] = {
    **{name: DirectiveSpec(_box, _BOX_OPTIONS, "a titled box") for name in ADMONITIONS},
    "exercise": DirectiveSpec(_numbered, {**_BOX_OPTIONS, "label": unchanged, "nonumber": unchanged},
                              "a numbered exercise"),
    "solution": DirectiveSpec(_solution, {**_BOX_OPTIONS, "label": unchanged}, "a folded solution"),
    "figure": DirectiveSpec(_figure, _FIGURE_OPTIONS, "an image with a caption"),
    "image": DirectiveSpec(_figure, _FIGURE_OPTIONS, "an image"),
    **{name: DirectiveSpec(_code, {"caption": unchanged, "linenos": unchanged, "emphasize-lines": unchanged,
                                   "name": unchanged, "lineno-start": unchanged}, "code shown")
       for name in ("code-block", "code", "sourcecode")},
    "literalinclude": DirectiveSpec(_literalinclude, {"language": unchanged, "lines": unchanged}, "a file as code"),
    "include": DirectiveSpec(_include, {}, "a Markdown file read here"),
    "index": DirectiveSpec(_nothing, {}, "index entries"),
    "contents": DirectiveSpec(_nothing, {}, "the table of contents"),
    "tableofcontents": DirectiveSpec(_nothing, {}, "the book's table of contents"),
    "bibliography": DirectiveSpec(_nothing, {}, "the reference list (the citation stage adds it)"),
    "raw": DirectiveSpec(_raw, {}, "raw output for one format"),
}
_PROOF = DirectiveSpec(_numbered, {**_BOX_OPTIONS, "label": unchanged, "nonumber": unchanged},
                       "a numbered theorem-like block")
_GENERIC = DirectiveSpec(_box, {}, "a directive veritex does not know: a titled box")


def directive_name(info: str) -> tuple[str, str] | None:
    """```{name} argument -> (name, argument); None when the fence is not a directive."""
    match = re.match(r"\s*\{([\w:.+-]+)\}\s*(.*)$", info)
    if not match:
        return None
    return match.group(1), match.group(2).strip()


def spec_for(name: str) -> DirectiveSpec | None:
    """The spec of `name` (`prf:anything` is a proof-style block); None for a name veritex does not know."""
    lowered = name.lower()
    if lowered.startswith("prf:"):
        return _PROOF
    return DIRECTIVES.get(lowered)


def generic_spec() -> DirectiveSpec:
    return _GENERIC


def split_options(body: str) -> tuple[dict[str, str], str, int]:
    """The `:key: value` lines (or `---` YAML block) at the top of a directive's body: options, the rest,
    and how many lines the options took."""
    lines = body.split("\n")
    options: dict[str, str] = {}
    if lines and lines[0].strip() == "---":
        for end in range(1, len(lines)):
            if lines[end].strip() == "---":
                import yaml  # only for the rare YAML option block

                try:
                    data: Any = yaml.safe_load("\n".join(lines[1:end]))
                except yaml.YAMLError:
                    data = None
                if isinstance(data, dict):
                    options = {str(k): "" if v is None else str(v) for k, v in data.items()}
                return options, "\n".join(lines[end + 1:]), end + 1
        return options, body, 0
    used = 0
    for line in lines:
        match = re.match(r"\s*:([\w-]+):(?:\s+(.*))?$", line)
        if not match:
            break
        options[match.group(1)] = (match.group(2) or "").strip()
        used += 1
    return options, "\n".join(lines[used:]), used


def convert_options(call: DirectiveCall, spec: DirectiveSpec) -> None:
    """Options the spec knows go through their converters; a refused value is dropped with a warning."""
    for key, value in list(call.options.items()):
        converter = spec.options.get(key)
        if converter is None:
            continue
        try:
            call.options[key] = converter(value)
        except OptionError as exc:
            del call.options[key]
            call.warn(f"`{{{call.name}}}` option `:{key}: {value}` ignored: it takes {exc}")
