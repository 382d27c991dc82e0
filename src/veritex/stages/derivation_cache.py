"""The identity verdicts of a whole document, kept under a key made of its formulas alone.

When no formula changed (a prose edit, an unchanged rebuild), the identity stage needs neither the
math reader nor the plans: one hash of every formula's TeX, label and display flag, the macros and
the code that decides verdicts finds the recipes of the last build's items, which are rebuilt at
the formulas' current positions. A recipe refers to a per-formula verdict file, the one source of
truth, so a damaged or deleted verdict makes this cache miss, never serve a verdict it lacks.

Verdicts may name an unlabelled definition by its line (`sigma from the formula at line 12`); the entry
records those names, and a build where such a formula moved is a miss.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cache import Store, digest
from ..model import Document, Item, Math
from ..places import formula_place

if TYPE_CHECKING:
    from ..derivations.plan import FormulaPlan

FORMAT = 1
NAMESPACE = "identity-documents"
Recipe = dict[str, Any]  # {"formula": index, "plan": verdict key} or {"formula": index, "unreadable": [...]}


@functools.cache
def _stage_code() -> str:
    """The identity stage's own code shapes the items, and `places` names formulas in verdicts
    (the environment's fingerprint, in every key, covers the checker's code)."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for path in (here / "derivations.py", here / "derivation_cache.py", here.parent / "places.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class DocumentVerdicts:
    """One entry per document path: the key of its formulas, the names its verdicts use, the recipes."""

    def __init__(self, store: Store, doc: Document, formulas: Sequence[Math]) -> None:
        self.entries = store
        self.entry = store.key({"document": doc.path.resolve()})
        self.path = store.path(NAMESPACE, self.entry)
        self.formulas = list(formulas)
        self.key = digest([
            FORMAT, _stage_code(), sorted(doc.meta.macros.items()),
            [[m.tex, m.label, m.display] for m in self.formulas],
        ])

    def replay(self, rebuild: Callable[[Recipe], Item | None]) -> list[Item] | None:
        """The items of the last build, rebuilt; None on any miss (nothing is half replayed)."""
        entry = self.entries.load(NAMESPACE, self.entry)
        if entry is None:
            return None
        try:
            if entry["format"] != FORMAT or entry["key"] != self.key:
                return None  # other formulas: the document changed
            if any(formula_place(self.formulas[index]) != place for index, place in entry["named"]):
                return None
            items = []
            for recipe in entry["recipes"]:
                item = rebuild(recipe)
                if item is None:
                    return None
                items.append(item)
        except (ValueError, KeyError, TypeError, IndexError):
            self.entries.note(self.path, "its recipes do not fit the document")
            return None
        return items

    def store(self, recipes: list[Recipe], plans: list[FormulaPlan]) -> None:
        # The text the verdict keys hash: an unlabelled formula named in it pins that formula's line.
        text = "\n".join(step.key() for plan in plans for step in plan.steps)
        named = [[i, place] for i, math in enumerate(self.formulas)
                 if math.label is None and (place := formula_place(math)) in text]
        entry = {"format": FORMAT, "key": self.key, "named": named, "recipes": recipes}
        self.entries.save(NAMESPACE, self.entry, entry)  # one that cannot be written costs speed, never the build
