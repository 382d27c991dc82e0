"""What no report message may show: the parser's or SymPy's trees, Python object reprs, empty positions."""

from __future__ import annotations

import re

from veritex.report import Report

# The parser's trees print as `(^ x 2)`, SymPy's as `Mul(...)`; Python objects as `<veritex.… object at 0x…>`.
INTERNAL = re.compile(r"\((\^|\+|\.|frac|call|sub|_) |\b(Symbol|Mul|Add|Pow|Integer|Indexed|Derivative)\(|"
                      r"<veritex\.|object at 0x|at :|at \{where\}")


def internal_reprs(report: Report) -> list[str]:
    """Each report message that shows an internal repr or an empty position, with its document and line."""
    found = []
    for doc in report.documents:
        for item in doc.items:
            if INTERNAL.search(item.message):
                line = item.position.line if item.position else "?"
                found.append(f"{doc.path}:{line}: {item.message}")
    return found
