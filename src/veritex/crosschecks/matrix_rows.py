"""The rows of a written-out matrix or vector against its generic row.

A display such as `\\begin{bmatrix} a_{11} x_1 + \\cdots + a_{1k} x_k \\\\ \\vdots \\\\ a_{i1} x_1 + \\cdots +
a_{ik} x_k \\\\ \\vdots \\\\ a_{n1} x_1 + \\cdots + a_{nk} x_k \\end{bmatrix}` writes one row in an index
variable (`i`) and some rows at concrete indices (1, n). Each concrete row must be the generic row with the
index substituted, term by term (`\\cdots` matching `\\cdots`). A row is refuted only when it is the generic
row at its index in every place but one subscript: its index is read from the majority of the row's own
subscripts, and another concrete row matches the generic row exactly, so the pattern is the author's.

Matrices are read from the formula's TeX cell by cell, so a display whose other parts are outside the
parser's subset (an empty cell beside `\\vdots`) is still read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from veritex.math import MathSyntaxError, ast, parse
from veritex.math.rewrite import rewrite_expr
from veritex.model import Math

from .context import CrossContext
from .finding import Finding
from .matrix_product import index_characters, product_letters, row_value

CHECK = "matrix_rows"
BEGIN = re.compile(r"\\begin\{([pbBvV]?matrix|array)\}")
ROW_BREAK = re.compile(r"\\\\(\[[^\]]*\])?|\\cr\b")
MARK = "#"  # a subscript read as its characters: `a_{i1}` is `a_{#i1}`


@dataclass(frozen=True)
class Cell:
    expr: ast.Expr | None  # None: an empty cell
    offset: int  # where the cell's text starts in the formula's TeX
    tex: str


Row = tuple[Cell, ...]


def run(context: CrossContext) -> list[Finding]:
    findings: list[Finding] = []
    macros = context.doc.meta.macros
    for read in context.math.formulas:
        tex = read.math.tex
        if "dots" not in tex or "\\begin{" not in tex:
            continue
        letters = product_letters(tex)
        for start, body in _matrices(tex):
            rows = _rows(body, start, macros)
            if rows is not None:
                found = _check(read.math, rows)
                if letters is not None:
                    found = _with_product(read.math, rows, letters, found)
                findings.extend(found)
    return findings


def _with_product(math: Math, rows: list[Row], letters: tuple[str, str], found: list[Finding]) -> list[Finding]:
    """The findings of a column that writes out `A x`, with each row held against the product too."""
    entry, vector = letters
    product = f"{entry.upper()}{vector}"
    read = [(row[0], value) for row in rows if len(row) == 1 and row[0].expr is not None
            and (value := row_value(row[0].expr, entry, vector)) is not None]
    if not read:
        return found
    out = list(found)
    for cell, value in read:
        if value.agrees:
            continue
        said = f"at {value.instance} it gives {value.written} where row {value.row} of {product} is {value.product}"
        known = [f for f in out if f.status == "refuted" and f.offset is not None
                 and cell.offset <= f.offset < cell.offset + len(cell.tex)]
        if known:
            known[0].detail["instance"] = said
            continue
        shown = _shown((cell,))
        out.append(Finding(math, "refuted", f"The row {shown} is not row {value.row} of {product}: {said}.", CHECK,
                           cell.offset + len(cell.tex) - len(cell.tex.lstrip()),
                           {"against": f"row {value.row} of {product}", "instance": said}))
    if all(value.agrees for _, value in read):
        rows_read = ", ".join(value.row for _, value in read)
        if not out:
            out.append(Finding(math, "verified", f"The rows {rows_read} written out are those of {product} at "
                               f"{read[0][1].instance}.", CHECK, read[0][0].offset, {"against": product}))
        else:
            for f in out:
                f.detail["instance"] = f"rows {rows_read} agree with {product} at {read[0][1].instance}"
    return out


def _matrices(tex: str) -> Iterator[tuple[int, str]]:
    """(offset, body) of each innermost matrix environment."""
    for match in BEGIN.finditer(tex):
        name = match.group(1)
        start = match.end()
        if name == "array":
            spec = re.match(r"\s*\{[^{}]*\}", tex[start:])
            if spec is None:
                continue
            start += spec.end()
        end = tex.find(f"\\end{{{name}}}", start)
        if end < 0 or BEGIN.search(tex, start, end):
            continue
        yield start, tex[start:end]


def _split(text: str, offset: int, separator: re.Pattern[str]) -> list[tuple[int, str]]:
    """`text` split at `separator` outside braces, with each piece's offset."""
    out: list[tuple[int, str]] = []
    depth, last, i = 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            match = separator.match(text, i)
            if match is not None and match.end() > i:
                out.append((offset + last, text[last:i]))
                last = i = match.end()
                continue
        i += 1 + (ch == "\\" and i + 1 < len(text) and not text[i + 1].isalpha())
    out.append((offset + last, text[last:]))
    return out


def _rows(body: str, offset: int, macros: dict[str, str]) -> list[Row] | None:
    rows: list[Row] = []
    for row_offset, row_text in _split(body, offset, ROW_BREAK):
        row_text = row_text.replace("\\hline", " " * 6)
        if not row_text.strip():
            continue
        cells = []
        for cell_offset, cell_text in _split(row_text, row_offset, re.compile("&")):
            if not cell_text.strip():
                cells.append(Cell(None, cell_offset, ""))
                continue
            try:
                formula = parse(cell_text, macros=macros)
            except MathSyntaxError:
                return None
            statements = formula.statements
            if len(statements) != 1 or statements[0].relations or formula.shapes:
                return None
            cells.append(Cell(statements[0].sides[0], cell_offset, cell_text))
        rows.append(tuple(cells))
    return rows if len(rows) >= 3 else None


def _is_dots_row(row: Row) -> bool:
    return all(c.expr is None or isinstance(c.expr, ast.Dots) for c in row)


def _check(math: Math, rows: list[Row]) -> list[Finding]:
    if not any(_is_dots_row(r) for r in rows):
        return []
    content = [r for r in rows if not _is_dots_row(r) and all(c.expr is not None for c in r)]
    flanked = [r for k, r in enumerate(rows) if 0 < k < len(rows) - 1 and r in content
               and _is_dots_row(rows[k - 1]) and _is_dots_row(rows[k + 1])]
    # a row between two rows of dots is the generic row as written; the others may be read so too
    for generic in flanked + [r for r in content if r not in flanked]:
        for letter in _letters(generic):
            found = _against(math, generic, letter, [r for r in content if r is not generic])
            if found:
                return found
    return []


def _letters(row: Row) -> list[str]:
    """Single letters in the row's subscripts: the candidates for its index variable."""
    seen: dict[str, None] = {}
    for cell in row:
        assert cell.expr is not None
        for n in _canonical(cell.expr).walk():
            if isinstance(n, ast.Subscript) and isinstance(n.index, ast.Symbol) and n.index.name.startswith(MARK):
                for ch in n.index.name[1:]:
                    if ch.isalpha():
                        seen[ch] = None
    return list(seen)


def _against(math: Math, generic: Row, letter: str, others: list[Row]) -> list[Finding]:
    """The findings when `generic` is the pattern in `letter` for the other rows, else none."""
    exact: list[tuple[Row, str]] = []
    wrong: list[tuple[Row, str, ast.Expr, ast.Expr]] = []
    for row in others:
        if len(row) != len(generic):
            return []
        value = _binding(generic, row, letter)
        if value is None or value == letter:
            return []
        misses = [d for g, c in zip(generic, row, strict=True) for d in _diff(_instance(g, letter, value), c)]
        if not misses:
            exact.append((row, value))
        elif len(misses) == 1 and misses[0][0] is not None:
            meant, written = misses[0]
            assert meant is not None and written is not None
            wrong.append((row, value, meant, written))
        else:
            return []  # a row of another pattern: the generic row is not the rule of this matrix
    if not exact or len({v for _, v in exact} | {v for _, v, _, _ in wrong}) != len(exact) + len(wrong):
        return []
    pattern = _shown(generic)
    out: list[Finding] = []
    for row, value, meant, written in wrong:
        cell = next((c for c in row if c.expr is not None and any(n is written for n in c.expr.walk())), None)
        if cell is None:
            continue
        shown = cell.tex[written.span[0]:written.span[1]].strip()
        should = _spelled(cell.tex, written, meant)
        message = (f"The row for {letter} = {value} writes {shown} where the generic row {pattern} gives "
                   f"{should} at {letter} = {value}.")
        out.append(Finding(math, "refuted", message, CHECK, cell.offset + written.span[0],
                           {"against": pattern, "fix": f"{should} for {shown}",
                            "rows": [_shown(r) for r, _ in exact]}))
    if not wrong:
        values = ", ".join(f"{letter} = {v}" for _, v in exact)
        out.append(Finding(math, "verified", f"The rows at {values} are the row {pattern} with {letter} "
                           "substituted.", CHECK, generic[0].offset, {"against": pattern}))
    return out


def _shown(row: Row) -> str:
    """A row as its TeX, without colour commands."""
    cells = []
    for cell in row:
        whole = re.fullmatch(r"\s*\\color\{[^{}]*\}\{(.*)\}\s*", cell.tex, re.DOTALL)
        text = whole.group(1) if whole else cell.tex
        cells.append(re.sub(r"\s+", " ", re.sub(r"\\color\{[^{}]*\}", "", text)).strip())
    return " & ".join(cells)


def _binding(generic: Row, row: Row, letter: str) -> str | None:
    """The row's value of the index: the character most of its subscripts have where the generic row
    has `letter`, when at least two agree and no other value is as common."""
    votes: Counter[str] = Counter()
    for g, c in zip(generic, row, strict=True):
        assert g.expr is not None and c.expr is not None
        for a, b in _paired_subscripts(_canonical(g.expr), _canonical(c.expr)):
            for x, y in zip(a, b, strict=True):
                if x == letter:
                    votes[y] += 1
    ranked = votes.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def _paired_subscripts(g: ast.Node, c: ast.Node) -> Iterator[tuple[str, str]]:
    """Index strings of subscripts at the same place in two trees of one shape, of equal length."""
    if isinstance(g, ast.Subscript) and isinstance(c, ast.Subscript):
        a, b = _index_text(g), _index_text(c)
        if a is not None and b is not None and len(a) == len(b):
            yield a, b
        return
    if type(g) is not type(c):
        return
    gs, cs = list(g.children()), list(c.children())
    if len(gs) == len(cs):
        for x, y in zip(gs, cs, strict=True):
            yield from _paired_subscripts(x, y)


def _index_text(node: ast.Subscript) -> str | None:
    if isinstance(node.index, ast.Symbol) and node.index.name.startswith(MARK):
        return node.index.name[1:]
    return None


def _canonical(expr: ast.Expr) -> ast.Expr:
    """Subscripts of single letters and digits read as their characters: `a_{i1}`, `a_{i,1}` and the
    number in `a_{11}` are all two characters."""
    def simple(n: ast.Node) -> ast.Node | None:
        if isinstance(n, ast.Subscript):
            text = index_characters(n.index)
            if text is not None:
                return ast.Subscript(n.base, ast.Symbol(MARK + text, span=n.index.span), span=n.span)
        return None

    return rewrite_expr(expr, simple)


def _instance(cell: Cell, letter: str, value: str) -> ast.Expr:
    assert cell.expr is not None

    def put(n: ast.Node) -> ast.Node | None:
        if isinstance(n, ast.Symbol) and n.name.startswith(MARK):
            return ast.Symbol(MARK + n.name[1:].replace(letter, value), span=n.span)
        return None

    return rewrite_expr(_canonical(cell.expr), put)


def _diff(meant: ast.Expr, cell: Cell) -> list[tuple[ast.Expr | None, ast.Expr | None]]:
    """Where the row differs from the generic row at its index: pairs of subscripted names (meant,
    written, the written one from the cell's own tree), or (None, None) for any other difference."""
    assert cell.expr is not None
    return list(_differences(meant, cell.expr))


def _differences(meant: ast.Node, written: ast.Node) -> Iterator[tuple[ast.Expr | None, ast.Expr | None]]:
    canonical = _canonical(written) if isinstance(written, ast.Expr) else written
    if meant == canonical:
        return
    if isinstance(meant, ast.Subscript) and isinstance(written, ast.Subscript) and meant.base == written.base:
        a, b = _index_text(meant), _index_text(_canonical(written))  # type: ignore[arg-type]
        yield (meant, written) if a is not None and b is not None and len(a) == len(b) else (None, None)
        return
    ms, ws = list(meant.children()), list(written.children())
    if type(meant) is not type(written) or len(ms) != len(ws) or _fields(meant) != _fields(written):
        yield None, None
        return
    for m, w in zip(ms, ws, strict=True):
        yield from _differences(m, w)


def _fields(node: ast.Node) -> tuple[object, ...]:
    """The node's own values besides its children (an operator, a font), which must agree."""
    return tuple(v for k, v in vars_of(node).items() if not isinstance(v, ast.Node | tuple))


def vars_of(node: ast.Node) -> dict[str, object]:
    from dataclasses import fields

    return {f.name: getattr(node, f.name) for f in fields(node) if f.name != "span"}


def _spelled(tex: str, written: ast.Expr, meant: ast.Expr) -> str:
    assert isinstance(written, ast.Subscript) and isinstance(meant, ast.Subscript)
    base = tex[written.base.span[0]:written.base.span[1]].strip()
    index = _index_text(meant) or ""
    return f"{base}_{{{index}}}" if len(index) > 1 else f"{base}_{index}"
