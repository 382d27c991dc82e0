"""Cross-checks: a formula held against the rest of its document.

The identity stage checks each formula on its own. A cross-check reads the document as a whole: a formula
against its later restatement or its special case, against the code beside it, against a property its
prose gives it (a density integrates to one), against a standard result it restates. Each check is one
module of this package with `run(context) -> list[Finding]`, listed in `registry.CHECK_MODULES`; the stage
`veritex.stages.crosschecks` turns the findings into report items of kind "consistency".

Precision comes first: a check says `refuted` only when its reading is certain, and says nothing at all
when a link, a property or a standard result is not certain.

`CrossContext` and `Finding` are loaded on first use: the printed-values stage reads outputs with
`crosschecks.printed` alone, without the math reader behind the context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .context import CrossContext
    from .finding import Finding

__all__ = ["CrossContext", "Finding"]


def __getattr__(name: str) -> Any:
    if name == "CrossContext":
        from .context import CrossContext

        return CrossContext
    if name == "Finding":
        from .finding import Finding

        return Finding
    raise AttributeError(name)
