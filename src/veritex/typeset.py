"""Formulas typeset by KaTeX through one cache: the HTML writer takes markup from it, the render stage
takes KaTeX's refusals from it. The document model never holds the markup.

A document's formulas are typeset as one batch, because `\\newcommand` in one formula serves the ones
after it. Results are kept per document on disk (cache key -> KaTeX output) and, for the documents
of this process, in memory, so that the stage and the writer of one build read the disk once. A
rebuild after a prose edit finds every formula cached and never starts V8.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Store, digest
from .katex import KATEX_VERSION, Rendered, render_batch

CACHE_FORMAT = 1  # bump when the markup veritex asks KaTeX for changes
MATH_CACHE = "math"  # the service's namespace in a build's cache
_MEMORY_DOCUMENTS = 16  # documents whose results stay in memory

_LABEL = re.compile(r"\\label\s*\{[^{}]*\}")
# Environments KaTeX numbers on its own with a CSS counter; veritex numbers equations itself, so they
# are rendered starred (the number, if the formula is labelled, is set beside it by the writer).
_NUMBERED_ENV = re.compile(r"\\(?:begin|end)\s*\{(?:equation|align|alignat|gather)(?=\})")
_DEFINES = re.compile(
    r"\\(?:newcommand|renewcommand|providecommand|def|gdef|edef|xdef|let|futurelet|global|DeclareMathOperator)"
    r"(?![A-Za-z])"
)


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


class RenderCache:
    """One entry per document in the cache's `math` namespace: formula key -> KaTeX output. A damaged
    entry is a miss (noted) and is rewritten."""

    NAMESPACE = MATH_CACHE

    def __init__(self, cache_dir: Path | None, document: Path, *, load: bool = True) -> None:
        self.store = Store(cache_dir) if cache_dir else None
        self.key = self.store.key({"document": document.resolve()}) if self.store else ""
        self.path = self.store.path(self.NAMESPACE, self.key) if self.store else None
        self.entries: dict[str, Rendered] = {}
        self.changed = False
        if load:
            self.load()

    def load(self) -> None:
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


def cache_key(tex: str, display: bool, macros: Mapping[str, str], definitions: str) -> str:
    return digest([KATEX_VERSION, CACHE_FORMAT, display, sorted(macros.items()), definitions, tex])


class _Memory:
    """The last documents' results, valid while their cache file is the one they were read from or
    written to (a file changed or removed by anyone else sends the next call back to the disk)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str | None, tuple[str, ...]], tuple[int | None, list[Rendered]]] = (
            OrderedDict())

    @staticmethod
    def _stamp(path: Path | None) -> int | None:
        if path is None:
            return None
        try:
            return path.stat().st_mtime_ns
        except OSError:
            return -1

    def get(self, path: Path | None, keys: tuple[str, ...]) -> list[Rendered] | None:
        with self._lock:
            found = self._entries.get((str(path) if path else None, keys))
        if found is None or found[0] != self._stamp(path) or found[0] == -1:
            return None
        return found[1]

    def put(self, path: Path | None, keys: tuple[str, ...], results: list[Rendered]) -> None:
        entry = (self._stamp(path), results)
        with self._lock:
            self._entries[(str(path) if path else None, keys)] = entry
            self._entries.move_to_end((str(path) if path else None, keys))
            while len(self._entries) > _MEMORY_DOCUMENTS:
                self._entries.popitem(last=False)


_memory = _Memory()


def forget_remembered() -> None:
    """Forget the results kept in memory (the disk cache stays): the next call reads the disk."""
    global _memory
    _memory = _Memory()


TEXT_BOX_MACROS = {"\\mbox": "\\text{#1}"}
"""LaTeX's text box, which notebooks use for words in formulas and the bundled KaTeX does not define."""


def typeset_document(formulas: Sequence[tuple[str, bool]], macros: Mapping[str, str], *,
                     cache_dir: Path | None, document: Path) -> list[Rendered]:
    """KaTeX's output for each (TeX, display) formula of `document`, in order: markup, or why it refused.

    `macros` are the front matter's; `cache_dir` holds one file per document (None: no disk cache)."""
    prepared = [prepare(tex) for tex, _ in formulas]
    # `\newcommand` in one formula serves the ones after it, so every formula's output depends on them.
    defining = {i for i, p in enumerate(prepared) if _DEFINES.search(p.tex)}
    definitions = digest([[prepared[i].tex, formulas[i][1]] for i in sorted(defining)])
    macros = {**TEXT_BOX_MACROS, **macros}
    keys = tuple(cache_key(p.tex, display, macros, definitions)
                 for (_, display), p in zip(formulas, prepared, strict=True))
    cache = RenderCache(cache_dir, document, load=False)
    remembered = _memory.get(cache.path, keys)
    if remembered is not None:
        return remembered
    cache.load()
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
        results = render_batch([(prepared[i].tex, formulas[i][1]) for i in batch], macros)
        for i, rendered in zip(batch, results, strict=True):
            if keys[i] in missing:
                fresh[keys[i]] = rendered
                if rendered.final:
                    cache.put(keys[i], rendered)
    found = [fresh.get(key) or cache.get(key) for key in keys]
    assert all(r is not None for r in found)  # every missing key was rendered above
    typeset = [r for r in found if r is not None]
    cache.save(keys)
    if all(r.final for r in typeset):  # a rescue after V8 failed is retried next time, not remembered
        _memory.put(cache.path, keys, typeset)
    return typeset


@functools.lru_cache(maxsize=256)
def _typeset_one(tex: str, display: bool, macros: tuple[tuple[str, str], ...]) -> Rendered:
    return render_batch([(prepare(tex).tex, display)], dict(macros))[0]


def typeset_formula(tex: str, display: bool, macros: Mapping[str, str] | None = None) -> Rendered:
    """One formula outside a document's prose (a `text/latex` output, for one), remembered in memory."""
    rendered = _typeset_one(tex, display, tuple(sorted({**TEXT_BOX_MACROS, **(macros or {})}.items())))
    if not rendered.final:
        _typeset_one.cache_clear()  # produced after V8 failed: worth retrying next time
    return rendered
