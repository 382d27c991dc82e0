"""How a cross-check quotes a definition it held a formula against."""

from __future__ import annotations

from veritex.derivations.definitions import Definition


def rule_text(definition: Definition) -> str:
    """The defining statement as written (`b_t = \\gamma_1 - \\gamma_2 R_t^{-1}`), without the rest of
    its formula; the whole formula when the spans do not point into it."""
    start, end = definition.head.span[0], definition.body.span[1]
    text = definition.tex[start:end].strip() if 0 <= start < end <= len(definition.tex) else ""
    return text or definition.tex.strip()
