"""The formulas of a Markdown text, found with the standard library by the rules the build's readers follow.

A plain Jupyter session has no build to hand it the formulas, so `document_file` reads them here, without
markdown-it (and without importing the readers). The rules are the readers' own:

- `$$ ... $$ (label)` blocks, which may hold blank lines but never run through a code fence (such a `$$`
  was never closed: it stays prose), and which start a block only where no paragraph is open;
- amsmath environments, kept whole;
- ```` ```{math} ```` / `:::{math}` directives with their `:label:`;
- the body of every other directive that holds Markdown (admonitions, exercises, `prf:` blocks, figure
  captions, directives veritex does not know), and the title of a titled box;
- inline `$...$` by Pandoc's rule (no space inside the dollars, no digit right outside), also with a space
  before the closing dollar when the formula holds a TeX command word; `$$...$$` inside a paragraph is a
  displayed formula; code spans, escaped dollars and `{math}` roles as the readers read them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import FormulaEntry

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}|:{3,})(.*)$")
_FENCE_LINE = re.compile(r"^\s*(```|~~~)")
_AMSMATH = re.compile(r"^ {0,3}\\begin\{(equation|multline|gather|align|alignat|flalign|eqnarray)(\*?)\}")
_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_LABEL_AFTER = re.compile(r"^\s*\)([^)$\r\n]+?)\(\s*\${2}")  # `$$ (label)` read backwards, as mdit's
_LABEL_IN_TEX = re.compile(r"\\label\{([^{}]*)\}")
_MATH_OPTION = re.compile(r"\s*:(\w+):\s*(.*)$")
_DIRECTIVE_OPTION = re.compile(r"\s*:([\w-]+):(?:\s+(.*))?$")
_DIRECTIVE = re.compile(r"\s*\{([\w:.+-]+)\}\s*(.*)$")
_MATH_ROLE = "{math}`"
_TEX_COMMAND = re.compile(r"\\[A-Za-z]")

# Directives whose body is not Markdown (code, files, lists the build makes) and those without a title.
_NOT_MARKDOWN = frozenset({"code-block", "code", "sourcecode", "literalinclude", "include", "index", "contents",
                           "tableofcontents", "bibliography", "raw", "image", "code-cell"})
_UNTITLED = frozenset({"solution", "figure"})


def formulas_in_markdown(text: str, *, skip: int = 0, cell: int | None = None) -> list[FormulaEntry]:
    """Every formula of a Markdown text, in order; lines before `skip` (the front matter) are not read."""
    lines = text.split("\n")
    found: list[FormulaEntry] = []
    _scan(lines, skip, len(lines), cell, found)
    return found


def _scan(lines: list[str], start: int, stop: int, cell: int | None, found: list[FormulaEntry]) -> None:
    """The blocks of lines[start:stop]."""
    paragraph: list[int] = []

    def flush() -> None:
        if paragraph:
            found.extend(_inline(lines, paragraph, cell))
            paragraph.clear()

    index = start
    while index < stop:
        line = lines[index]
        fence = _FENCE.match(line)
        stripped = line.lstrip()
        if fence:
            flush()
            index = _fenced(lines, index, stop, fence, cell, found)
        elif stripped.startswith("$$") and not paragraph:
            after = _dollar_block(lines, index, stop, cell, found)
            if after is None:  # not a block: the `$$` is prose that opens a paragraph
                paragraph.append(index)
                index += 1
            else:
                index = after
        elif _AMSMATH.match(line):
            flush()
            index = _environment(lines, index, stop, cell, found)
        elif not stripped:
            flush()
            index += 1
        else:
            paragraph.append(index)
            if _HEADING.match(line):  # a heading is a block of one line
                flush()
            index += 1
    flush()


def _entry(tex: str, label: str | None, display: bool, line0: int, column0: int, cell: int | None,
           *, label_in_tex: bool = True) -> FormulaEntry:
    """A formula with its leading blank space dropped and its position moved to its first character."""
    stripped = tex.lstrip()
    gone = tex[: len(tex) - len(stripped)]
    newlines = gone.count("\n")
    line, column = line0 + 1, column0 + 1
    if newlines:
        line, column = line + newlines, len(gone) - gone.rfind("\n")
    else:
        column += len(gone)
    if label is None and label_in_tex:
        inside = _LABEL_IN_TEX.search(stripped)
        label = inside.group(1).strip() if inside else None
    return FormulaEntry(stripped.rstrip(), label, display, line, column, cell)


# Blocks -------------------------------------------------------------------------------------------------
def _fenced(lines: list[str], index: int, stop: int, fence: re.Match[str], cell: int | None,
            found: list[FormulaEntry]) -> int:
    """A fenced block: code is skipped, ```{math} is a displayed formula, a directive's Markdown body is read.
    Returns the next line."""
    marker, info = fence.group(1), fence.group(2).strip()
    end = index + 1
    while end < stop:
        closing = lines[end].strip()
        if closing.startswith(marker[0] * len(marker)) and not closing.strip(marker[0]):
            break
        end += 1
    if info.startswith("{math}"):
        body = lines[index + 1:end]
        label = None
        options = 0
        for line in body:
            option = _MATH_OPTION.match(line)
            if not option:
                break
            options += 1
            if option.group(1) == "label":
                label = option.group(2).strip()
        found.append(_entry("\n".join(body[options:]), label, True, index + 1 + options, 0, cell))
        return end + 1
    directive = _DIRECTIVE.match(info)
    if directive is not None:
        _directive(lines, index, end, directive.group(1).lower(), directive.group(2).strip(), cell, found)
    return end + 1


def _directive(lines: list[str], index: int, end: int, name: str, argument: str, cell: int | None,
               found: list[FormulaEntry]) -> None:
    """A directive's title and body, when they are Markdown (the readers read them again as Markdown)."""
    if name.startswith(".") or name.endswith("-end"):
        return
    name = name.removesuffix("-start")
    if name in _NOT_MARKDOWN:
        return
    if argument and name not in _UNTITLED:  # the readers read a title as a text of its own (columns too)
        found.extend(_inline_text(argument, index, 0, cell))
    _scan(lines, index + 1 + _option_lines(lines, index + 1, end), end, cell, found)


def _option_lines(lines: list[str], first: int, end: int) -> int:
    """How many lines the `:key: value` options (or a `---` YAML block) take at the top of a directive."""
    if first < end and lines[first].strip() == "---":
        closing = next((i for i in range(first + 1, end) if lines[i].strip() == "---"), None)
        return 0 if closing is None else closing + 1 - first
    used = 0
    while first + used < end and _DIRECTIVE_OPTION.match(lines[first + used]):
        used += 1
    return used


def _dollar_block(lines: list[str], index: int, stop: int, cell: int | None,
                  found: list[FormulaEntry]) -> int | None:
    """`$$ ... $$`, on one line or several, with an optional `(label)` after the closing dollars. Returns
    the next line, or None when the `$$` opens no block (never closed, or closed only past a code fence)."""
    opener = lines[index]
    start = opener.find("$$")
    first = opener[start:]
    label = None
    end_line, body_end = index, None
    if len(first.strip()) > 3:
        if first.rstrip().endswith("$$"):
            body_end = len(first.rstrip()) - 2
        else:
            match = _LABEL_AFTER.match(first.rstrip()[::-1])
            if match:
                label, body_end = match.group(1)[::-1], len(first.rstrip()) - match.end()
            elif "$$" in first[2:]:
                return None  # prose that starts with dollars
    if body_end is not None:
        tex = first[2:body_end]
    else:
        parts = [first[2:]]
        end_line = index + 1
        while end_line < stop:
            text = lines[end_line].rstrip()
            if text.endswith("$$"):
                parts.append(text[:-2])
                break
            match = _LABEL_AFTER.match(text[::-1])
            if match:
                label = match.group(1)[::-1]
                parts.append(text[: len(text) - match.end()])
                break
            parts.append(lines[end_line])
            end_line += 1
        else:
            return None  # never closed: the build reports it
        tex = "\n".join(parts)
        if any(_FENCE_LINE.search(part) for part in parts):
            return None  # a display never runs through a code fence
    if label is not None:
        label = re.sub(r"\s+", "-", label).strip()
    found.append(_entry(tex, label, True, index, start + 2, cell))
    return end_line + 1


def _environment(lines: list[str], index: int, stop: int, cell: int | None, found: list[FormulaEntry]) -> int:
    """`\\begin{equation} ... \\end{equation}` and the other amsmath environments, kept whole."""
    match = _AMSMATH.match(lines[index])
    assert match is not None
    closing = f"\\end{{{match.group(1)}{match.group(2)}}}"
    end = index
    while end < stop and closing not in lines[end]:
        end += 1
    if end == stop:
        return index + 1
    body = "\n".join(lines[index:end + 1])
    body = body[: body.rindex(closing) + len(closing)]
    column = lines[index].find("\\begin")
    found.append(_entry(body[column:], None, True, index, column, cell))
    return end + 1


# Inline -------------------------------------------------------------------------------------------------
def _inline(lines: list[str], paragraph: list[int], cell: int | None) -> Iterator[FormulaEntry]:
    first = paragraph[0]
    return _inline_text("\n".join(lines[first:paragraph[-1] + 1]), first, 0, cell)


def _inline_text(text: str, line0: int, column0: int, cell: int | None) -> Iterator[FormulaEntry]:
    """Inline formulas of one paragraph (or title) that starts at (line0, column0), skipping code spans
    and escaped dollars."""
    position = 0
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
        elif char == "`":
            role = text.endswith(_MATH_ROLE[:-1], 0, position)  # {math}`x`: a formula, read as the readers do
            run = len(text[position:]) - len(text[position:].lstrip("`"))
            closing = text.find("`" * run, position + run)
            if role and closing > 0 and "\n" not in text[position:closing]:
                yield _located(text, position + run, text[position + run:closing].strip(), False, line0, column0,
                               cell)
            position = closing + run if closing >= 0 else position + run
        elif char == "$":
            found = _inline_math(text, position)
            if found is None:
                position += 1
                continue
            begin, end, display, after = found
            yield _located(text, begin, text[begin:end], display, line0, column0, cell)
            position = after
        else:
            position += 1


def _located(text: str, offset: int, tex: str, display: bool, line0: int, column0: int,
             cell: int | None) -> FormulaEntry:
    before = text[:offset]
    line = line0 + before.count("\n")
    column = offset - (before.rfind("\n") + 1) + (column0 if line == line0 else 0)
    return _entry(tex, None, display, line, column, cell, label_in_tex=False)


def _inline_math(text: str, opening: int) -> tuple[int, int, bool, int] | None:
    """The formula a `$` at `opening` opens: (TeX start, TeX end, displayed, where reading goes on), or None.
    Pandoc's rule first (`$$..$$` is displayed), then the relaxed closing dollar of a span with a TeX command."""
    if opening > 0 and text[opening - 1].isdigit():
        return None
    after = text[opening + 1: opening + 2]
    if after and not after.isspace():
        double = after == "$"
        end = _closing(text, opening + (2 if double else 1), double)
        if end is not None and not text[end - 1].isspace() and not text[end + 1: end + 2].isdigit():
            begin, stop = (opening + 2, end - 1) if double else (opening + 1, end)
            if stop > begin:
                return begin, stop, double, end + 1
    if text.startswith("$$", opening) or not after:
        return None
    end = _closing(text, opening + 1, False)
    if end is None or text[end + 1: end + 2].isdigit():
        return None
    tex = text[opening + 1:end]
    if not tex or tex[0].isspace() or not _TEX_COMMAND.search(tex) or "\n\n" in tex:
        return None
    return opening + 1, end, False, end + 1


def _closing(text: str, search: int, double: bool) -> int | None:
    """The closing `$` (the second of `$$` when `double`), skipping escaped ones."""
    while True:
        end = text.find("$", search)
        if end < 0:
            return None
        if _escaped(text, end) or (double and text[end + 1: end + 2] != "$"):
            search = end + 1
            continue
        return end + 1 if double else end


def _escaped(text: str, position: int) -> bool:
    backslashes = len(text[:position]) - len(text[:position].rstrip("\\"))
    return backslashes % 2 == 1
