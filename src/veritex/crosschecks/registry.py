"""The cross-checks a build runs, in order: one module each, imported only when a document is checked.

Each module has `run(context: CrossContext) -> list[Finding]`. Add a check by adding its module's
full name here.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterator

from .context import CrossContext
from .finding import Finding

CHECK_MODULES: tuple[str, ...] = (
    "veritex.crosschecks.formula_code",
    "veritex.crosschecks.moment_identities",
    "veritex.crosschecks.function_use",
    "veritex.crosschecks.special_case",
    "veritex.crosschecks.matrix_rows",
    "veritex.crosschecks.normalisation",
    "veritex.crosschecks.stated_moments",
    "veritex.crosschecks.named_objects",
    "veritex.crosschecks.closed_forms",
    "veritex.crosschecks.array_identities",
    "veritex.crosschecks.standard_restatements",
)


Check = Callable[[CrossContext], list[Finding]]


def checks() -> Iterator[tuple[str, Callable[[], Check]]]:
    """Each check's short name, and how to load it (inside the stage's guard: a check that cannot even
    be imported is a bug the report names)."""
    for name in CHECK_MODULES:
        yield name.rpartition(".")[2], functools.partial(_load, name)


def _load(name: str) -> Check:
    run: Check = importlib.import_module(name).run
    return run
