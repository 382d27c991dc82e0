"""Derivations: the identities and derivation chains a document states, checked without running any
code (a formula checked against code is `veritex.code_checks`).

    from veritex.derivations import read_document_math
    document = read_document_math(doc)          # parses, definitions, declarations (no SymPy)
    for read, plan in document.plans():         # one plan per displayed formula that claims an identity
        result = check_plan(plan, seed=0)       # from veritex.derivations.steps (imports SymPy)

The build calls `veritex.stages.derivations.check_identities`, which adds report items and caches.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .plan import FormulaPlan, StepPlan
    from .reading import DocumentMath, ReadFormula, read_document_math
    from .results import FormulaResult, StepResult

__all__ = ["DocumentMath", "FormulaPlan", "FormulaResult", "ReadFormula", "StepPlan", "StepResult",
           "read_document_math"]

# Lazy, so that reading cached verdicts (`veritex.derivations.results`) never loads the math reader.
_HOME = {"DocumentMath": "reading", "ReadFormula": "reading", "read_document_math": "reading",
         "FormulaPlan": "plan", "StepPlan": "plan", "FormulaResult": "results", "StepResult": "results"}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'veritex.derivations' has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value
