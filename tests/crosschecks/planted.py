"""A cross-check for the stage's tests: it refutes every formula whose TeX holds `BAD`, and
fails inside on one holding `CRASH`."""

from __future__ import annotations

import functools

from veritex.crosschecks import CrossContext, Finding

COMPUTED: list[str] = []  # the formulas whose number was worked out, not remembered


def _work(tex: str) -> int:
    COMPUTED.append(tex)
    return len(tex)


def run(context: CrossContext) -> list[Finding]:
    out = []
    for read in context.formulas():
        if "CRASH" in read.math.tex:
            raise ZeroDivisionError
        if "BAD" in read.math.tex:
            tex = read.math.tex
            size = context.remember("planted", [tex], functools.partial(_work, tex))
            out.append(Finding(read.math, "refuted", "BAD is planted here", "planted",
                               offset=read.math.tex.index("BAD"), detail={"fix": "remove BAD", "size": size}))
    return out
