"""What a cross-check found about one formula: a verdict, one sentence, and the evidence behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from veritex.model import Math

FindingStatus = Literal["verified", "refuted", "unchecked"]


@dataclass
class Finding:
    math: Math  # the formula the verdict is about
    status: FindingStatus
    message: str  # one sentence a reader can act on: what is wrong (or what was shown), never a Python repr
    check: str  # the check that found it (its module's short name)
    offset: int | None = None  # where in the formula's TeX the finding points, when not at its start
    # The evidence, shown folded in the page and by `--explain`: the other formula or code it was held
    # against ("against"), the values ("values"), the likely fix ("fix"), the reference of a standard result.
    detail: dict[str, Any] = field(default_factory=dict)
