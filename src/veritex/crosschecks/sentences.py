"""The running sentences around formulas: the sentence that leads into a displayed formula, the sentences
after it, and the text just before an inline formula, read from the markdown source without SymPy."""

from __future__ import annotations

import re
from dataclasses import dataclass

from veritex.model import Document, Math

_SENTENCE_END = re.compile(r"(?:[.!?](?=\s+[A-Z(*_])|\n\s*\n)")
_HEADING = re.compile(r"(?m)^\s{0,3}#")


@dataclass
class Stream:
    """A document's markdown as alternating prose and formulas: `texts[k]` is the prose before
    `maths[k]`, since the previous formula of its cell or the cell's start."""

    maths: list[Math]
    texts: list[str]
    after: list[str]  # the prose right after each formula, up to the next one or its cell's end
    cells: list[int]  # the markdown cell of each formula: prose never runs across cells

    def index(self, math: Math) -> int | None:
        for k, m in enumerate(self.maths):
            if m is math:
                return k
        return None

    def sentence_before(self, k: int) -> tuple[str, list[Math]]:
        """The sentence that ends where formula k begins: its prose (inline formulas shown as `$ $`) and
        the inline formulas inside it."""
        parts: list[str] = []
        inline: list[Math] = []
        text = self.texts[k].rstrip()  # the blank line before a display ends no sentence
        j = k
        while True:
            cut = _last_boundary(text)
            if cut is not None:
                parts.append(text[cut:])
                break
            parts.append(text)
            j -= 1
            if j < 0 or self.maths[j].display or self.cells[j] != self.cells[k]:
                break
            inline.append(self.maths[j])
            parts.append("$ $")
            text = self.texts[j]
        return "".join(reversed(parts)), list(reversed(inline))

    def prose_after(self, k: int, sentences: int) -> tuple[str, list[Math]]:
        """Up to `sentences` sentences after formula k, stopping at the next displayed formula or heading."""
        parts: list[str] = []
        inline: list[Math] = []
        count = 0
        j = k
        while True:
            text = self.after[j].lstrip() if j == k else self.after[j]
            stop = _HEADING.search(text)
            if stop is not None:
                text = text[:stop.start()]
            ends = list(_SENTENCE_END.finditer(text))
            if count + len(ends) >= sentences:
                parts.append(text[:ends[sentences - count - 1].end()])
                break
            count += len(ends)
            parts.append(text)
            j += 1
            if stop is not None or j >= len(self.maths) or self.maths[j].display \
                    or self.cells[j] != self.cells[k]:
                break
            inline.append(self.maths[j])
            parts.append("$ $")
        return "".join(parts), inline

    def same_section(self, first: int, last: int) -> bool:
        """Whether both formulas are in one cell, with no heading and no other displayed formula between."""
        if self.cells[first] != self.cells[last] or any(self.maths[j].display for j in range(first + 1, last)):
            return False
        return not any(_HEADING.search(self.texts[j]) for j in range(first + 1, last + 1))


def _last_boundary(text: str) -> int | None:
    last = None
    for match in _SENTENCE_END.finditer(text):
        last = match.end()
    if last is None and _HEADING.search(text):
        last = max(m.end() for m in re.finditer(r"(?m)^.*$", text) if _HEADING.match(m.group()))
    return last


def stream_of(doc: Document) -> Stream:
    maths: list[Math] = []
    texts: list[str] = []
    after: list[str] = []
    cells: list[int] = []
    for number, cell in enumerate(doc.markdown_cells()):
        lines = cell.source.splitlines(keepends=True)
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line))
        previous_end = 0
        first = len(maths)
        for math in cell.math:
            pos = math.position
            row = pos.line - cell.position.line if pos is not None else -1
            if not 0 <= row < len(lines):
                offset = previous_end
            else:
                offset = starts[row] + max(0, pos.column - 1)
                if row == 0 and cell.position.column > 1:
                    offset -= cell.position.column - 1
                offset = min(max(offset, previous_end), len(cell.source))
            texts.append(_strip(cell.source[previous_end:offset]))
            maths.append(math)
            previous_end = min(len(cell.source), offset + len(math.tex))
        rest = _strip(cell.source[previous_end:])
        for j in range(first, len(maths)):
            after.append(texts[j + 1] if j + 1 < len(maths) else rest)
            cells.append(number)
    return Stream(maths, texts, after, cells)


def _strip(text: str) -> str:
    """Prose between formulas without the math delimiters around them."""
    return text.replace("$$", " ").replace("$", " ").replace("\\[", " ").replace("\\]", " ")
